/**
 * Posts digests to Discord over REST: the short message in the channel, the full list in a thread
 * started from it (or as replies to it where threads are not possible). The delivery key travels
 * as a short ref in the embed footer (what `findExisting` looks for) and as the message nonce with
 * `enforce_nonce`, so Discord itself drops a quick resend of the same post.
 */
import { createHash } from 'node:crypto';
import { Client, DiscordAPIError, Routes, ThreadAutoArchiveDuration, type APIMessage, type REST } from 'discord.js';
import type { Logger } from '../../src/logger.ts';
import { ChannelGoneError } from '../../src/digest/errors.ts';
import type { ChannelRef, DigestPoster } from '../../src/digest/types.ts';
import { digestRefOf, formatDigest } from '../format/discord-digest.ts';
import type { DiscordMessage } from '../format/discord-markdown.ts';
import { errorForLog } from './guards.ts';

/** Errors that mean the bot cannot post in the channel any more: stop trying, do not retry. */
const CHANNEL_GONE: Record<number, string> = {
  10003: 'Unknown Channel',
  50001: 'Missing Access',
  50013: 'Missing Permissions',
};

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

/**
 * @example
 * posters.discord = createDiscordDigestPoster(discordBot.client, { logger });
 */
export function createDiscordDigestPoster(
  discord: Client | REST,
  { logger, recentMessages = 100 }: DiscordDigestPosterOptions = {},
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
      // 160004: a thread already exists for this message (a resend Discord deduplicated by nonce).
      if (error instanceof DiscordAPIError && error.code === 160004) return messageId;
      logger?.warn({ channel, err: errorForLog(error) }, 'digest: could not start a Discord thread; replying to the digest instead');
      return undefined;
    }
  }

  return {
    async post(channel, digest, deliveryKey) {
      const ref = digestRef(deliveryKey);
      const { top, thread, threadName } = formatDigest(digest, { ref });
      const root = await send(channel.channelId, top, { nonce: ref, enforce_nonce: true }).catch((error: unknown) => {
        throw goneOr(channel, error);
      });
      if (thread.length === 0) return { messageRef: root.id };
      const threadId = await openThread(channel, root.id, threadName);
      for (const message of thread) {
        if (threadId !== undefined) await send(threadId, message);
        else await send(channel.channelId, message, { message_reference: { message_id: root.id, fail_if_not_exists: false } });
      }
      return { messageRef: root.id };
    },

    async findExisting(channel, deliveryKey) {
      const ref = digestRef(deliveryKey);
      const recent = (await rest
        .get(Routes.channelMessages(channel.channelId), { query: new URLSearchParams({ limit: String(recentMessages) }) })
        .catch((error: unknown) => {
          throw goneOr(channel, error);
        })) as APIMessage[];
      return recent.find((m) => m.author.bot === true && m.embeds.some((e) => digestRefOf(e) === ref))?.id;
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
