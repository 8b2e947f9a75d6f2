import { OAuth2Scopes, PermissionFlagsBits, REST, Routes } from 'discord.js';
import { commands } from './commands.ts';

/**
 * The least the bot needs: slash-command replies need no channel permission at all; answering
 * mentions needs to see the channel, post (also in threads), embed links and reply to a message;
 * a digest starts a thread from its message for the full list.
 */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

/** The URL a server admin opens to add the bot with its slash commands. */
export function inviteUrl(appId: string): string {
  const params = new URLSearchParams({
    client_id: appId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '),
    permissions: BOT_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}

export interface RegisterOptions {
  token: string;
  appId: string;
  /** Register to this guild only: updates show instantly, handy in development. */
  guildId?: string;
  /** REST base URL, as for the bot (DISCORD_API_URL). */
  apiUrl?: string;
}

/**
 * Replaces the application's commands with Paperboy's, in one guild or globally (global changes
 * can take a while to reach every client). Returns the names Discord now has.
 */
export async function registerCommands({ token, appId, guildId, apiUrl }: RegisterOptions): Promise<string[]> {
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const registered = (await rest.put(route, { body: commands })) as { name: string }[];
  return registered.map((c) => c.name);
}
