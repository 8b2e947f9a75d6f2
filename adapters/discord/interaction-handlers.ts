/** Slash commands and autocomplete: translate a Discord interaction into an engine call and back. */
import { MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import {
  COLORS,
  DISCORD_LIMITS,
  escapeDiscord,
  safeMarkdown,
  formatAnswer,
  formatNotice,
  formatPaper,
  formatSearchResults,
  formatTitleChoices,
  NO_MENTIONS,
  truncate,
  type DiscordMessage,
} from '../format/discord-markdown.ts';
import { createEditThrottle } from '../shared/throttled-edits.ts';
import { COMMAND, OPTION } from './commands.ts';
import { digestSubcommands } from './digest-subcommands.ts';
import { digestPaperIds } from './digest-thread.ts';
import { errorForLog, refusalFor, userMessageFor, withDeadline } from './guards.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

type ChatInputHandler = (interaction: ChatInputCommandInteraction, ctx: DiscordHandlerContext) => Promise<void>;

const SEARCH_RESULTS = 5;
/** Discord allows about five edits per five seconds per channel; a streamed answer stays under that. */
export const DISCORD_STREAM_EDIT_INTERVAL_MS = 1200;
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
  if (!interaction.isChatInputCommand()) return;
  const command = interaction.commandName;
  try {
    const handler = chatInputHandlers[command];
    if (!handler) throw new Error(`No handler for /${command}`);
    await handler(interaction, ctx);
  } catch (error) {
    ctx.logger.error({ ...about, command, err: errorForLog(error) }, 'Discord command failed');
    await replyEphemeral(interaction, userMessageFor(error)).catch((replyError: unknown) =>
      ctx.logger.error({ ...about, command, err: errorForLog(replyError) }, 'Could not tell the Discord user about the failure'),
    );
  }
}

const chatInputHandlers: Record<string, ChatInputHandler> = {
  [COMMAND.ask]: async (interaction, ctx) => {
    const question = interaction.options.getString(OPTION.question, true).trim();
    if (!(await admit(interaction, question, ctx))) return;
    await interaction.deferReply();
    const paperIds = await digestPaperIds(interaction, ctx);
    // While an LLM writes, the deferred reply shows the text so far; the formatted answer replaces it.
    const preview = createEditThrottle({
      minIntervalMs: ctx.streamEditIntervalMs ?? DISCORD_STREAM_EDIT_INTERVAL_MS,
      edit: (text) => interaction.editReply(partialAnswer(question, text)),
      onError: (error) => ctx.logger.warn({ interactionId: interaction.id, err: errorForLog(error) }, 'Could not show the partial answer'),
    });
    const answer = await withDeadline(ctx.answerTimeoutMs, (signal) =>
      ctx.engine.ask(question, { signal, onPartial: preview.offer, ...(paperIds && { paperIds }) }),
    ).finally(() => preview.finish());
    await send(interaction, formatAnswer(answer, { question }));
  },

  [COMMAND.search]: async (interaction, ctx) => {
    const query = interaction.options.getString(OPTION.query, true).trim();
    if (!(await admit(interaction, query, ctx))) return;
    await interaction.deferReply();
    const hits = await withDeadline(ctx.answerTimeoutMs, () => ctx.engine.search(query, { k: SEARCH_RESULTS }));
    await send(interaction, [formatSearchResults(query, hits.slice(0, SEARCH_RESULTS))]);
  },

  // The value is a paper id when picked from autocomplete, else whatever the user typed.
  [COMMAND.paper]: async (interaction, ctx) => {
    const typed = interaction.options.getString(OPTION.title, true).trim();
    if (!(await admit(interaction, typed, ctx))) return;
    await interaction.deferReply();
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
  const refusal = refusalFor(text, interaction.user.id, ctx);
  if (refusal === undefined) return true;
  await replyEphemeral(interaction, refusal);
  return false;
}

/** The answer so far, as one embed shaped like the final answer's first. */
function partialAnswer(question: string, text: string): DiscordMessage {
  return {
    embeds: [
      {
        color: COLORS.answer,
        title: truncate(escapeDiscord(question), DISCORD_LIMITS.embedTitle),
        description: `${truncate(safeMarkdown(text), DISCORD_LIMITS.embedDescription - 2)} …`,
      },
    ],
    allowedMentions: NO_MENTIONS,
  };
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
