import { contentTerms } from '../text/tokenize.ts';
import type { Turn } from '../types.ts';
import { stepTimeout } from './budget.ts';
import { callModel, type ModelStepDeps } from './call-model.ts';

/**
 * Rewrites a follow-up into a standalone question, using the conversation so far. Resolves to
 * undefined when the model's reply is not an acceptable question, so the caller uses its own
 * heuristic instead.
 */
export type Condenser = (question: string, history: Turn[], options?: { signal?: AbortSignal; deadline?: number }) => Promise<string | undefined>;

/** Its prompt is `prompts/condense.md`; variables `history`, `question`. */
export interface CondenserDeps extends ModelStepDeps {
  /** How many recent turns the model sees, and how much of each. */
  maxTurns?: number;
  maxTurnChars?: number;
}

/** Longest standalone question accepted; a longer reply is the model answering instead. */
const MAX_QUESTION_CHARS = 500;

/** How a question starts or ends: a reply that does neither is not a question (a canned reply, an answer). */
const QUESTION_FORM = /\?\s*$|^(?:who|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|should|would|will|has|have|compare|list|find|show|explain|describe|summari[sz]e|tell)\b/i;

/**
 * "and which of them is fastest?" retrieves nothing on its own; condensed with the thread it
 * becomes "Which of the speech codec papers is fastest?". The rewrite is accepted only when it is
 * a question sharing content terms with the follow-up or the conversation. Throws when the model
 * fails, so the caller can fall back to its own heuristic.
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
  return async (question, history, { signal, deadline } = {}) => {
    const recent = history.slice(-maxTurns).map((t) => ({ ...t, text: t.text.slice(0, maxTurnChars) }));
    const conversation = recent.map((t) => `${t.role === 'user' ? 'User' : 'Assistant'}: ${t.text}`).join('\n');
    const messages = await prompt.formatMessages({ history: conversation, question });
    const reply = await callModel(model, messages, { timeoutMs: stepTimeout(timeoutMs, deadline, retry?.now), maxRetries, signal, ...retry });
    logger?.info({ model: modelName, usage: reply.usage, attempts: reply.attempts }, 'condensed follow-up token usage');
    const standalone = reply.text
      .trim()
      .split('\n')[0]!
      .replace(/^standalone question:\s*/i, '')
      .replace(/^["“']|["”']$/g, '')
      .trim();
    if (acceptable(standalone, [question, ...recent.map((t) => t.text)])) return standalone;
    logger?.warn({ model: modelName, reply: standalone.slice(0, 200) }, 'condensed follow-up is not a question about the conversation; ignoring it');
    return undefined;
  };
}

function acceptable(standalone: string, context: string[]): boolean {
  if (!standalone || standalone.length > MAX_QUESTION_CHARS || !QUESTION_FORM.test(standalone)) return false;
  const known = new Set(context.flatMap((t) => contentTerms(t)));
  return contentTerms(standalone).some((t) => known.has(t));
}
