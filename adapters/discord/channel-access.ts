/**
 * Who may change a Discord channel's digest, and whether Paperboy can post there, read from the
 * interaction itself: the member's and the app's permissions in that channel arrive with it.
 */
import { PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';

/** What a digest post needs in its channel; threads are optional (the list is then posted as replies). */
const POST_PERMISSIONS = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
] as const;

export const channelAccessMessages = {
  guildOnly: 'Digests are for server channels: run `/digest` in the channel that should get one.',
  notAllowed: "Changing this channel's digest needs the Manage Channels permission.",
  cannotPost: (missing: string[]) =>
    `I cannot post in this channel: give me ${missing.join(', ')} here (channel settings → Permissions → add Paperboy), then subscribe again.`,
} as const;

/** Why `/digest` cannot run here (a DM), or undefined. `/digest` is registered guild-only; this covers stale registrations. */
export function refusalOutsideGuild(interaction: ChatInputCommandInteraction): string | undefined {
  return interaction.inGuild() ? undefined : channelAccessMessages.guildOnly;
}

/**
 * Why the member may not change this channel's digest, or undefined when they may: Manage Channels
 * (checked here too, since a server can open `/digest` to everyone) or being a Paperboy admin.
 * Subscribing also needs the bot able to post in the channel.
 */
export function refusalToChangeDigest(
  interaction: ChatInputCommandInteraction,
  { isAdmin, needsBot }: { isAdmin: boolean; needsBot: boolean },
): string | undefined {
  if (!isAdmin && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) return channelAccessMessages.notAllowed;
  if (!needsBot) return undefined;
  const missing = POST_PERMISSIONS.filter(([, flag]) => !interaction.appPermissions.has(flag)).map(([name]) => name);
  return missing.length > 0 ? channelAccessMessages.cannotPost(missing) : undefined;
}
