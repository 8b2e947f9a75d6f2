import type { AllMiddlewareArgs, Context, SlackEventMiddlewareArgs } from '@slack/bolt';
import { answerInThread, type SlackQuestion } from './answer-in-thread.ts';
import type { SlackDeps } from './deps.ts';

type EventArgs<T extends string> = Pick<AllMiddlewareArgs, 'client' | 'context'> &
  Pick<SlackEventMiddlewareArgs<T>, 'event' | 'body'>;

/** `@Paperboy …` in a channel: answer in the message's thread. */
export async function onAppMention({ event, body, client, context }: EventArgs<'app_mention'>, deps: SlackDeps): Promise<void> {
  // Another bot mentioning us could start a loop; people only.
  if (event.bot_id !== undefined || event.user === undefined) return;
  await answerInThread(client, toQuestion({ ...event, user: event.user }, body, context), deps);
}

/** A direct message to the bot: answer in the DM, threaded like a mention. */
export async function onDirectMessage({ event, body, client, context }: EventArgs<'message'>, deps: SlackDeps): Promise<void> {
  // Edits, deletions, joins and our own chat.update all arrive as subtyped messages.
  if (event.subtype !== undefined || event.channel_type !== 'im' || event.bot_id !== undefined) return;
  await answerInThread(client, toQuestion(event, body, context), deps);
}

function toQuestion(
  event: { user: string; channel: string; ts: string; thread_ts?: string; text?: string },
  body: { event_id: string; team_id: string },
  context: Context,
): SlackQuestion {
  return {
    eventId: body.event_id,
    teamId: context.teamId ?? body.team_id,
    userId: event.user,
    channel: event.channel,
    ts: event.ts,
    threadTs: event.thread_ts,
    text: event.text ?? '',
    botUserId: context.botUserId,
    botId: context.botId,
  };
}
