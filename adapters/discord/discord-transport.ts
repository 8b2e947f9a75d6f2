/**
 * How a question's messages move on Discord: a slash command's deferred reply and follow-ups, or
 * a mention's reply chain. Rendering is the shared Discord markdown; nothing here decides what is said.
 */
import { DiscordAPIError, MessageFlags, SnowflakeUtil, type APIActionRowComponent, type APIButtonComponent, type ChatInputCommandInteraction, type Message, type ModalSubmitInteraction } from 'discord.js';
import { ConversationGoneError, type ChatRenderer, type ChatTransport, type ConversationMessage } from '../../src/chat/transport.ts';
import { COLORS, DISCORD_LIMITS, escapeDiscord, formatAnswer, formatNotice, safeMarkdown, truncate, unescapeDiscord, type DiscordMessage } from '../format/discord-markdown.ts';
import { digestRef } from './digest-poster.ts';
import { digestPaperIds } from './digest-thread.ts';
import { followUpButton } from './follow-up-components.ts';
import { errorForLog } from './guards.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

/** A message as sent; `ephemeral` notes are shown to the asker only. */
export type DiscordOutgoing = DiscordMessage & { ephemeral?: boolean; components?: APIActionRowComponent<APIButtonComponent>[] };

/** Discord's largest page of channel messages. */
const PAGE_SIZE = 100;
/** Discord stamps message ids with its own clock; ours may differ by this much. */
const CLOCK_SKEW_MS = 60_000;

/** Discord's answers when the interaction or message to reply to no longer exists. */
const GONE_CODES: Record<number, string> = {
  10062: 'Unknown interaction (it expired before the reply)',
  10015: 'Unknown webhook (the interaction token expired)',
  10008: 'Unknown message',
  10003: 'Unknown channel',
};

/** Where a Discord question came from: a message, or an interaction (`/ask`, a follow-up modal). */
export interface AskedOnDiscord {
  /** The message or interaction id: the question's event id. */
  id: string;
  guildId: string | null;
  channelId: string;
  userId: string;
}

/** Hands a Discord question to the core flow. */
export function answerOnDiscord(ctx: DiscordHandlerContext, asked: AskedOnDiscord, text: string, transport: ChatTransport<DiscordOutgoing>): Promise<void> {
  const { id, guildId, channelId, userId } = asked;
  return ctx.chat.answer({
    question: { platform: 'discord', ...(guildId !== null && { workspaceId: guildId }), channelId, userId, text, eventId: id },
    transport,
    render: discordRenderer,
    help: '`/ask`',
    logger: ctx.logger.child({ eventId: id, userId }),
  });
}

/** Runs a REST call, turning "it is gone" answers into the core's ConversationGoneError. */
export async function orGone<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DiscordAPIError && typeof error.code === 'number' && GONE_CODES[error.code] !== undefined) {
      throw new ConversationGoneError(`Discord ${error.code}: ${GONE_CODES[error.code]}`);
    }
    throw error;
  }
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
    allowedMentions: formatNotice('').allowedMentions,
  };
}

export const discordRenderer: ChatRenderer<DiscordOutgoing> = {
  placeholder: formatNotice,
  partial: (soFar, question) => partialAnswer(question, soFar),
  // The button sits on the first part, whose embed carries the question and the start of the answer.
  answer: (answer, question) => formatAnswer(answer, { question }).map((m, i) => (i === 0 ? { ...m, components: [followUpButton] } : m)),
  notice: (text) => ({ ...formatNotice(text), ephemeral: true }),
};

const ephemeralFlags = { flags: MessageFlags.Ephemeral } as const;

/**
 * `/ask` or a follow-up modal: the deferred reply ("Paperboy is thinking…") is the placeholder;
 * notes are ephemeral. `history` is the conversation the interaction continues (none for `/ask`).
 */
export function interactionTransport(
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  ctx: DiscordHandlerContext,
  { history = async () => [] }: { history?: () => Promise<ConversationMessage[]> } = {},
): ChatTransport<DiscordOutgoing> {
  const followUp = async ({ ephemeral, ...message }: DiscordOutgoing) =>
    (await orGone(() => interaction.followUp({ ...message, ...(ephemeral && ephemeralFlags) }))).id;
  return {
    async postPlaceholder() {
      await orGone(() => interaction.deferReply());
      return '@original';
    },
    post: followUp,
    async update(_ref, { ephemeral, ...message }) {
      if (!ephemeral) {
        await orGone(() => interaction.editReply(message));
        return;
      }
      // A deferred public reply cannot turn ephemeral: the placeholder goes, the note follows privately.
      await orGone(() => interaction.deleteReply());
      await followUp({ ...message, ephemeral });
    },
    async ephemeral(message) {
      if (interaction.deferred || interaction.replied) await followUp({ ...message, ephemeral: true });
      else await orGone(() => interaction.reply({ ...message, ...ephemeralFlags }));
    },
    history,
    digestPaperIds: () => digestPaperIds({ channel: interaction.channel, channelId: interaction.channelId ?? '' }, ctx),
  };
}

/**
 * A mention: the placeholder replies to the question, and each further part to the part before it.
 * The placeholder carries a nonce from the question's key (`enforce_nonce`), so a resend after a
 * lost response within Discord's few-minute window gets the same message back instead of a copy.
 */
export function mentionTransport(message: Message, ctx: DiscordHandlerContext): ChatTransport<DiscordOutgoing> {
  const channel = message.channel;
  let last = message.id;
  const send = async ({ ephemeral: _private, ...body }: DiscordOutgoing, once?: { nonce: string; enforceNonce: true }) => {
    if (!channel.isSendable()) throw new ConversationGoneError('Discord channel is not sendable');
    const sent = await orGone<Message>(() => channel.send({ ...body, ...once, reply: { messageReference: last, failIfNotExists: false } }));
    last = sent.id;
    return sent.id;
  };
  return {
    postPlaceholder: (placeholder, key) => send(placeholder, { nonce: digestRef(key), enforceNonce: true }),
    // Discord does not return nonces when messages are read back: the placeholder is the bot's reply
    // to the question. Pages forward from the question through everything posted until the dead
    // attempt's lease ran out, however busy the channel was meanwhile.
    async findPlaceholder(_key, { postedBefore }) {
      const until = postedBefore.getTime() + CLOCK_SKEW_MS;
      for (let after = message.id; ; ) {
        const page = await orGone(() => channel.messages.fetch({ after, limit: PAGE_SIZE, cache: false }));
        const mine = page.find((m) => m.author.id === message.client.user.id && m.reference?.messageId === message.id);
        if (mine) return mine.id;
        if (page.size < PAGE_SIZE) return undefined;
        after = page.reduce((newest, m) => (BigInt(m.id) > BigInt(newest) ? m.id : newest), after);
        if (SnowflakeUtil.timestampFrom(after) > until) return undefined;
      }
    },
    post: (part) => send(part),
    async update(ref, { ephemeral: _private, ...body }) {
      await orGone(() => channel.messages.edit(ref, body));
      last = ref;
    },
    // Channel messages cannot be private: a refusal is a reply.
    ephemeral: async (note) => void (await send(note)),
    history: () => repliedExchange(message, ctx),
    digestPaperIds: () => digestPaperIds({ channel, channelId: message.channelId, replyTo: message.reference?.messageId }, ctx),
  };
}

/**
 * A reply to one of the bot's answers continues that exchange: its embed carries the question as
 * title and the answer as description. Whoever replies takes the exchange up, so its question
 * counts as theirs. Newest first, as the core expects.
 */
async function repliedExchange(message: Message, ctx: DiscordHandlerContext): Promise<ConversationMessage[]> {
  if (!message.reference?.messageId) return [];
  const previous = await message.fetchReference().catch((error: unknown) => {
    ctx.logger.warn({ messageId: message.id, err: errorForLog(error) }, 'Could not read the message replied to; answering without history');
    return undefined;
  });
  if (previous?.author.id !== message.client.user.id) return [];
  return exchangeOf(previous, message.author.id);
}

/** The question and answer one of the bot's answer messages shows, newest first. */
export function exchangeOf(answer: Pick<Message, 'embeds'>, askerId: string): ConversationMessage[] {
  const embed = answer.embeds[0];
  if (!embed?.description) return [];
  const question: ConversationMessage[] = embed.title ? [{ fromBot: false, userId: askerId, toBot: true, text: unescapeDiscord(embed.title) }] : [];
  return [{ fromBot: true, toBot: false, text: embed.description }, ...question];
}
