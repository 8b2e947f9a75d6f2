/**
 * The chat contract: what a platform adapter hands the core (a Question, a transport, a renderer)
 * and nothing more. The core owns admission, claiming, history and the reply's lifecycle; an
 * adapter only moves messages and renders them (escaping included) for its platform.
 */
import { PaperboyError } from '../errors.ts';
import type { Answer } from '../types.ts';

export type ChatPlatform = 'slack' | 'discord';

/** One question as it arrived, in platform-neutral terms. */
export interface Question {
  platform: ChatPlatform;
  /** Slack team or Discord guild; undefined in a Discord DM. */
  workspaceId?: string;
  channelId: string;
  /** The thread the conversation lives in, when it has one. */
  threadId?: string;
  userId: string;
  /** Plain text, the bot's mention removed. */
  text: string;
  /**
   * The asking event's id within the channel, the same for every redelivery of it: Slack's message
   * `ts` (so the DM and the mention event of one message are one question, and events without
   * `event_id` still have a key), Discord's message or interaction id.
   */
  eventId: string;
}

/** A message of the conversation as the platform shows it. */
export interface ConversationMessage {
  /** This bot wrote it (answers, placeholders, digests). */
  fromBot: boolean;
  /** Who wrote it, for people's messages. */
  userId?: string;
  /** A person's message addressed to the bot: a mention, a DM, a follow-up. */
  toBot: boolean;
  /** Plain text. */
  text: string;
}

/** Moves messages for one question; `ref`s are the platform's message ids, opaque to the core. */
export interface ChatTransport<M> {
  /** Posts the placeholder the answer will replace, marked with the question's key; resolves with its ref. */
  postPlaceholder(message: M, questionKey: string): Promise<string>;
  /**
   * The placeholder an earlier attempt posted for this question but died before recording, found
   * by its mark; undefined when there is none (or the platform cannot say). The earlier attempt
   * could only post it while it held the question: before `postedBefore`, the end of its lease.
   */
  findPlaceholder?(questionKey: string, options: { postedBefore: Date }): Promise<string | undefined>;
  /** Posts a further part of a long answer after the previous one. */
  post(message: M): Promise<string>;
  update(ref: string, message: M): Promise<void>;
  /** Tells the asker only (refusals). */
  ephemeral(message: M): Promise<void>;
  /** The conversation before the question, newest first, bounded by the platform's page size. */
  history(): Promise<ConversationMessage[]>;
  /** The papers this conversation is about (a digest's thread), else undefined. */
  digestPaperIds(): Promise<string[] | undefined>;
}

/** Turns the core's content into a platform's messages. */
export interface ChatRenderer<M> {
  placeholder(text: string): M;
  /** The answer so far while a model writes it. */
  partial(textSoFar: string, question: string): M;
  /** The final answer, split into as many messages as the platform needs. */
  answer(answer: Answer, question: string): M[];
  /** A short note from the bot (refusal, apology). */
  notice(text: string): M;
}

/**
 * Thrown by a transport when the platform says the conversation can no longer be answered (an
 * interaction that expired before its reply, a deleted channel): the flow logs it once and does
 * not try to apologise into the void.
 */
export class ConversationGoneError extends PaperboyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('platform', message, options);
  }
}
