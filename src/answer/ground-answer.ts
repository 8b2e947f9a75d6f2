import type { Citation, Paper } from '../types.ts';
import { answerLines, joinLines } from './answer-sentences.ts';
import { citedNumbers, normalizeCitationMarkers, withoutMarkers } from './citation-markers.ts';
import { createClaimChecker, type CheckedClaim } from './claim-check.ts';

/** What happens to a sentence the claim check does not keep: dropped, or shown marked as unverified. */
export type ClaimCheckMode = 'drop' | 'mark';

export interface GroundedText {
  text: string;
  citations: Citation[];
  /** Sentences kept with at least one citation. */
  keptCited: number;
  /** Sentences that claim something (everything but framing). */
  claims: number;
  /** Sentences not kept as supported, with why (for logs). */
  rejected: ({ sentence: string } & CheckedClaim)[];
  /** Kept cited sentences with the paper sentences that support them. */
  supported: { sentence: string; quotes: string[] }[];
}

export interface GroundOptions {
  question?: string;
  mode?: ClaimCheckMode;
  /** Leave the last sentence out: while streaming it may still be growing. */
  completeOnly?: boolean;
  /** Sentences a verifier judged unsupported although the claim check kept them. */
  vetoed?: ReadonlySet<string>;
}

/** How a sentence the check rejected is shown in `mark` mode. Instructions, links and invalid citations are never shown. */
const UNVERIFIED = (sentence: string) => `⚠️ _Unverified:_ ${withoutMarkers(sentence)}`;

/**
 * Checks every sentence of a generated answer against the papers it cites (numbered 1..n in
 * `sources`) and keeps the supported ones; citations quote, for each paper, the sentence that
 * supports the first kept claim citing it.
 */
export function groundAnswer(
  reply: string,
  sources: { paper: Pick<Paper, 'id' | 'title' | 'abstract' | 'url'> }[],
  { question, mode = 'drop', completeOnly = false, vetoed }: GroundOptions = {},
): GroundedText {
  const check = createClaimChecker(
    sources.map(({ paper }, i) => ({ n: i + 1, title: paper.title, abstract: paper.abstract })),
    { question },
  );
  const lines = answerLines(normalizeCitationMarkers(reply));
  if (completeOnly) dropLastSentence(lines);
  const quotes = new Map<number, string>();
  const rejected: GroundedText['rejected'] = [];
  const supported: GroundedText['supported'] = [];
  let keptCited = 0;
  let claims = 0;
  const kept = lines.map(({ prefix, sentences }) => ({
    prefix,
    sentences: sentences.flatMap((sentence) => {
      const checked = check(sentence);
      const result: CheckedClaim = checked.kept && vetoed?.has(sentence) ? { verdict: 'unsupported', kept: false, reason: 'the verifier found it unsupported', quotes: [] } : checked;
      if (result.verdict !== 'framing') claims++;
      if (result.kept) {
        if (citedNumbers(sentence).length > 0) {
          keptCited++;
          supported.push({ sentence, quotes: result.quotes.map((q) => q.sentence) });
        }
        for (const q of result.quotes) if (!quotes.has(q.n)) quotes.set(q.n, q.sentence);
        return [sentence];
      }
      rejected.push({ sentence, ...result });
      const showable = result.verdict !== 'injected' && result.verdict !== 'invalid-citation';
      return mode === 'mark' && showable ? [UNVERIFIED(sentence)] : [];
    }),
  }));
  const text = joinLines(kept);
  const citations = citedNumbers(text).flatMap((n) => {
    const source = sources[n - 1];
    const quote = quotes.get(n);
    if (!source || !quote) return [];
    const { id, title, url } = source.paper;
    return [{ n, paperId: id, title, url, quote }];
  });
  return { text, citations, keptCited, claims, rejected, supported };
}

function dropLastSentence(lines: { sentences: string[] }[]) {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.sentences.length > 0) {
      lines[i]!.sentences.pop();
      return;
    }
  }
}
