import type { Turn } from '../types.ts';
import { callModel, type ModelStepDeps } from './call-model.ts';

/** Rewrites a follow-up into a standalone question, using the conversation so far. */
export type Condenser = (question: string, history: Turn[], signal?: AbortSignal) => Promise<string>;

/** Its prompt is `prompts/condense.md`; variables `history`, `question`. */
export interface CondenserDeps extends ModelStepDeps {
  /** How many recent turns the model sees, and how much of each. */
  maxTurns?: number;
  maxTurnChars?: number;
}

/** Longest standalone question accepted; a longer reply is the model answering instead. */
const MAX_QUESTION_CHARS = 500;

/**
 * "and which of them is fastest?" retrieves nothing on its own; condensed with the thread it
 * becomes "Which of the speech codec papers is fastest?". Throws when the model fails, so the
 * caller can fall back to its own heuristic.
 */
export function createCondenser({
  model,
  prompt,
  timeoutMs,
  maxRetries,
  modelName,
  logger,
  maxTurns = 6,
  maxTurnChars = 800,
  retry,
}: CondenserDeps): Condenser {
  return async (question, history, signal) => {
    const conversation = history
      .slice(-maxTurns)
      .map((t) => `${t.role === 'user' ? 'User' : 'Assistant'}: ${t.text.slice(0, maxTurnChars)}`)
      .join('\n');
    const messages = await prompt.formatMessages({ history: conversation, question });
    const reply = await callModel(model, messages, { timeoutMs, maxRetries, signal, ...retry });
    logger?.info({ model: modelName, usage: reply.usage, attempts: reply.attempts }, 'condensed follow-up token usage');
    const standalone = reply.text
      .trim()
      .split('\n')[0]!
      .replace(/^standalone question:\s*/i, '')
      .replace(/^["“']|["”']$/g, '')
      .trim();
    return standalone && standalone.length <= MAX_QUESTION_CHARS ? standalone : question;
  };
}
