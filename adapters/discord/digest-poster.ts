/**
 * Posts digests to Discord over REST: the short message in the channel, the full list in a thread
 * started from it (or as replies to it where threads are not possible). The delivery key travels
 * as a short ref in the embed footer (what `findExisting` looks for); each thread message starts
 * with its part label ("Part 2 of 3"), which identifies it within the digest's thread. Every
 * message also carries a nonce with `enforce_nonce`, so Discord itself drops a quick resend.
 */
import { createHash } from 'node:crypto';
import { Client, DiscordAPIError, Routes, ThreadAutoArchiveDuration, type APIMessage, type REST } from 'discord.js';
import type { Logger } from '../../src/logger.ts';
import { ChannelGoneError } from '../../src/digest/errors.ts';
import type { ChannelRef, DigestPoster, PartRefs } from '../../src/digest/types.ts';
import { digestRefOf, formatDigest } from '../format/discord-digest.ts';
import type { DiscordMessage } from '../format/discord-markdown.ts';
import { errorForLog } from './guards.ts';

/** Errors that mean the bot cannot post in the channel any more: stop trying, do not retry. */
const CHANNEL_GONE: Record<number, string> = {
  10003: 'Unknown Channel',
  50001: 'Missing Access',
  50013: 'Missing Permissions',
};

/** Refusals to start a thread (Missing Access, Missing Permissions): the full list goes out as replies. */
const NO_THREADS = new Set([50001, 50013]);

/** Discord caps nonces at 25 characters. */
const REF_CHARS = 25;

export interface DiscordDigestPosterOptions {
  logger?: Logger;
  /** How many recent channel messages `findExisting` reads (Discord serves at most 100 per call). */
  recentMessages?: number;
}

/** The short, stable stand-in for a delivery key that fits a nonce and a footer. */
export function digestRef(deliveryKey: string): string {
  return createHash('sha256').update(deliveryKey).digest('hex').slice(0, REF_CHARS);
}

/** Subtext above each thread message: tells readers where they are, and recovery which part it is. */
const partLabel = (part: number, of: number) => `-# Part ${part} of ${of}`;
const PART_LABEL = /^-# Part (\d+) of \d+$/;

/**
 * @example
 * posters.discord = createDiscordDigestPoster(discordBot.client, { logger });
 */
export function createDiscordDigestPoster(
  discord: Client | REST,
  { logger, recentMessages: historyLimit = 100 }: DiscordDigestPosterOptions = {},
): DigestPoster {
  const rest = discord instanceof Client ? discord.rest : discord;

  const send = (channelId: string, message: DiscordMessage, extra: Record<string, unknown> = {}) =>
    rest.post(Routes.channelMessages(channelId), { body: { ...toBody(message), ...extra } }) as Promise<APIMessage>;

  /** The thread's id (Discord gives it the message's id), or undefined when no thread can be made here. */
  async function openThread(channel: ChannelRef, messageId: string, name: string): Promise<string | undefined> {
    try {
      await rest.post(Routes.threads(channel.channelId, messageId), {
        body: { name, auto_archive_duration: ThreadAutoArchiveDuration.OneDay },
      });
      return messageId;
    } catch (error) {
      // 160004: a thread already exists for this message (started before a crash, or a deduplicated resend).
      if (error instanceof DiscordAPIError && error.code === 160004) return messageId;
      // Anything but a refusal (a network error, a 5xx) fails the delivery, to be completed on retry.
      if (!(error instanceof DiscordAPIError && NO_THREADS.has(Number(error.code)))) throw goneOr(channel, error);
      logger?.warn({ channel, err: errorForLog(error) }, 'digest: could not start a Discord thread; replying to the digest instead');
      return undefined;
    }
  }

  const readRecent = (channelId: string) =>
    rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: String(historyLimit) }) }) as Promise<APIMessage[]>;

  /** The message the digest with `ref` starts with, among the channel's recent messages. */
  async function findTop(channel: ChannelRef, ref: string): Promise<string | undefined> {
    const recent = await readRecent(channel.channelId).catch((error: unknown) => {
      throw goneOr(channel, error);
    });
    return recent.find((m) => m.author.bot === true && m.embeds.some((e) => digestRefOf(e) === ref))?.id;
  }

  /** The thread parts under the digest message `rootId`: in its thread, or replying to it where there is none. */
  async function findParts(channel: ChannelRef, rootId: string): Promise<PartRefs> {
    let candidates: APIMessage[];
    try {
      candidates = await readRecent(rootId);
    } catch (error) {
      if (!(error instanceof DiscordAPIError && error.code === 10003)) throw goneOr(channel, error);
      // No thread was started from the digest: its parts are replies to it in the channel.
      candidates = (await readRecent(channel.channelId)).filter((m) => m.message_reference?.message_id === rootId);
    }
    const parts: PartRefs = {};
    for (const m of candidates) {
      const part = m.author.bot === true ? PART_LABEL.exec(m.content.split('\n')[0] ?? '')?.[1] : undefined;
      if (part !== undefined) parts[Number(part)] = m.id;
    }
    return parts;
  }

  return {
    async post(channel, digest, deliveryKey, { posted, accepted }) {
      const ref = digestRef(deliveryKey);
      const { top, thread, threadName } = formatDigest(digest, { ref });
      let rootId = posted[0];
      if (rootId === undefined) {
        const root = await send(channel.channelId, top, { nonce: ref, enforce_nonce: true }).catch((error: unknown) => {
          throw goneOr(channel, error);
        });
        rootId = root.id;
        await accepted(0, rootId);
      }
      const missing = thread.map((message, i) => ({ message, part: i + 1 })).filter(({ part }) => posted[part] === undefined);
      if (missing.length === 0) return { messageRef: rootId };
      const threadId = await openThread(channel, rootId, threadName);
      for (const { message, part } of missing) {
        const labelled = { ...message, content: [partLabel(part, thread.length), message.content].filter((c) => c !== undefined).join('\n') };
        const once = { nonce: digestRef(`${deliveryKey}#${part}`), enforce_nonce: true };
        const sent =
          threadId !== undefined
            ? await send(threadId, labelled, once)
            : await send(channel.channelId, labelled, { ...once, message_reference: { message_id: rootId, fail_if_not_exists: false } });
        await accepted(part, sent.id);
      }
      return { messageRef: rootId };
    },

    async findExisting(channel, deliveryKey, { messageRef } = {}) {
      const rootId = messageRef ?? (await findTop(channel, digestRef(deliveryKey)));
      return rootId === undefined ? {} : { ...(await findParts(channel, rootId)), 0: rootId };
    },
  };
}

function goneOr(channel: ChannelRef, error: unknown): unknown {
  if (error instanceof DiscordAPIError && typeof error.code === 'number' && CHANNEL_GONE[error.code] !== undefined) {
    return new ChannelGoneError(channel, `${error.code} ${CHANNEL_GONE[error.code]}`, { cause: error });
  }
  return error;
}

function toBody(message: DiscordMessage): Record<string, unknown> {
  const { parse = [], repliedUser = false } = message.allowedMentions;
  return {
    ...(message.content !== undefined && { content: message.content }),
    embeds: message.embeds,
    allowed_mentions: { parse, replied_user: repliedUser },
  };
}
