import type { webApi } from '@slack/bolt';
import type { ChatRenderer, ChatTransport } from '../../src/chat/transport.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import type { Logger } from '../../src/logger.ts';
import { NO_UNFURL, answerToSlack, mrkdwnMessage, plainMessage, type SlackMessage } from '../format/slack-blocks.ts';
import { markdownToMrkdwn } from '../format/slack-mrkdwn.ts';
import { fetchConversation, type WhereAsked } from './conversation-history.ts';
import { digestPaperIds } from './digest-thread.ts';

export const slackRenderer: ChatRenderer<SlackMessage> = {
  placeholder: plainMessage,
  partial: (soFar) => mrkdwnMessage(`${markdownToMrkdwn(soFar)} …`),
  answer: (answer) => [answerToSlack(answer)],
  // Notices are our own words (with code spans like `/papers help`) around user text: the markdown converter keeps the former and defuses the latter.
  notice: (text) => mrkdwnMessage(markdownToMrkdwn(text)),
};

export interface SlackAsked extends WhereAsked {
  userId: string;
  /** A direct message: answered inline (in the DM, not in a new thread), its recent turns as history. */
  inDm: boolean;
}

/**
 * Moves one question's messages through the Web API: replies in the question's thread (a channel
 * mention starts one), or inline in a DM.
 */
export function slackTransport(client: webApi.WebClient, asked: SlackAsked, { digests, logger }: { digests?: DigestService; logger: Logger }): ChatTransport<SlackMessage> {
  const { channel, ts, threadTs, userId, inDm } = asked;
  const replyThread = threadTs ?? (inDm ? undefined : ts);
  const inThread = replyThread === undefined ? {} : { thread_ts: replyThread };
  const post = async (message: SlackMessage) => {
    const posted = await client.chat.postMessage({ channel, ...inThread, ...message, ...NO_UNFURL });
    if (posted.ts === undefined) throw new Error('Slack posted the message without a ts');
    return posted.ts;
  };
  return {
    postPlaceholder: post,
    post,
    async update(ref, message) {
      await client.chat.update({ channel, ts: ref, ...message });
    },
    async ephemeral({ text }) {
      await client.chat.postEphemeral({ channel, user: userId, ...inThread, text });
    },
    // A new channel mention starts its thread: nothing came before it.
    history: async () => (!inDm && threadTs === undefined ? [] : fetchConversation(client, asked, { inDm })),
    digestPaperIds: () => digestPaperIds({ channel, threadTs }, { digests }, logger),
  };
}
