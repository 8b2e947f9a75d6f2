import { groundAnswer, type ClaimCheckMode } from '../answer/ground-answer.ts';
import type { Logger } from '../logger.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Answer } from '../types.ts';

/** What the prompts tell the model to reply when the sources do not answer the question. */
export const ABSTAIN_SENTINEL = 'NO_ANSWER_IN_SOURCES';

export type SourcePaper = Pick<RetrievedPaper, 'paper' | 'evidence'>;

export interface GroundingSettings {
  /** Drop sentences the claim check rejects (default), or show them marked as unverified. */
  claimCheck?: ClaimCheckMode;
  /** Share of an answer's claims that must survive the check, else the extractive answer is shown. */
  minSupportedShare?: number;
}

export const DEFAULT_MIN_SUPPORTED_SHARE = 0.5;

/** Told to users when some of the model's sentences were taken out. */
export function removedNote(count: number, mode: ClaimCheckMode): string {
  const what = count === 1 ? '1 sentence of the generated answer was' : `${count} sentences of the generated answer were`;
  return `${what} not supported by the cited papers${mode === 'mark' ? ' (marked Unverified, or left out when they addressed the reader)' : ' and left out'}.`;
}

/**
 * Turns a model's reply into an answer, enforcing grounding in code: the abstention sentinel
 * abstains; every sentence goes through the claim check against the paper it cites, and only
 * supported ones are kept (or, in `mark` mode, shown marked); each quote is the paper sentence that
 * supports the claim. Undefined when too little survives, so the caller can fall back.
 */
export function groundedAnswer(
  reply: string,
  sources: SourcePaper[],
  {
    question,
    logger,
    claimCheck = 'drop',
    minSupportedShare = DEFAULT_MIN_SUPPORTED_SHARE,
    vetoed,
  }: GroundingSettings & { question?: string; logger?: Logger; vetoed?: ReadonlySet<string> } = {},
): Omit<Answer, 'timingsMs'> | undefined {
  if (reply.includes(ABSTAIN_SENTINEL)) {
    return {
      text: 'The papers I found do not answer that.',
      citations: [],
      mode: 'llm',
      abstained: true,
      related: sources.slice(0, 3).map(({ paper: { id, title, url } }) => ({ id, title, url })),
    };
  }
  const grounded = groundAnswer(reply.trim(), sources, { question, mode: claimCheck, vetoed });
  if (grounded.rejected.length > 0) {
    logger?.warn({ rejected: grounded.rejected.map(({ sentence, verdict, reason }) => ({ sentence: sentence.slice(0, 200), verdict, reason })) }, 'claim check rejected sentences of the LLM answer');
  }
  const supported = grounded.claims === 0 ? 0 : grounded.keptCited / grounded.claims;
  if (grounded.keptCited === 0 || grounded.citations.length === 0 || supported < minSupportedShare) return undefined;
  const dropped = grounded.rejected.length;
  return { text: grounded.text, citations: grounded.citations, mode: 'llm', abstained: false, related: [], ...(dropped > 0 && { note: removedNote(dropped, claimCheck) }) };
}

/** What a user may see of a half-streamed reply: never the sentinel, only complete sentences that pass the claim check. */
export function visiblePart(text: string, sources: SourcePaper[], { question, claimCheck = 'drop' }: GroundingSettings & { question?: string } = {}): string | undefined {
  const trimmed = text.trim();
  if (ABSTAIN_SENTINEL.startsWith(trimmed) || trimmed.includes(ABSTAIN_SENTINEL)) return undefined;
  return groundAnswer(trimmed, sources, { question, mode: claimCheck, completeOnly: true }).text || undefined;
}
