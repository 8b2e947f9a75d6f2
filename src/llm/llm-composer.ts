import type { Composer } from '../answer/composer.ts';
import { createExtractiveComposer } from '../answer/extractive-composer.ts';
import { stepTimeout } from './budget.ts';
import { callModel, type ModelStepDeps } from './call-model.ts';
import { answerWithQuotes, checkedReply, FALLBACK_NOTES } from './checked-reply.ts';
import { ABSTAIN_SENTINEL, visiblePart, type GroundingSettings } from './grounded-answer.ts';
import { formatQuestion, formatSources } from './sources.ts';
import type { ClaimVerifier } from './verify-claims.ts';
import { ANSWER_FORMATS, parseStructuredAnswer, STRUCTURED_ANSWER_FORMAT } from './structured-answer.ts';

export { FALLBACK_NOTES } from './checked-reply.ts';

/** Its prompt is `prompts/answer.md`; variables `sources`, `question`, `sentinel`, `format`. */
export interface LlmComposerDeps extends ModelStepDeps, GroundingSettings {
  /** Answers when the model fails or too little of its answer is supported; extractive by default. */
  fallback?: Composer;
  /** Most papers handed to the model. */
  maxSources?: number;
  /** Ask for JSON (sentence, cited sources, supporting quote) through the server's JSON-schema support instead of text with [n]. */
  structuredOutput?: boolean;
  /** A second, bounded model call judging each kept sentence against its quote (`LLM_VERIFY`). No streaming then. */
  verify?: ClaimVerifier;
}

/**
 * Answers in the model's own words from numbered, delimited sources, streaming through
 * `onPartial`. Grounding is enforced in code: the abstention sentinel is checked here, every
 * sentence must pass the claim check against the paper it cites (only checked sentences are ever
 * streamed), and an answer with too little support (or a failed call) falls back to quotes with a
 * visible note.
 */
export function createLlmComposer({
  model,
  prompt,
  timeoutMs,
  maxRetries,
  modelName,
  logger,
  fallback = createExtractiveComposer(),
  maxSources = 6,
  structuredOutput = false,
  verify,
  claimCheck,
  minSupportedShare,
  retry,
}: LlmComposerDeps): Composer {
  return {
    async compose(question, papers, options = {}) {
      const sources = papers.slice(0, maxSources);
      const messages = await prompt.formatMessages({
        sources: formatSources(sources),
        question: formatQuestion(question, options.asked),
        sentinel: ABSTAIN_SENTINEL,
        format: structuredOutput ? ANSWER_FORMATS.json : ANSWER_FORMATS.text,
      });
      const { onPartial } = options;
      const checked = { question: `${question}\n${options.asked ?? ''}`, claimCheck, minSupportedShare };
      let reply;
      try {
        reply = await callModel(model, messages, {
          timeoutMs: stepTimeout(timeoutMs, options.deadline, retry?.now),
          maxRetries,
          signal: options.signal,
          callOptions: structuredOutput ? { response_format: STRUCTURED_ANSWER_FORMAT } : undefined,
          onText:
            // A verified answer is shown only once verified.
            onPartial && !structuredOutput && !verify
              ? (text) => {
                  const shown = visiblePart(text, sources, checked);
                  if (shown) onPartial(shown);
                }
              : undefined,
          ...retry,
        });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        logger?.warn({ err, model: modelName }, 'chat model failed; answering with quotes');
        return answerWithQuotes(fallback, question, papers, FALLBACK_NOTES.failed);
      }
      logger?.info({ model: modelName, usage: reply.usage, attempts: reply.attempts }, 'LLM answer token usage');

      const text = structuredOutput ? parseStructuredAnswer(reply.text) : reply.text;
      return checkedReply(text, { sources, papers, question }, options, { fallback, verify, logger, modelName, claimCheck, minSupportedShare });
    },
  };
}
