/**
 * "@Paperboy <question>" in a channel (a mention of the bot's own managed role counts too). Needs
 * the privileged Message Content intent, so it is off unless DISCORD_MESSAGE_CONTENT=true.
 */
import type { Message } from 'discord.js';
import { answerOnDiscord, mentionTransport } from './discord-transport.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

export async function handleMention(message: Message, ctx: DiscordHandlerContext): Promise<void> {
  const botId = message.client.user.id;
  if (message.author.bot) return;
  const botRole = message.guild?.roles.botRoleFor(botId);
  const byRole = botRole !== undefined && botRole !== null && message.mentions.roles.has(botRole.id);
  if (!message.mentions.users.has(botId) && !byRole) return;
  const mentions = new RegExp(`<@!?${botId}>${botRole ? `|<@&${botRole.id}>` : ''}`, 'g');
  const asked = { id: message.id, guildId: message.guildId, channelId: message.channelId, userId: message.author.id };
  await answerOnDiscord(ctx, asked, message.content.replaceAll(mentions, ''), mentionTransport(message, ctx));
}
