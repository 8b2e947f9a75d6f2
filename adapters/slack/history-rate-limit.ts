/**
 * Reading Slack history under its rate limits. Apps created since 2025 outside the Marketplace may
 * call conversations.history and conversations.replies once a minute, 15 messages a page; a call
 * over the limit gets HTTP 429 with Retry-After (or a `ratelimited` error). The Web API client's
 * own handling waits the limit out with its whole request queue paused, holding every answer in
 * progress for up to a minute; history is optional context, so instead reads go through a client
 * that rejects limited calls (HISTORY_CLIENT_OPTIONS) and this gate, which waits a limit out only
 * within the question's budget and makes no call until the limit has passed.
 */
import { webApi } from '@slack/bolt';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../src/logger.ts';

/** A `ratelimited` answer without Retry-After: the window of the methods limited to a call a minute. */
const DEFAULT_RETRY_MS = 60_000;
/** A Retry-After of 0 must not turn into calls back to back. */
const MIN_RETRY_MS = 1_000;

export interface HistoryGate {
  /** `call`'s answer, or undefined when Slack limits `method` past `until` (epoch ms). */
  read<T>(method: string, call: () => Promise<T>, until: number): Promise<T | undefined>;
}

/**
 * One per Slack app: Slack counts a method's calls per app and workspace.
 *
 * @example
 * const page = await gate.read('conversations.replies', () => client.conversations.replies(params), Date.now() + 5_000);
 * if (page === undefined) return; // limited: answer from what was read so far
 */
export function createHistoryGate(logger: Logger): HistoryGate {
  const notBefore = new Map<string, number>();
  return {
    async read(method, call, until) {
      for (;;) {
        const wait = (notBefore.get(method) ?? 0) - Date.now();
        if (wait > 0) {
          if (Date.now() + wait > until) return undefined;
          await sleep(wait);
        }
        try {
          return await call();
        } catch (err) {
          const retryMs = rateLimitedFor(err);
          if (retryMs === undefined) throw err;
          notBefore.set(method, Date.now() + retryMs);
          logger.warn({ method, retryAfterMs: retryMs }, 'Slack rate-limited a history read; reading less history until it passes');
        }
      }
    },
  };
}

/** How long Slack asked us to wait, when `err` is a rate limit. */
function rateLimitedFor(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e.code === webApi.ErrorCode.RateLimitedError && typeof e.retryAfter === 'number') return Math.max(e.retryAfter * 1000, MIN_RETRY_MS);
  if (e.code === webApi.ErrorCode.PlatformError && e.data?.error === 'ratelimited') return DEFAULT_RETRY_MS;
  return undefined;
}
