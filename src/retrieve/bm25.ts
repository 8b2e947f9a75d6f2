const BM25_K1 = 1.2;
const BM25_B = 0.75;

/** BM25's saturated term frequency: `f` occurrences in a document of `length` terms (average `avgLength`). */
export function bm25Tf(f: number, length: number, avgLength: number): number {
  return (f * (BM25_K1 + 1)) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * length) / avgLength));
}
