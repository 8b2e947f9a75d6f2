import type { webApi } from '@slack/bolt';
import { NO_UNFURL, answerToSlack, mrkdwnMessage } from '../format/slack-blocks.ts';
import { markdownToMrkdwn, slackTextToPlain } from '../format/slack-mrkdwn.ts';
import type { Turn } from '../../src/types.ts';
import { createEditThrottle } from '../shared/throttled-edits.ts';
import { refusalFor, slackUserKey } from './admission.ts';
import type { SlackDeps } from './deps.ts';
import { digestPaperIds } from './digest-thread.ts';
import { messages, placeholderFor } from './messages.ts';
import { fetchThreadHistory } from './thread-history.ts';

/** A question as it arrived from Slack, whether by mention or by DM. */
export interface SlackQuestion {
  eventId: string;
  teamId?: string;
  userId: string;
  channel: string;
  /** The asking message. */
  ts: string;
  /** Set when the message is itself inside a thread. */
  threadTs?: string;
  /** Slack-encoded message text. */
  text: string;
  botUserId?: string;
  botId?: string;
}

/** Slack allows about one chat.update per second per message; a streamed answer stays under that. */
export const SLACK_STREAM_EDIT_INTERVAL_MS = 1200;

/**
 * Answers a question in its thread: a "Looking through N papers…" placeholder first, then the
 * answer replaces it; while an LLM writes, the placeholder shows the text so far. Earlier messages
 * of the thread become the conversation history. Repeated deliveries of the same event or message
 * are ignored; failures end as a short apology.
 */
export async function answerInThread(client: webApi.WebClient, q: SlackQuestion, deps: SlackDeps): Promise<void> {
  const { engine, logger, deduper } = deps;
  const log = logger.child({ eventId: q.eventId, channel: q.channel, ts: q.ts });
  // Both keys: Slack retries reuse the event id, and a DM that also mentions the bot arrives as two events.
  if (!deduper.firstSeen(`event:${q.eventId}`) || !deduper.firstSeen(`message:${q.channel}:${q.ts}`)) {
    log.debug('duplicate Slack delivery ignored');
    return;
  }
  const threadTs = q.threadTs ?? q.ts;

  let placeholderTs: string | undefined;
  try {
    const question = slackTextToPlain(q.text, q.botUserId);
    const refusal = refusalFor(question, {
      userKey: slackUserKey(q.teamId, q.userId),
      deps,
      ifEmpty: messages.emptyQuestion(deps.slashCommand),
    });
    if (refusal !== undefined) {
      await client.chat.postEphemeral({ channel: q.channel, user: q.userId, thread_ts: threadTs, text: refusal });
      return;
    }

    const placeholder = await client.chat.postMessage({ channel: q.channel, thread_ts: threadTs, text: await placeholderFor(engine), ...NO_UNFURL });
    placeholderTs = placeholder.ts;

    const history = q.threadTs === undefined ? [] : await threadHistory(client, q, log);
    // In a digest's thread, questions are about that digest's papers.
    const paperIds = await digestPaperIds(q, deps, log);
    const preview = placeholderTs === undefined ? undefined : streamInto(client, q.channel, placeholderTs, deps, log);
    const answer = await engine.ask(question, { history, ...(paperIds && { paperIds }), onPartial: preview?.offer }).finally(() => preview?.finish());
    const reply = answerToSlack(answer);
    if (placeholderTs === undefined) await client.chat.postMessage({ channel: q.channel, thread_ts: threadTs, ...reply });
    else await client.chat.update({ channel: q.channel, ts: placeholderTs, ...reply });
    log.info({ citations: answer.citations.length, abstained: answer.abstained }, 'answered in Slack thread');
  } catch (err) {
    log.error({ err }, 'answering a Slack question failed');
    const apology = { channel: q.channel, text: messages.apology };
    await (placeholderTs === undefined
      ? client.chat.postMessage({ ...apology, thread_ts: threadTs })
      : client.chat.update({ ...apology, ts: placeholderTs })
    ).catch((e: unknown) => log.error({ err: e }, 'could not post the apology either'));
  }
}

/** Edits the placeholder with the answer so far, throttled; `finish` before the final update. */
function streamInto(client: webApi.WebClient, channel: string, ts: string, deps: SlackDeps, log: SlackDeps['logger']) {
  return createEditThrottle({
    minIntervalMs: deps.streamEditIntervalMs ?? SLACK_STREAM_EDIT_INTERVAL_MS,
    edit: (text) => client.chat.update({ channel, ts, ...mrkdwnMessage(`${markdownToMrkdwn(text)} …`) }),
    onError: (err) => log.warn({ err }, 'could not show the partial answer'),
  });
}

async function threadHistory(client: webApi.WebClient, q: SlackQuestion, log: SlackDeps['logger']): Promise<Turn[]> {
  try {
    return await fetchThreadHistory(client, {
      channel: q.channel,
      threadTs: q.threadTs ?? q.ts,
      beforeTs: q.ts,
      botUserId: q.botUserId,
      botId: q.botId,
    });
  } catch (err) {
    // A missing history scope should cost context, not the answer.
    log.warn({ err }, 'could not read the Slack thread; answering without its history');
    return [];
  }
}
