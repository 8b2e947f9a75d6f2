import type { webApi } from '@slack/bolt';
import type { ConversationMessage } from '../../src/chat/transport.ts';
import { slackTextToPlain } from '../format/slack-mrkdwn.ts';
import type { HistoryGate } from './history-rate-limit.ts';
import type { ThreadMemory } from './thread-memory.ts';

/** Messages per Web API page, and how many pages of a long thread are read to reach its newest messages. */
const PAGE_SIZE = 200;
const MAX_THREAD_PAGES = 10;
/** Recent DM messages considered: the conversation the core keeps the newest turns of. */
const DM_MESSAGES = 40;

export interface WhereAsked {
  channel: string;
  /** The asking message, and the thread it is in (undefined: a top-level DM message). */
  ts: string;
  threadTs?: string;
  /** Who asked. */
  userId: string;
  botUserId?: string;
  botId?: string;
}

type SlackMessage = { ts?: string; user?: string; bot_id?: string; text?: string; subtype?: string };

export interface HistoryReads {
  /** A client built with HISTORY_CLIENT_OPTIONS: a rate-limited call fails instead of holding the others. */
  client: webApi.WebClient;
  gate: HistoryGate;
  /** How long one question's reads may wait for a rate limit to pass. */
  waitMs: number;
  /** Where each asker's recent exchanges with the bot in a thread began: the thread is read from there. */
  threads: ThreadMemory;
}

/**
 * The messages before the question, newest first: a thread's replies, or a DM's recent top-level
 * messages. Other bots' messages are left out. Rate-limited for longer than `waitMs`, it returns
 * what it read (nothing, for a DM): fewer earlier turns rather than a late answer.
 *
 * Slack returns a thread from its oldest message, a page of 15 a minute for apps outside the
 * Marketplace. Where the asker's recent exchanges with the bot there are remembered (`threads`),
 * the read starts at the last one (the page that minute allows), then takes the earlier ones if Slack
 * allows more, then the thread's first message (its question, or the digest it discusses) if no
 * window held it. Otherwise the thread is read from its start, page by page up to a bound.
 */
export async function fetchConversation({ client, gate, waitMs, threads }: HistoryReads, where: WhereAsked, { inDm }: { inDm: boolean }): Promise<ConversationMessage[]> {
  const { channel, ts, threadTs, userId } = where;
  const until = Date.now() + waitMs;
  let raw: SlackMessage[] = [];
  if (threadTs !== undefined) {
    /** Reads `window` page by page; false when a rate limit cut it short. */
    const readReplies = async (window: { latest: string; oldest?: string; inclusive: boolean }) => {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_THREAD_PAGES; page++) {
        const params = { channel, ts: threadTs, limit: PAGE_SIZE, ...window, ...(cursor && { cursor }) };
        const result = await gate.read('conversations.replies', () => client.conversations.replies(params), until);
        if (result === undefined) return false;
        raw.push(...(result.messages ?? []));
        cursor = result.response_metadata?.next_cursor;
        if (!result.has_more || !cursor) break;
      }
      return true;
    };
    const asked = threads.askedBefore({ channel, threadTs, userId }, ts);
    const [last, first] = [asked.at(-1), asked[0]];
    // `inclusive` keeps the messages at both ends: the question asked is dropped below, a repeat by ts.
    if (last === undefined) await readReplies({ latest: ts, inclusive: false });
    else if ((await readReplies({ oldest: last, latest: ts, inclusive: true })) && first !== last) await readReplies({ oldest: first!, latest: last, inclusive: true });
    if (last !== undefined && !raw.some((m) => m.ts === threadTs)) {
      // Slack's way to read one message: it as `latest`, inclusive, one a page.
      const parent = await gate.read('conversations.history', () => client.conversations.history({ channel, latest: threadTs, inclusive: true, limit: 1 }), until);
      raw.push(...(parent?.messages ?? []).filter((m) => m.ts === threadTs));
    }
    raw = [...new Map(raw.map((m) => [m.ts, m])).values()];
  } else {
    const result = await gate.read('conversations.history', () => client.conversations.history({ channel, latest: ts, inclusive: false, limit: DM_MESSAGES }), until);
    raw = result?.messages ?? [];
  }
  return raw
    .filter((m) => m.ts !== undefined && Number(m.ts) < Number(ts))
    .flatMap((m) => toConversationMessage(m, where, inDm))
    .sort((a, b) => Number(b.ts) - Number(a.ts))
    .map(({ ts: _ts, ...m }) => m);
}

function toConversationMessage(m: SlackMessage, { botUserId, botId }: WhereAsked, inDm: boolean): (ConversationMessage & { ts: string })[] {
  const ts = m.ts!;
  const fromBot = (botUserId !== undefined && m.user === botUserId) || (botId !== undefined && m.bot_id === botId);
  if (fromBot) return [{ ts, fromBot, toBot: false, text: slackTextToPlain(m.text ?? '') }];
  if (m.bot_id !== undefined || m.user === undefined) return [];
  const toBot = inDm || (botUserId !== undefined && (m.text ?? '').includes(`<@${botUserId}>`));
  return [{ ts, fromBot, userId: m.user, toBot, text: slackTextToPlain(m.text ?? '', botUserId) }];
}
