import { webApi } from '@slack/bolt';
import { ChannelGoneError } from '../../src/digest/errors.ts';
import type { ChannelRef, DigestPoster, PartRefs } from '../../src/digest/types.ts';
import type { Logger } from '../../src/logger.ts';
import { digestThreadToSlack, digestToSlack, type SlackDigestOptions } from '../format/slack-digest.ts';
import { createBoltLogger } from './bolt-logger.ts';

/** `metadata.event_type` of a digest's top-level message; `event_payload.key` is its delivery key. */
export const DIGEST_EVENT_TYPE = 'paperboy_digest';
/** `metadata.event_type` of each message in a digest's thread; `event_payload` is `{ key, part }`. */
export const DIGEST_PART_EVENT_TYPE = 'paperboy_digest_part';

/** Slack's answers that mean the bot cannot post in the channel any more (and retrying will not help). */
const CHANNEL_GONE = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'channel_is_archived']);

export interface SlackDigestPosterOptions extends SlackDigestOptions {
  /**
   * Posts and reads the channel. It must not retry on its own (see `createDigestWebClient`): a
   * chat.postMessage retried after a lost response posts the digest twice, while the digest's
   * ledger retries safely, asking `findExisting` first.
   */
  client: webApi.WebClient;
  logger: Logger;
  clock?: () => Date;
  /** How far back `findExisting` looks for the delivery key. */
  lookbackMs?: number;
  /** Pages of channel history (and of the digest's thread) `findExisting` reads at most (200 messages each). */
  maxPages?: number;
  /** Times one call waits out Slack's Retry-After before giving up (the ledger then retries later). */
  rateLimitWaits?: number;
  /** Longest Retry-After worth waiting for, in seconds. */
  maxRetryAfterSeconds?: number;
  /** Injected so tests do not wait out Retry-After for real. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A Web API client for digests: same token and API URL as the app's, but no automatic retries and
 * a request timeout well inside the delivery lease, so a hung post can never land after another
 * process has taken the delivery over.
 *
 * @example createDigestWebClient({ botToken: config.slack.botToken, apiUrl: config.slack.apiUrl }, logger)
 */
export function createDigestWebClient(
  { botToken, apiUrl }: { botToken: string; apiUrl?: string },
  logger: Logger,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): webApi.WebClient {
  return new webApi.WebClient(botToken, {
    ...(apiUrl !== undefined && { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` }),
    retryConfig: { retries: 0 },
    timeout: timeoutMs,
    // A 429 comes back at once as WebAPIRateLimitedError; the poster waits it out itself.
    rejectRateLimitedCalls: true,
    logger: createBoltLogger(logger),
  });
}

/**
 * Posts digests to Slack: a short top-level message carrying the delivery key in its metadata, then
 * the full list in its thread, each reply carrying the key and its part number in its metadata.
 * The top-level message's `ts` is the delivery's `messageRef`.
 *
 * @example
 * const posters = { slack: createSlackDigestPoster({ client: createDigestWebClient(config.slack, logger), logger }) };
 */
export function createSlackDigestPoster({
  client,
  logger,
  clock = () => new Date(),
  lookbackMs = 7 * 86_400_000,
  maxPages = 5,
  rateLimitWaits = 3,
  maxRetryAfterSeconds = 30,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ...format
}: SlackDigestPosterOptions): DigestPoster {
  const log = logger.child({ component: 'slack-digest' });

  /**
   * Runs a Web API call. A rate-limited call was not carried out, so it is repeated after Slack's
   * Retry-After; "the bot cannot post here" becomes ChannelGoneError.
   */
  async function slackCall<T>(channel: ChannelRef, call: () => Promise<T>): Promise<T> {
    for (let waits = 0; ; waits++) {
      try {
        return await call();
      } catch (err) {
        const retryAfter = codeOf(err) === webApi.ErrorCode.RateLimitedError ? (err as webApi.WebAPIRateLimitedError).retryAfter : undefined;
        if (retryAfter !== undefined && waits < rateLimitWaits && retryAfter <= maxRetryAfterSeconds) {
          log.warn({ channel: channel.channelId, retryAfter }, 'digest: Slack rate limit; waiting before trying again');
          await sleep(retryAfter * 1000);
          continue;
        }
        const code = platformErrorOf(err);
        if (code !== undefined && CHANNEL_GONE.has(code)) throw new ChannelGoneError(channel, code, { cause: err });
        throw err;
      }
    }
  }

  async function findTop(channel: ChannelRef, deliveryKey: string): Promise<string | undefined> {
    const oldest = String((clock().getTime() - lookbackMs) / 1000);
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const res = await slackCall(channel, () =>
        client.conversations.history({ channel: channel.channelId, include_all_metadata: true, limit: 200, oldest, ...(cursor && { cursor }) }),
      );
      const found = res.messages?.find((m) => m.metadata?.event_type === DIGEST_EVENT_TYPE && payloadOf(m.metadata)?.key === deliveryKey);
      if (found?.ts !== undefined) return found.ts;
      cursor = res.response_metadata?.next_cursor;
      if (!res.has_more || !cursor) return undefined;
    }
    log.warn({ deliveryKey, channel: channel.channelId, maxPages }, 'digest: stopped looking for an earlier post after the page limit');
    return undefined;
  }

  /** The thread parts of `deliveryKey` under `ts`, by part number. */
  async function findParts(channel: ChannelRef, ts: string, deliveryKey: string): Promise<PartRefs> {
    const parts: PartRefs = {};
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const res = await slackCall(channel, () =>
        client.conversations.replies({ channel: channel.channelId, ts, include_all_metadata: true, limit: 200, ...(cursor && { cursor }) }),
      );
      for (const m of res.messages ?? []) {
        const payload = m.metadata?.event_type === DIGEST_PART_EVENT_TYPE ? payloadOf(m.metadata) : undefined;
        if (payload?.key === deliveryKey && typeof payload.part === 'number' && m.ts !== undefined) parts[payload.part] = m.ts;
      }
      cursor = res.response_metadata?.next_cursor;
      if (!res.has_more || !cursor) break;
    }
    return parts;
  }

  return {
    async post(channel, digest, deliveryKey, { posted, accepted }) {
      let ts = posted[0];
      if (ts === undefined) {
        const top = await slackCall(channel, () =>
          client.chat.postMessage({
            channel: channel.channelId,
            ...digestToSlack(digest, format),
            metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { key: deliveryKey } },
          }),
        );
        if (top.ts === undefined) throw new Error(`Slack accepted the digest ${deliveryKey} but returned no ts`);
        ts = top.ts;
        await accepted(0, ts);
      }
      const thread = digestThreadToSlack(digest, format);
      for (const [i, reply] of thread.entries()) {
        const part = i + 1;
        if (posted[part] !== undefined) continue;
        const res = await slackCall(channel, () =>
          client.chat.postMessage({
            channel: channel.channelId,
            thread_ts: ts,
            ...reply,
            metadata: { event_type: DIGEST_PART_EVENT_TYPE, event_payload: { key: deliveryKey, part } },
          }),
        );
        if (res.ts === undefined) throw new Error(`Slack accepted part ${part} of the digest ${deliveryKey} but returned no ts`);
        await accepted(part, res.ts);
      }
      return { messageRef: ts };
    },

    async findExisting(channel, deliveryKey, { messageRef } = {}) {
      const ts = messageRef ?? (await findTop(channel, deliveryKey));
      return ts === undefined ? {} : { ...(await findParts(channel, ts, deliveryKey)), 0: ts };
    },
  };
}

function payloadOf(metadata: { event_payload?: unknown }): { key?: unknown; part?: unknown } | undefined {
  return metadata.event_payload as { key?: unknown; part?: unknown } | undefined;
}

function codeOf(err: unknown): unknown {
  return err instanceof Error && 'code' in err ? err.code : undefined;
}

/** Slack's `error` for a call it refused (`{ ok: false, error }`). */
function platformErrorOf(err: unknown): string | undefined {
  if (codeOf(err) !== webApi.ErrorCode.PlatformError) return undefined;
  const error = (err as webApi.WebAPIPlatformError).data.error;
  return typeof error === 'string' ? error : undefined;
}
