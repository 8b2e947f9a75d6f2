import type { Paper } from '../types.ts';

/** Papers whose analysis is kept (a few KB each): serving memory stays flat on a large store. */
const DEFAULT_MAX_PAPERS = 4_000;

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
