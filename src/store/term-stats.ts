/**
 * Document frequencies of stemmed content terms over all papers (title + abstract). Retrieval
 * uses them for BM25 re-scoring and for the relevance floor; ingest keeps them current.
 */
export interface TermStats {
  docs: number;
  totalLength: number;
  df: Map<string, number>;
  /** Papers-table version they were counted from; absent for statistics never recounted (older stores). */
  asOf?: number;
}

export function emptyTermStats(): TermStats {
  return { docs: 0, totalLength: 0, df: new Map() };
}

/** Adds (sign 1) or removes (sign -1) one document's terms. */
export function applyDocument(stats: TermStats, terms: string[], sign: 1 | -1): void {
  stats.docs += sign;
  stats.totalLength += sign * terms.length;
  for (const t of new Set(terms)) {
    const n = (stats.df.get(t) ?? 0) + sign;
    if (n > 0) stats.df.set(t, n);
    else stats.df.delete(t);
  }
}

export function serializeTermStats(stats: TermStats): string {
  return JSON.stringify({ docs: stats.docs, totalLength: stats.totalLength, df: [...stats.df], asOf: stats.asOf });
}

export function parseTermStats(json: string): TermStats {
  const raw = JSON.parse(json) as { docs: number; totalLength: number; df: [string, number][]; asOf?: number };
  return { docs: raw.docs, totalLength: raw.totalLength, df: new Map(raw.df), asOf: raw.asOf };
}

/** BM25's idf, never negative. Terms no paper contains get the highest idf the corpus allows. */
export function idf(stats: TermStats, term: string): number {
  const n = stats.df.get(term) ?? 0;
  return Math.log(1 + (stats.docs - n + 0.5) / (n + 0.5));
}
