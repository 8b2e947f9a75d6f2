import type { ComposeOptions, Composer } from '../answer/composer.ts';
import { groundAnswer } from '../answer/ground-answer.ts';
import { createExtractiveComposer } from '../answer/extractive-composer.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Answer } from '../types.ts';
import { stepTimeout } from './budget.ts';
import { callModel, type ModelStepDeps } from './call-model.ts';
import { ABSTAIN_SENTINEL, groundedAnswer, visiblePart, type GroundingSettings, type SourcePaper } from './grounded-answer.ts';
import { formatQuestion, formatSources } from './sources.ts';
import type { ClaimVerifier } from './verify-claims.ts';
import { ANSWER_FORMATS, parseStructuredAnswer, STRUCTURED_ANSWER_FORMAT } from './structured-answer.ts';

/** Notes shown to users when the model's answer could not be used. */
export const FALLBACK_NOTES = {
  failed: 'The language model could not answer just now, so these are direct quotes from the papers.',
  uncited: 'The generated answer was not supported by the papers it cited, so these are direct quotes from the papers.',
} as const;

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
  const fallBack = async (question: string, papers: RetrievedPaper[], note: string): Promise<Omit<Answer, 'timingsMs'>> => ({
    ...(await fallback.compose(question, papers)),
    note,
  });

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
        return fallBack(question, papers, FALLBACK_NOTES.failed);
      }
      logger?.info({ model: modelName, usage: reply.usage, attempts: reply.attempts }, 'LLM answer token usage');

      const text = structuredOutput ? parseStructuredAnswer(reply.text) : reply.text;
      const vetoed = text !== undefined && verify ? await vetoedBy(verify, text, sources, checked, options) : undefined;
      const answer = text === undefined ? undefined : groundedAnswer(text, sources, { ...checked, logger, vetoed });
      if (answer) return answer;
      logger?.warn({ model: modelName }, 'too little of the LLM answer is supported by its sources; answering with quotes');
      return fallBack(question, papers, FALLBACK_NOTES.uncited);
    },
  };
}

/** The sentences the claim check keeps but the verifier rejects; none when the verifier failed. */
async function vetoedBy(verify: ClaimVerifier, text: string, sources: SourcePaper[], { question }: { question: string }, { deadline, signal }: ComposeOptions): Promise<Set<string>> {
  if (text.includes(ABSTAIN_SENTINEL)) return new Set();
  const { supported } = groundAnswer(text, sources, { question });
  const rejected = await verify(supported, { deadline, signal });
  return new Set([...(rejected ?? [])].map((i) => supported[i]!.sentence));
}
