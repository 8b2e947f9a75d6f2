/**
 * Questions asked about a digest: in the thread started from it (the thread's id is the digest
 * message's id), or, where the digest went out as replies, in a reply to the digest message.
 */
import type { Channel } from 'discord.js';
import { errorForLog } from './guards.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

export interface AskedWhere {
  /** The channel the question was asked in, when discord.js knows it. */
  channel: Channel | null;
  channelId: string;
  /** The message the question replies to, if any. */
  replyTo?: string;
}

/**
 * The papers of the digest the question is about, for `engine.ask({ paperIds })`; undefined for
 * a question anywhere else (or when digests are off, or the lookup failed: answer from everything).
 */
export async function digestPaperIds(where: AskedWhere, ctx: Pick<DiscordHandlerContext, 'digests' | 'logger'>): Promise<string[] | undefined> {
  const { digests } = ctx;
  if (!digests) return undefined;
  const { channel, channelId, replyTo } = where;
  try {
    if (channel?.isThread() && channel.parentId) {
      const inThread = await digests.papersForThread('discord', channel.parentId, channel.id);
      if (inThread) return inThread;
    }
    return replyTo === undefined ? undefined : await digests.papersForThread('discord', channelId, replyTo);
  } catch (error) {
    ctx.logger.warn({ channelId, err: errorForLog(error) }, 'Could not look up the digest for this thread; answering from all papers');
    return undefined;
  }
}
