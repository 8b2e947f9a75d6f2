import type { Paper } from '../types.ts';

/**
 * Papers whose analysis is kept (~10 KB each), enough for the candidates of the last ~6 questions
 * of a conversation. Measured at 100k papers (one process): peak RSS 629 MB with 4,000, 507 MB with
 * 1,000 (900 questions, V8's default heap); with npm start's heap settings (300 questions) 245 MB
 * with 1,000, 235 MB with 500 and 234 MB with 300, at the same latency.
 */
const DEFAULT_MAX_PAPERS = 500;

/**
 * Remembers what `analyse` made of the papers used most recently, so a paper's text is tokenised
 * once rather than at every question. The store hands out the same Paper object while its tables
 * stand (its paper cache, the in-memory index), and a changed paper is a new object: identity is
 * the key, and a stale analysis is simply never asked for again.
 */
export function createPaperMemo<T>(analyse: (paper: Paper) => T, maxPapers = DEFAULT_MAX_PAPERS): (paper: Paper) => T {
  const memo = new Map<Paper, T>();
  return (paper) => {
    let value = memo.get(paper);
    if (value === undefined) {
      value = analyse(paper);
      if (memo.size >= maxPapers) memo.delete(memo.keys().next().value!);
    } else {
      // Least recently used leaves first: re-inserting moves this one to the back.
      memo.delete(paper);
    }
    memo.set(paper, value);
    return value;
  };
}
