import type { Composer } from '../answer/composer.ts';
import { createExtractiveComposer } from '../answer/extractive-composer.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Answer } from '../types.ts';
import { callModel, type ModelStepDeps } from './call-model.ts';
import { ABSTAIN_SENTINEL, groundedAnswer, visiblePart } from './grounded-answer.ts';
import { formatSources } from './sources.ts';

/** Notes shown to users when the model's answer could not be used. */
export const FALLBACK_NOTES = {
  failed: 'The language model could not answer just now, so these are direct quotes from the papers.',
  uncited: 'The generated answer cited none of its sources, so these are direct quotes from the papers.',
} as const;

/** Its prompt is `prompts/answer.md`; variables `sources`, `question`, `sentinel`. */
export interface LlmComposerDeps extends ModelStepDeps {
  /** Answers when the model fails or cites nothing; extractive by default. */
  fallback?: Composer;
  /** Most papers handed to the model. */
  maxSources?: number;
}

/**
 * Answers in the model's own words from numbered, delimited sources, streaming through
 * `onPartial`. Grounding is enforced in code: the abstention sentinel is checked here, citations
 * to sources that were not given are removed, quotes are verbatim evidence sentences, and an
 * answer left with no valid citation (or a failed call) falls back to quotes with a visible note.
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
  retry,
}: LlmComposerDeps): Composer {
  const fallBack = async (question: string, papers: RetrievedPaper[], note: string): Promise<Omit<Answer, 'timingsMs'>> => ({
    ...(await fallback.compose(question, papers)),
    note,
  });

  return {
    async compose(question, papers, options = {}) {
      const sources = papers.slice(0, maxSources);
      const messages = await prompt.formatMessages({ sources: formatSources(sources), question, sentinel: ABSTAIN_SENTINEL });
      const { onPartial } = options;
      let reply;
      try {
        reply = await callModel(model, messages, {
          timeoutMs,
          maxRetries,
          signal: options.signal,
          onText: onPartial && ((text) => {
            const shown = visiblePart(text, sources.length);
            if (shown) onPartial(shown);
          }),
          ...retry,
        });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        logger?.warn({ err, model: modelName }, 'chat model failed; answering with quotes');
        return fallBack(question, papers, FALLBACK_NOTES.failed);
      }
      logger?.info({ model: modelName, usage: reply.usage, attempts: reply.attempts }, 'LLM answer token usage');

      const answer = groundedAnswer(reply.text, sources, logger);
      if (answer) return answer;
      logger?.warn({ model: modelName }, 'LLM answer cites no source; answering with quotes');
      return fallBack(question, papers, FALLBACK_NOTES.uncited);
    },
  };
}
