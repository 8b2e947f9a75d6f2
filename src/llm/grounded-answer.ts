import { citationsFor, repairCitations } from '../answer/citation-repair.ts';
import type { Logger } from '../logger.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Answer } from '../types.ts';

/** What the prompts tell the model to reply when the sources do not answer the question. */
export const ABSTAIN_SENTINEL = 'NO_ANSWER_IN_SOURCES';

export type SourcePaper = Pick<RetrievedPaper, 'paper' | 'evidence'>;

/**
 * Turns a model's reply into an answer, enforcing grounding in code: the abstention sentinel
 * abstains, `[n]` outside the sources is removed, and quotes are verbatim evidence sentences.
 * Undefined when no valid citation is left, so the caller can fall back.
 */
export function groundedAnswer(reply: string, sources: SourcePaper[], logger?: Logger): Omit<Answer, 'timingsMs'> | undefined {
  if (reply.includes(ABSTAIN_SENTINEL)) {
    return {
      text: 'The papers I found do not answer that.',
      citations: [],
      mode: 'llm',
      abstained: true,
      related: sources.slice(0, 3).map(({ paper: { id, title, url } }) => ({ id, title, url })),
    };
  }
  const repaired = repairCitations(reply.trim(), sources.length);
  if (repaired.removed.length > 0) logger?.warn({ removed: repaired.removed, sources: sources.length }, 'removed citations to sources that were not given');
  if (repaired.cited.length === 0) return undefined;
  return { text: repaired.text, citations: citationsFor(repaired.text, repaired.cited, sources), mode: 'llm', abstained: false, related: [] };
}

/** What a user may see of a half-streamed reply: never the sentinel, never an invalid citation. */
export function visiblePart(text: string, sourceCount: number): string | undefined {
  const trimmed = text.trim();
  if (ABSTAIN_SENTINEL.startsWith(trimmed) || trimmed.includes(ABSTAIN_SENTINEL)) return undefined;
  return repairCitations(trimmed, sourceCount).text;
}
