import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs, webApi } from '@slack/bolt';
import type { SlackMessage } from '../format/slack-blocks.ts';
import { escapeMrkdwn, slackTextToPlain } from '../format/slack-mrkdwn.ts';
import { refusalFor, slackUserKey } from './admission.ts';
import type { SlackDeps } from './deps.ts';
import { messages } from './messages.ts';

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
  /** Shown to the asker at once, as the acknowledgement, while `run` works. */
  placeholder?: (ctx: SlashContext) => Promise<string>;
  run(ctx: SlashContext): Promise<SlashReply>;
}

/**
 * Subcommands by name. Adding one is one entry, e.g. `{ ...defaultSubcommands, digest: digestSubcommand }`
 * passed to `createSlackApp({ subcommands })`.
 */
export type SubcommandTable = Readonly<Record<string, Subcommand>>;

type CommandArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'> & Pick<AllMiddlewareArgs, 'client'>;

/**
 * Routes `/papers <subcommand> <args>`: refusals (unknown subcommand, missing or over-long
 * arguments, rate limit) go back in the acknowledgement; everything else is acknowledged at once
 * (Slack allows 3 s) and answered through the command's response URL.
 */
export async function onSlashCommand({ command, ack, respond, client }: CommandArgs, deps: SlackDeps): Promise<void> {
  const [first = '', ...rest] = slackTextToPlain(command.text).split(' ');
  const name = first.toLowerCase() || 'help';
  const ctx: SlashContext = {
    args: rest.join(' '),
    userId: command.user_id,
    teamId: command.team_id,
    channelId: command.channel_id,
    client,
    deps,
  };
  const sub = Object.hasOwn(deps.subcommands, name) ? deps.subcommands[name] : undefined;
  const log = deps.logger.child({ command: deps.slashCommand, subcommand: name, channel: command.channel_id });

  const refusal =
    sub === undefined
      ? `I don't know “${escapeMrkdwn(name)}”. Try \`${deps.slashCommand} help\`.`
      : refusalFor(ctx.args, {
          userKey: slackUserKey(command.team_id, command.user_id),
          deps,
          ifEmpty: sub.argument === undefined ? undefined : `Usage: \`${escapeMrkdwn(usageOf(deps.slashCommand, name, sub))}\``,
          rateLimited: sub.rateLimited ?? false,
        });
  if (sub === undefined || refusal !== undefined) {
    await ack({ response_type: 'ephemeral', text: refusal });
    return;
  }

  const placeholder = sub.placeholder && (await sub.placeholder(ctx).catch(() => undefined));
  await ack(placeholder ? { response_type: 'ephemeral', text: placeholder } : undefined);
  try {
    const { visibility, ...reply } = await sub.run(ctx);
    await respond({ response_type: visibility, ...reply });
  } catch (err) {
    log.error({ err }, 'slash command failed');
    await respond({ response_type: 'ephemeral', text: messages.apology }).catch((e: unknown) =>
      log.error({ err: e }, 'could not send the apology either'),
    );
  }
}

/** `/papers ask <question>` */
export function usageOf(slashCommand: string, name: string, sub: Subcommand): string {
  return [slashCommand, name, sub.argument].filter(Boolean).join(' ');
}
