import type { AllMiddlewareArgs, Context, SlackEventMiddlewareArgs } from '@slack/bolt';
import { slackTextToPlain } from '../format/slack-mrkdwn.ts';
import type { SlackDeps } from './deps.ts';
import { slackRenderer, slackTransport, type SlackAsked } from './slack-transport.ts';

type EventArgs<T extends string> = Pick<AllMiddlewareArgs, 'client' | 'context'> & Pick<SlackEventMiddlewareArgs<T>, 'event' | 'body'>;
type Body = { event_id?: string; team_id?: string; authorizations?: { user_id?: string }[] };

/** DM subtypes that are still a person writing to the bot; every other subtype (edits, joins, our own updates) is not. */
const ANSWERED_DM_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** `@Paperboy …` in a channel: answer in the message's thread. */
export async function onAppMention({ event, body, client, context }: EventArgs<'app_mention'>, deps: SlackDeps): Promise<void> {
  // Another bot mentioning us could start a loop; people only.
  if (event.bot_id !== undefined || event.user === undefined) return;
  // A mention in a DM (channel ids starting with D) is the same message as the DM event: same place, same answer.
  await ask(client, { ...event, user: event.user, inDm: event.channel.startsWith('D') }, body as Body, context, deps);
}

/** A direct message to the bot (also with a file, or sent to the DM from one of its threads): answer inline. */
export async function onDirectMessage({ event, body, client, context }: EventArgs<'message'>, deps: SlackDeps): Promise<void> {
  const m = event as { subtype?: string; channel_type?: string; bot_id?: string; user?: string; channel: string; ts: string; thread_ts?: string; text?: string };
  if (m.channel_type !== 'im' || !ANSWERED_DM_SUBTYPES.has(m.subtype) || m.bot_id !== undefined || m.user === undefined) return;
  await ask(client, { ...m, user: m.user, inDm: true }, body as Body, context, deps);
}

async function ask(
  client: AllMiddlewareArgs['client'],
  event: { user: string; channel: string; ts: string; thread_ts?: string; text?: string; team?: string; inDm: boolean },
  body: Body,
  context: Context,
  deps: SlackDeps,
): Promise<void> {
  // The bot as this delivery's workspace knows it: the mention to strip from the text.
  const botUserId = body.authorizations?.[0]?.user_id ?? context.botUserId;
  const teamId = body.team_id ?? event.team ?? context.teamId;
  const asked: SlackAsked = {
    channel: event.channel,
    ts: event.ts,
    ...(event.thread_ts !== undefined && { threadTs: event.thread_ts }),
    userId: event.user,
    inDm: event.inDm,
    ...(botUserId !== undefined && { botUserId }),
    ...(context.botId !== undefined && { botId: context.botId }),
  };
  const logger = deps.logger.child({ eventId: body.event_id, channel: event.channel, ts: event.ts });
  await deps.chat.answer({
    question: {
      platform: 'slack',
      ...(teamId !== undefined && { workspaceId: teamId }),
      channelId: event.channel,
      ...(event.thread_ts !== undefined && { threadId: event.thread_ts }),
      userId: event.user,
      text: slackTextToPlain(event.text ?? '', botUserId),
      eventId: event.ts,
    },
    transport: slackTransport(client, asked, { digests: deps.digests, logger, reads: deps.historyReads }),
    render: slackRenderer,
    help: `\`${deps.slashCommand} help\``,
    logger,
  });
}
