import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { ChunkHit, PaperStore } from '../store/lance-store.ts';
import { idf, type TermStats } from '../store/term-stats.ts';
import { splitSentences } from '../text/sentences.ts';
import { contentTerms } from '../text/tokenize.ts';
import type { Paper } from '../types.ts';
import { rankSentences, sentenceScorer } from './evidence.ts';
import { relevanceOf, type RelevanceFeatures } from './relevance.ts';

export interface RetrievedPaper {
  paper: Paper;
  score: number;
  /** Calibrated relevance in [0, 1]. */
  relevance: number;
  features: RelevanceFeatures;
  /** Abstract sentences (and the title) that match the query, best first, verbatim. */
  evidence: string[];
}

export interface RetrieveOptions {
  k?: number;
  paperIds?: string[];
}

export interface Retriever {
  retrieve(query: string, options?: RetrieveOptions): Promise<RetrievedPaper[]>;
}

/** How many candidates each LanceDB search contributes before re-scoring. */
const CANDIDATES_PER_LIST = 40;
/** Weight of the dense (embedding) signal against lexical BM25 in the fused score. */
const DENSE_WEIGHT = 0.25;
const BM25_K1 = 1.2;
const BM25_B = 0.75;

/**
 * Hybrid retrieval: LanceDB full-text search over papers and chunks and LanceDB vector search
 * over chunks propose candidates; each candidate paper is then scored by BM25 over its title
 * (counted twice) and abstract with corpus statistics, fused with its best chunk's cosine
 * similarity. The same features give a calibrated relevance used to abstain.
 */
export function createHybridRetriever({
  store,
  embedder,
  denseWeight = DENSE_WEIGHT,
}: {
  store: PaperStore;
  embedder: EmbeddingsInterface;
  denseWeight?: number;
}): Retriever {
  return {
    async retrieve(query, { k = 10, paperIds } = {}) {
      const terms = contentTerms(query);
      const ftsQuery = [...new Set(terms)].length > 0 ? query.replace(/[^\p{L}\p{N}\s-]/gu, ' ') : '';
      const queryVector = await embedder.embedQuery(query);
      const [stats, byPaperText, byChunkText, byVector] = await Promise.all([
        store.termStats(),
        store.searchPapersText(ftsQuery, CANDIDATES_PER_LIST, paperIds),
        store.searchChunksText(ftsQuery, CANDIDATES_PER_LIST, paperIds),
        store.searchChunksVector(queryVector, CANDIDATES_PER_LIST, paperIds),
      ]);
      const candidateIds = unique([...byPaperText.map((h) => h.paper.id), ...byChunkText.map((c) => c.paperId), ...byVector.map((c) => c.paperId)]);
      if (candidateIds.length === 0) return [];
      const known = new Map(byPaperText.map((h) => [h.paper.id, h.paper]));
      const missing = candidateIds.filter((id) => !known.has(id));
      for (const p of await store.getPapers(missing)) known.set(p.id, p);
      const dense = bestSimilarityByPaper(byVector);

      const queryWeights = weightsOf(terms);
      const scoreSentence = sentenceScorer(query, queryWeights, stats);
      const totalIdf = [...queryWeights.keys()].reduce((a, t) => a + idf(stats, t), 0);
      const scored = candidateIds
        .map((id) => known.get(id))
        .filter((p): p is Paper => p !== undefined)
        .map((paper) => {
          const docTerms = contentTerms(`${paper.title} ${paper.title} ${paper.abstract}`);
          const bm25 = bm25Score(queryWeights, docTerms, stats);
          const present = new Set(docTerms);
          const matchedIdf = [...queryWeights.keys()].filter((t) => present.has(t)).reduce((a, t) => a + idf(stats, t), 0);
          const features: RelevanceFeatures = {
            bm25PerQueryIdf: totalIdf > 0 ? bm25 / totalIdf : 0,
            coverage: totalIdf > 0 ? matchedIdf / totalIdf : 0,
            sentenceCoverage: totalIdf > 0 ? bestSentenceIdf(paper, queryWeights, stats) / totalIdf : 0,
            specificMatch: Math.max(0, ...[...queryWeights.keys()].filter((t) => present.has(t)).map((t) => idf(stats, t))) / Math.log(1 + stats.docs + 0.5),
            unknownTermShare: queryWeights.size > 0 ? [...queryWeights.keys()].filter((t) => !stats.df.has(t)).length / queryWeights.size : 1,
            similarity: dense.get(paper.id),
          };
          return { paper, bm25, features };
        });
      const maxBm25 = Math.max(1e-9, ...scored.map((s) => s.bm25));
      const maxSim = Math.max(1e-9, ...scored.map((s) => s.features.similarity));
      return scored
        .map((s) => ({
          paper: s.paper,
          score: (1 - denseWeight) * (s.bm25 / maxBm25) + denseWeight * (s.features.similarity / maxSim),
          relevance: relevanceOf(s.features),
          features: s.features,
          evidence: [] as string[],
        }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k)
        .map((r) => ({ ...r, evidence: rankSentences(r.paper.abstract, scoreSentence) }));
    },
  };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function weightsOf(terms: string[]): Map<string, number> {
  const w = new Map<string, number>();
  for (const t of terms) w.set(t, 1);
  return w;
}

/**
 * Best chunk similarity per paper from the vector search. A candidate the vector search did not
 * return scores at most as high as its last hit, so that bound stands in for it (no extra query).
 */
function bestSimilarityByPaper(hits: ChunkHit[]): { get(id: string): number } {
  const best = new Map<string, number>();
  for (const h of hits) best.set(h.paperId, Math.max(best.get(h.paperId) ?? -1, h.similarity));
  const bound = hits.length > 0 ? Math.min(...hits.map((h) => h.similarity)) : 0;
  return { get: (id) => best.get(id) ?? bound };
}

export function bm25Score(query: Map<string, number>, docTerms: string[], stats: TermStats): number {
  const tf = new Map<string, number>();
  for (const t of docTerms) tf.set(t, (tf.get(t) ?? 0) + 1);
  const avgLength = stats.docs > 0 ? stats.totalLength / stats.docs : docTerms.length || 1;
  let score = 0;
  for (const [t, w] of query) {
    const f = tf.get(t);
    if (!f) continue;
    score += (w * idf(stats, t) * (f * (BM25_K1 + 1))) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * docTerms.length) / avgLength));
  }
  return score;
}

/** The largest idf mass of query terms found together in one sentence (or the title): a proximity signal. */
function bestSentenceIdf(paper: Pick<Paper, 'title' | 'abstract'>, query: Map<string, number>, stats: TermStats): number {
  let best = 0;
  for (const s of [paper.title, ...splitSentences(paper.abstract)]) {
    const present = new Set(contentTerms(s));
    let mass = 0;
    for (const t of query.keys()) if (present.has(t)) mass += idf(stats, t);
    best = Math.max(best, mass);
  }
  return best;
}
