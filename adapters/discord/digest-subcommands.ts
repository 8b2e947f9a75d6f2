import type { APIApplicationCommandSubcommandOption, ChatInputCommandInteraction } from 'discord.js';
import type { DiscordHandlerContext } from './handler-context.ts';

/** One `/digest <name>` subcommand: its definition (registered with Discord) and its handler. */
export interface DigestSubcommand {
  definition: APIApplicationCommandSubcommandOption;
  handle(interaction: ChatInputCommandInteraction, ctx: DiscordHandlerContext): Promise<void>;
}

/**
 * The digest feature adds its subcommands here, one entry each. `/digest` is registered (and
 * routed) only once this table has entries.
 */
export const digestSubcommands: DigestSubcommand[] = [];
