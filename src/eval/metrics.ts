import { words, isStopword } from '../text/tokenize.ts';

/** Ranking metrics for one question: `ranked` are paper titles best first, `relevant` the gold titles. */
export function rankingMetrics(ranked: string[], relevant: string[]) {
  const gold = new Set(relevant);
  const top = ranked.slice(0, 10);
  const recallAt = (k: number) => ranked.slice(0, k).filter((t) => gold.has(t)).length / gold.size;
  const first = top.findIndex((t) => gold.has(t));
  let dcg = 0;
  top.forEach((t, i) => {
    if (gold.has(t)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(10, gold.size); i++) ideal += 1 / Math.log2(i + 2);
  return { r1: recallAt(1), r5: recallAt(5), r10: recallAt(10), mrr10: first >= 0 ? 1 / (first + 1) : 0, ndcg10: ideal > 0 ? dcg / ideal : 0 };
}

/** Of the papers an answer cites (titles), the share that are relevant, and of the relevant, the share cited. */
export function citationMetrics(cited: string[], relevant: string[]) {
  const gold = new Set(relevant);
  const distinct = [...new Set(cited)];
  const hits = distinct.filter((t) => gold.has(t)).length;
  return { precision: distinct.length > 0 ? hits / distinct.length : 0, recall: gold.size > 0 ? hits / gold.size : Number.NaN };
}

/** A fact counts as covered when all its content words appear in the answer (case-insensitive). */
export function factCovered(fact: string, answer: string): boolean {
  const present = new Set(words(answer));
  const needed = words(fact).filter((w) => !isStopword(w));
  return needed.length > 0 && needed.every((w) => present.has(w));
}

export function mean(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
