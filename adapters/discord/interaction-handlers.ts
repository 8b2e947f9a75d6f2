/** Slash commands and autocomplete: translate a Discord interaction into an engine call and back. */
import { MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { refusalFor, userKeyOf } from '../../src/chat/admission.ts';
import { withDeadline } from '../../src/chat/deadline.ts';
import { userMessageFor } from '../../src/chat/messages.ts';
import { ConversationGoneError } from '../../src/chat/transport.ts';
import { escapeDiscord, formatNotice, formatPaper, formatSearchResults, formatTitleChoices, truncate, type DiscordMessage } from '../format/discord-markdown.ts';
import { COMMAND, OPTION } from './commands.ts';
import { digestSubcommands } from './digest-subcommands.ts';
import { answerOnDiscord, interactionTransport, orGone } from './discord-transport.ts';
import { FOLLOW_UP } from './follow-up-components.ts';
import { onFollowUpButton, onFollowUpSubmit } from './follow-up.ts';
import { errorForLog } from './guards.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

type ChatInputHandler = (interaction: ChatInputCommandInteraction, ctx: DiscordHandlerContext) => Promise<void>;

const SEARCH_RESULTS = 5;
/** Discord drops autocomplete answers after 3 s; leave room for the round trip. */
const AUTOCOMPLETE_DEADLINE_MS = 2000;

/** Entry point for every interaction; never throws, and every command gets an answer. */
export async function handleInteraction(interaction: Interaction, ctx: DiscordHandlerContext): Promise<void> {
  const about = { interactionId: interaction.id, userId: interaction.user.id };
  if (interaction.isAutocomplete()) {
    await handleAutocomplete(interaction, ctx).catch((error: unknown) =>
      ctx.logger.warn({ ...about, err: errorForLog(error) }, 'Discord autocomplete failed'),
    );
    return;
  }
  const followUpFailed = (error: unknown) => ctx.logger.error({ ...about, err: errorForLog(error) }, 'Discord follow-up failed');
  if (interaction.isButton() && interaction.customId === FOLLOW_UP.button) return void (await onFollowUpButton(interaction).catch(followUpFailed));
  if (interaction.isModalSubmit() && interaction.customId === FOLLOW_UP.modal) return void (await onFollowUpSubmit(interaction, ctx).catch(followUpFailed));
  if (!interaction.isChatInputCommand()) return;
  const command = interaction.commandName;
  try {
    const handler = chatInputHandlers[command];
    if (!handler) throw new Error(`No handler for /${command}`);
    await handler(interaction, ctx);
  } catch (error) {
    // The interaction expired (or its channel went): nobody is left to tell, and retrying only fails again.
    if (error instanceof ConversationGoneError) {
      ctx.logger.warn({ ...about, command, err: error.message }, 'Discord interaction gone before the reply');
      return;
    }
    ctx.logger.error({ ...about, command, err: errorForLog(error) }, 'Discord command failed');
    await replyEphemeral(interaction, userMessageFor(error)).catch((replyError: unknown) =>
      ctx.logger.error({ ...about, command, err: errorForLog(replyError) }, 'Could not tell the Discord user about the failure'),
    );
  }
}

const chatInputHandlers: Record<string, ChatInputHandler> = {
  [COMMAND.ask]: async (interaction, ctx) => {
    const asked = { id: interaction.id, guildId: interaction.guildId, channelId: interaction.channelId, userId: interaction.user.id };
    await answerOnDiscord(ctx, asked, interaction.options.getString(OPTION.question, true), interactionTransport(interaction, ctx));
  },

  [COMMAND.search]: async (interaction, ctx) => {
    const query = interaction.options.getString(OPTION.query, true).trim();
    if (!(await admit(interaction, query, ctx))) return;
    await orGone(() => interaction.deferReply());
    const hits = await withDeadline(ctx.answerTimeoutMs, () => ctx.engine.search(query, { k: SEARCH_RESULTS }));
    await send(interaction, [formatSearchResults(query, hits.slice(0, SEARCH_RESULTS))]);
  },

  // The value is a paper id when picked from autocomplete, else whatever the user typed.
  [COMMAND.paper]: async (interaction, ctx) => {
    const typed = interaction.options.getString(OPTION.title, true).trim();
    if (!(await admit(interaction, typed, ctx))) return;
    await orGone(() => interaction.deferReply());
    const paper = await withDeadline(ctx.answerTimeoutMs, () => ctx.engine.paper(typed));
    if (!paper) {
      await replyEphemeral(
        interaction,
        `No paper matches “${escapeDiscord(truncate(typed, 100))}”. Pick one of the suggestions as you type.`,
      );
      return;
    }
    await send(interaction, [formatPaper(paper)]);
  },

  [COMMAND.digest]: async (interaction, ctx) => {
    const name = interaction.options.getSubcommand();
    const subcommand = digestSubcommands.find((s) => s.definition.name === name);
    if (!subcommand) throw new Error(`No handler for /digest ${name}`);
    await subcommand.handle(interaction, ctx);
  },
};

async function handleAutocomplete(interaction: AutocompleteInteraction, ctx: DiscordHandlerContext): Promise<void> {
  if (interaction.commandName !== COMMAND.paper) {
    await interaction.respond([]);
    return;
  }
  const typed = interaction.options.getFocused().trim();
  const refs = await withDeadline(AUTOCOMPLETE_DEADLINE_MS, () => ctx.engine.suggestTitles(typed, 25)).catch(
    (error: unknown) => {
      ctx.logger.warn({ interactionId: interaction.id, err: errorForLog(error) }, 'Title suggestions failed; offering none');
      return [];
    },
  );
  await interaction.respond(formatTitleChoices(refs));
}

/** Refuses empty, oversized or rate-limited requests with an ephemeral note; true when admitted. */
async function admit(interaction: ChatInputCommandInteraction, text: string, ctx: DiscordHandlerContext): Promise<boolean> {
  const refusal = refusalFor(text, { userKey: userKeyOf({ platform: 'discord', userId: interaction.user.id }), ifEmpty: 'Please type something for me to look up.' }, ctx);
  if (refusal === undefined) return true;
  await replyEphemeral(interaction, refusal);
  return false;
}

/** The first message replaces the deferred "thinking…" reply; the rest follow up. */
async function send(interaction: ChatInputCommandInteraction, messages: DiscordMessage[]): Promise<void> {
  const [first, ...rest] = messages;
  if (!first) return;
  await interaction.editReply(first);
  for (const message of rest) await interaction.followUp(message);
}

/**
 * A short note only the user sees. A deferred public reply cannot turn ephemeral, so its
 * "thinking…" placeholder is deleted and the note follows up privately.
 */
async function replyEphemeral(interaction: ChatInputCommandInteraction, text: string): Promise<void> {
  const message = { ...formatNotice(text), flags: MessageFlags.Ephemeral } as const;
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(message);
    return;
  }
  if (interaction.deferred && !interaction.replied) await interaction.deleteReply();
  await interaction.followUp(message);
}
