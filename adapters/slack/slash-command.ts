import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs, webApi } from '@slack/bolt';
import { refusalFor, userKeyOf } from '../../src/chat/admission.ts';
import { messages } from '../../src/chat/messages.ts';
import type { SlackMessage } from '../format/slack-blocks.ts';
import { escapeMrkdwn, slackTextToPlain } from '../format/slack-mrkdwn.ts';
import type { SlackDeps } from './deps.ts';

/** What a subcommand gets: its arguments as plain text, who asked where, and the shared deps. */
export interface SlashContext {
  /** Everything after the subcommand name, e.g. `learned sparse retrieval` for `/papers search learned sparse retrieval`. */
  args: string;
  userId: string;
  teamId: string;
  channelId: string;
  /** The bot's Web API client, for subcommands that post elsewhere (e.g. a digest to a channel). */
  client: webApi.WebClient;
  deps: SlackDeps;
}

export interface SlashReply extends SlackMessage {
  /** `in_channel` shares the reply (and the command) with the channel; `ephemeral` shows it to the asker only. */
  visibility: 'in_channel' | 'ephemeral';
}

/** One `/papers <name> …` subcommand. */
export interface Subcommand {
  /** Shown in help and usage after the name, e.g. `<question>`; when set, the arguments are required. */
  argument?: string;
  /** One line for help. */
  summary: string;
  /** Counts against the user's rate limit (anything that searches or answers). */
  rateLimited?: boolean;
  /** Shown to the asker at once, as the acknowledgement, while `run` works; removed once the reply is out. */
  placeholder?: (ctx: SlashContext) => Promise<string>;
  run(ctx: SlashContext): Promise<SlashReply>;
}

/**
 * Subcommands by name. Adding one is one entry, e.g. `{ ...defaultSubcommands, digest: digestSubcommand }`
 * passed to `createSlackApp({ subcommands })`.
 */
export type SubcommandTable = Readonly<Record<string, Subcommand>>;

type CommandArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'> & Pick<AllMiddlewareArgs, 'client'>;

/** What `/papers <text>` runs when the first word names no subcommand: the text is a question. */
const DEFAULT_SUBCOMMAND = 'ask';

/**
 * Routes `/papers <subcommand> <args>`, and `/papers <question>` to `ask`: refusals (missing or
 * over-long arguments, rate limit) go back in the acknowledgement; everything else is acknowledged
 * at once (Slack allows 3 s) and answered through the command's response URL.
 */
export async function onSlashCommand({ command, ack, respond, client }: CommandArgs, deps: SlackDeps): Promise<void> {
  const text = slackTextToPlain(command.text);
  const [first = '', ...rest] = text.split(' ');
  const named = first.toLowerCase() || 'help';
  const [name, args] = Object.hasOwn(deps.subcommands, named) ? [named, rest.join(' ')] : [DEFAULT_SUBCOMMAND, text];
  const sub = deps.subcommands[name]!;
  const ctx: SlashContext = { args, userId: command.user_id, teamId: command.team_id, channelId: command.channel_id, client, deps };
  const log = deps.logger.child({ command: deps.slashCommand, subcommand: name, channel: command.channel_id });

  const refusal = refusalFor(
    args,
    {
      userKey: userKeyOf({ platform: 'slack', workspaceId: command.team_id, userId: command.user_id }),
      ifEmpty: sub.argument === undefined ? undefined : `Usage: \`${escapeMrkdwn(usageOf(deps.slashCommand, name, sub))}\``,
      rateLimited: sub.rateLimited ?? false,
    },
    deps,
  );
  if (refusal !== undefined) {
    await ack({ response_type: 'ephemeral', text: refusal });
    return;
  }

  const placeholder = sub.placeholder && (await sub.placeholder(ctx).catch(() => undefined));
  await ack(placeholder ? { response_type: 'ephemeral', text: placeholder } : undefined);
  try {
    const { visibility, ...reply } = await sub.run(ctx);
    // The placeholder was the acknowledgement: an ephemeral reply replaces it, a shared one follows its removal.
    if (placeholder && visibility === 'in_channel') await respond({ delete_original: true });
    await respond({ response_type: visibility, ...(placeholder && visibility === 'ephemeral' && { replace_original: true }), ...reply });
  } catch (err) {
    log.error({ err }, 'slash command failed');
    await respond({ response_type: 'ephemeral', ...(placeholder && { replace_original: true }), text: messages.apology }).catch((e: unknown) =>
      log.error({ err: e }, 'could not send the apology either'),
    );
  }
}

/**
 * A slash command this app does not know (the manifest's command renamed without
 * SLACK_SLASH_COMMAND, or a second command added): acknowledged with help, so Slack shows no
 * "dispatch_failed", and logged with its name.
 */
export async function onUnknownSlashCommand({ command, ack }: Pick<CommandArgs, 'command' | 'ack'>, deps: SlackDeps): Promise<void> {
  if (command.command === deps.slashCommand) return;
  deps.logger.warn({ command: command.command, expected: deps.slashCommand }, 'unknown slash command; set SLACK_SLASH_COMMAND to the command in the app manifest');
  await ack({
    response_type: 'ephemeral',
    text: `I only answer \`${escapeMrkdwn(deps.slashCommand)}\`: try \`${escapeMrkdwn(deps.slashCommand)} help\`, or mention me with a question.`,
  });
}

/** `/papers ask <question>` */
export function usageOf(slashCommand: string, name: string, sub: Subcommand): string {
  return [slashCommand, name, sub.argument].filter(Boolean).join(' ');
}
