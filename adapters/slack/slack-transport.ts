import type { webApi } from '@slack/bolt';
import type { ChatRenderer, ChatTransport } from '../../src/chat/transport.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import type { Logger } from '../../src/logger.ts';
import { NO_UNFURL, answerToSlack, mrkdwnMessage, plainMessage, type SlackMessage } from '../format/slack-blocks.ts';
import { markdownToMrkdwn } from '../format/slack-mrkdwn.ts';
import { fetchConversation, type HistoryReads, type WhereAsked } from './conversation-history.ts';
import { digestPaperIds } from './digest-thread.ts';

/** `metadata.event_type` of a placeholder; `event_payload.key` is its question's key, so a takeover can find it. */
export const QUESTION_EVENT_TYPE = 'paperboy_question';

/** Messages per page while looking for a placeholder (Slack's advised most). */
const PAGE_SIZE = 200;
/** Slack stamps messages with its own clock; ours may differ by this much. */
const CLOCK_SKEW_MS = 60_000;
/**
 * How long the search for a dead attempt's placeholder may wait out rate limits: past the minute
 * Slack asks history reads to wait, so a limited search still ends in the placeholder to finish
 * into, not in a second one beside it. The asker has already waited out a lease by then.
 */
const PLACEHOLDER_SEARCH_WAIT_MS = 75_000;

/** A Slack timestamp (seconds.micro) for a moment in epoch milliseconds. */
const slackTs = (ms: number) => (ms / 1000).toFixed(6);

export const slackRenderer: ChatRenderer<SlackMessage> = {
  placeholder: plainMessage,
  partial: (soFar) => mrkdwnMessage(`${markdownToMrkdwn(soFar)} …`),
  answer: (answer) => [answerToSlack(answer)],
  // Notices are our own words (with code spans like `/papers help`) around user text: the markdown converter keeps the former and defuses the latter.
  notice: (text) => mrkdwnMessage(markdownToMrkdwn(text)),
};

export interface SlackAsked extends WhereAsked {
  /** A direct message: answered inline (in the DM, not in a new thread), its recent turns as history. */
  inDm: boolean;
}

/**
 * Moves one question's messages through the Web API: replies in the question's thread (a channel
 * mention starts one), or inline in a DM.
 */
export function slackTransport(
  client: webApi.WebClient,
  asked: SlackAsked,
  { digests, logger, reads }: { digests?: DigestService; logger: Logger; reads: HistoryReads },
): ChatTransport<SlackMessage> {
  const { channel, ts, threadTs, userId, inDm } = asked;
  const replyThread = threadTs ?? (inDm ? undefined : ts);
  const inThread = replyThread === undefined ? {} : { thread_ts: replyThread };
  const post = async (message: SlackMessage, metadata?: { event_type: string; event_payload: { key: string } }) => {
    const posted = await client.chat.postMessage({ channel, ...inThread, ...message, ...NO_UNFURL, ...(metadata && { metadata }) });
    if (posted.ts === undefined) throw new Error('Slack posted the message without a ts');
    return posted.ts;
  };
  /** Remembers the question as answered in its thread (where the asker's next follow-up starts reading); passes the placeholder on. */
  const answering = <T extends string | undefined>(placeholderTs: T): T => {
    if (placeholderTs !== undefined && replyThread !== undefined) reads.threads.answering({ channel, threadTs: replyThread, userId }, ts);
    return placeholderTs;
  };
  return {
    postPlaceholder: async (message, key) => answering(await post(message, { event_type: QUESTION_EVENT_TYPE, event_payload: { key } })),
    post: (message) => post(message),
    // Every message after the question until the dead attempt's lease ran out, page by page,
    // however busy the DM or thread was meanwhile (a DM's history pages from the newest).
    async findPlaceholder(key, { postedBefore }) {
      const window = { channel, oldest: ts, latest: slackTs(postedBefore.getTime() + CLOCK_SKEW_MS), include_all_metadata: true, limit: PAGE_SIZE };
      const until = Date.now() + Math.max(reads.waitMs, PLACEHOLDER_SEARCH_WAIT_MS);
      let cursor: string | undefined;
      do {
        const page = replyThread === undefined
          ? await reads.gate.read('conversations.history', () => reads.client.conversations.history({ ...window, ...(cursor && { cursor }) }), until)
          : await reads.gate.read('conversations.replies', () => reads.client.conversations.replies({ ...window, ts: replyThread, ...(cursor && { cursor }) }), until);
        if (page === undefined) return undefined;
        const mine = (page.messages ?? []).find(
          (m) => m.metadata?.event_type === QUESTION_EVENT_TYPE && (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key,
        );
        if (mine) return answering(mine.ts);
        cursor = page.has_more ? page.response_metadata?.next_cursor : undefined;
      } while (cursor);
      return undefined;
    },
    async update(ref, message) {
      await client.chat.update({ channel, ts: ref, ...message });
    },
    async ephemeral({ text }) {
      await client.chat.postEphemeral({ channel, user: userId, ...inThread, text });
    },
    // A new channel mention starts its thread: nothing came before it.
    history: async () => (!inDm && threadTs === undefined ? [] : fetchConversation(reads, asked, { inDm })),
    digestPaperIds: () => digestPaperIds({ channel, threadTs }, { digests }, logger),
  };
}
