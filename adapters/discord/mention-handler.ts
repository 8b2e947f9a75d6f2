/**
 * "@Paperboy <question>" in a channel. Needs the privileged Message Content intent, so it is off
 * unless DISCORD_MESSAGE_CONTENT=true.
 */
import type { Message } from 'discord.js';
import type { Turn } from '../../src/types.ts';
import { formatAnswer, formatNotice, unescapeDiscord } from '../format/discord-markdown.ts';
import { digestPaperIds } from './digest-thread.ts';
import { errorForLog, refusalFor, userMessageFor, withDeadline } from './guards.ts';
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
    const history = await historyFor(message, ctx);
    const paperIds = await digestPaperIds({ channel: message.channel, channelId: message.channelId, replyTo: message.reference?.messageId }, ctx);
    const answer = await withDeadline(ctx.answerTimeoutMs, (signal) => ctx.engine.ask(question, { history, signal, ...(paperIds && { paperIds }) }));
    const [first, ...rest] = formatAnswer(answer, { question });
    let last = await message.reply(first!);
    // Continuations reply to the previous part, so a long answer stays one readable chain.
    for (const part of rest) last = await last.reply(part);
  } catch (error) {
    ctx.logger.error({ ...about, err: errorForLog(error) }, 'Discord mention failed');
    await message
      .reply(formatNotice(userMessageFor(error)))
      .catch((replyError: unknown) => ctx.logger.error({ ...about, err: errorForLog(replyError) }, 'Could not tell the Discord user about the failure'));
  }
}

/**
 * A reply to one of the bot's answers is a follow-up: that answer (its embed carries the question
 * as title and the answer as description) becomes the conversation so far.
 */
async function historyFor(message: Message, ctx: DiscordHandlerContext): Promise<Turn[]> {
  if (!message.reference?.messageId) return [];
  const previous = await message.fetchReference().catch((error: unknown) => {
    ctx.logger.warn({ messageId: message.id, err: errorForLog(error) }, 'Could not read the message replied to; answering without history');
    return undefined;
  });
  const embed = previous?.author.id === message.client.user.id ? previous.embeds[0] : undefined;
  if (!embed?.description) return [];
  const turns: Turn[] = embed.title ? [{ role: 'user', text: unescapeDiscord(embed.title) }] : [];
  return [...turns, { role: 'assistant', text: embed.description }];
}
