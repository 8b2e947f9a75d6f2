/**
 * "@Paperboy <question>" in a channel. Needs the privileged Message Content intent, so it is off
 * unless DISCORD_MESSAGE_CONTENT=true.
 */
import type { Message } from 'discord.js';
import { formatAnswer, formatNotice } from '../format/discord-markdown.ts';
import { refusalFor, userMessageFor, withDeadline } from './guards.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

export async function handleMention(message: Message, ctx: DiscordHandlerContext): Promise<void> {
  const botId = message.client.user.id;
  if (message.author.bot || !message.mentions.users.has(botId)) return;
  const about = { messageId: message.id, userId: message.author.id };
  try {
    const question = message.content.replaceAll(new RegExp(`<@!?${botId}>`, 'g'), '').trim();
    const refusal = refusalFor(question, message.author.id, ctx);
    if (refusal !== undefined) {
      await message.reply(formatNotice(refusal));
      return;
    }
    if (message.channel.isSendable()) await message.channel.sendTyping();
    const answer = await withDeadline(ctx.answerTimeoutMs, (signal) => ctx.engine.ask(question, { signal }));
    const [first, ...rest] = formatAnswer(answer, { question });
    let last = await message.reply(first!);
    // Continuations reply to the previous part, so a long answer stays one readable chain.
    for (const part of rest) last = await last.reply(part);
  } catch (error) {
    ctx.logger.error({ ...about, err: error }, 'Discord mention failed');
    await message
      .reply(formatNotice(userMessageFor(error)))
      .catch((replyError: unknown) => ctx.logger.error({ ...about, err: replyError }, 'Could not tell the Discord user about the failure'));
  }
}
