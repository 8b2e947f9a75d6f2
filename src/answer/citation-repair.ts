import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import { contentTerms } from '../text/tokenize.ts';
import type { Citation } from '../types.ts';

export interface RepairedText {
  text: string;
  /** Valid source numbers in order of first citation. */
  cited: number[];
  /** Numbers the text cited that are not among the sources. */
  removed: number[];
}

const GROUP = /\[(\d+(?:\s*[,;]\s*\d+)+)\]/g;
const MARKER = /\s*\[(\d+)\]/g;

/**
 * Makes a generated answer's citations checkable: `[1, 3]` becomes `[1][3]`, and any `[n]` that
 * names no source (1..sourceCount) is removed, so a model cannot cite what it was not given.
 */
export function repairCitations(text: string, sourceCount: number): RepairedText {
  const cited: number[] = [];
  const removed: number[] = [];
  const split = text.replace(GROUP, (_m, list: string) =>
    list
      .split(/[,;]/)
      .map((n) => `[${n.trim()}]`)
      .join(''),
  );
  const repaired = split.replace(MARKER, (marker, digits: string) => {
    const n = Number(digits);
    if (n >= 1 && n <= sourceCount) {
      if (!cited.includes(n)) cited.push(n);
      return marker;
    }
    removed.push(n);
    return '';
  });
  return { text: repaired, cited, removed };
}

/**
 * Citations for the sources an answer cites. The prose is the model's, but each citation's quote
 * is a verbatim evidence sentence of the paper: the one sharing most words with the sentences
 * that cite it.
 */
export function citationsFor(text: string, cited: number[], sources: Pick<RetrievedPaper, 'paper' | 'evidence'>[]): Citation[] {
  const sentences = text.split(/(?<=[.!?])\s+|\n+/);
  return cited.flatMap((n) => {
    const source = sources[n - 1];
    if (!source) return [];
    const claimTerms = new Set(sentences.filter((s) => s.includes(`[${n}]`)).flatMap((s) => contentTerms(s)));
    const overlap = (sentence: string) => contentTerms(sentence).filter((t) => claimTerms.has(t)).length;
    const quote = source.evidence.reduce<string | undefined>((best, s) => (best === undefined || overlap(s) > overlap(best) ? s : best), undefined);
    const { id, title, url } = source.paper;
    return [{ n, paperId: id, title, url, quote: quote ?? title }];
  });
}
