/**
 * Calibrated relevance: a logistic model over query-to-paper match features, mapping to a
 * probability-like score in [0, 1]. The coefficients were fitted on the project's own question
 * set (eval/questions.jsonl) with `npm run eval -- --set eval/questions.jsonl --calibrate`;
 * refit them after changing the features, never by hand for particular questions.
 */
export interface RelevanceFeatures {
  /** BM25 of the paper divided by the summed idf of the query terms (scale-free across queries). */
  bm25PerQueryIdf: number;
  /** Share of the query's idf mass that the paper contains. */
  coverage: number;
  /** Share of the query's idf mass found together in the paper's best single sentence or its title. */
  sentenceCoverage: number;
  /** Share of query terms that no paper in the store contains. */
  unknownTermShare: number;
  /** Best cosine similarity between the query and one of the paper's chunks. */
  similarity: number;
}

export const FEATURE_NAMES = ['bm25PerQueryIdf', 'coverage', 'sentenceCoverage', 'unknownTermShare', 'similarity'] as const;

export interface RelevanceModel {
  intercept: number;
  weights: Record<(typeof FEATURE_NAMES)[number], number>;
}

export const RELEVANCE_MODEL: RelevanceModel = {
  intercept: -3.982,
  weights: { bm25PerQueryIdf: 2.412, coverage: 1.495, sentenceCoverage: 1.072, unknownTermShare: -0.099, similarity: 0.689 },
};

/** Below this relevance the engine abstains (override with RELEVANCE_FLOOR). */
export const DEFAULT_RELEVANCE_FLOOR = 0.169;

export function relevanceOf(f: RelevanceFeatures, model: RelevanceModel = RELEVANCE_MODEL): number {
  let z = model.intercept;
  for (const name of FEATURE_NAMES) z += model.weights[name] * f[name];
  return 1 / (1 + Math.exp(-z));
}
