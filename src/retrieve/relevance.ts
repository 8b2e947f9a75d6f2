/**
 * Two calibrated logistic models over query-to-paper match features:
 * - paper relevance: is this paper relevant to the question? (chooses what an answer cites);
 * - answerability: does the store answer the question at all? (from the best paper's features
 *   and its lead over the runner-up; below the floor Paperboy abstains).
 * Coefficients and floors are fitted on the project's own question sets with
 * `npm run eval -- --calibrate --set eval/questions.jsonl,eval/questions-paraphrased.jsonl`;
 * refit them after changing the features, never by hand for particular questions.
 */
export interface RelevanceFeatures {
  /** BM25 of the paper divided by the summed idf of the query terms (scale-free across queries). */
  bm25PerQueryIdf: number;
  /** Share of the query's idf mass that the paper contains. */
  coverage: number;
  /** Share of the query's idf mass found together in the paper's best single sentence or its title. */
  sentenceCoverage: number;
  /** idf of the rarest query term the paper contains, relative to the largest possible idf. */
  specificMatch: number;
  /** Share of query terms that no paper in the store contains. */
  unknownTermShare: number;
  /** Best cosine similarity between the query and one of the paper's chunks. */
  similarity: number;
}

export const FEATURE_NAMES = ['bm25PerQueryIdf', 'coverage', 'sentenceCoverage', 'specificMatch', 'unknownTermShare', 'similarity'] as const;

export interface AnswerabilityFeatures extends RelevanceFeatures {
  /** Fused score of the best paper minus the runner-up's: a clear winner suggests a real match. */
  lead: number;
}

export const ANSWERABILITY_FEATURE_NAMES = [...FEATURE_NAMES, 'lead'] as const;

export interface LogisticModel<Name extends string> {
  intercept: number;
  weights: Record<Name, number>;
  /** Decision threshold on the model's output. */
  floor: number;
}

export const PAPER_RELEVANCE_MODEL: LogisticModel<(typeof FEATURE_NAMES)[number]> = {
  intercept: -7.642,
  weights: { bm25PerQueryIdf: 4.042, coverage: 2.343, sentenceCoverage: 0.489, specificMatch: 3.487, unknownTermShare: 0.643, similarity: 3.202 },
  floor: 0.27,
};

export const ANSWERABILITY_MODEL: LogisticModel<(typeof ANSWERABILITY_FEATURE_NAMES)[number]> = {
  intercept: -2.93,
  weights: { bm25PerQueryIdf: 1.018, coverage: 2.267, sentenceCoverage: -3.252, specificMatch: 2.949, unknownTermShare: -5.976, similarity: 5.73, lead: 3.922 },
  floor: 0.689,
};

export function logistic<Name extends string>(model: Pick<LogisticModel<Name>, 'intercept' | 'weights'>, features: Record<Name, number>): number {
  let z = model.intercept;
  for (const name of Object.keys(model.weights) as Name[]) z += model.weights[name] * features[name];
  return 1 / (1 + Math.exp(-z));
}

export function relevanceOf(f: RelevanceFeatures): number {
  return logistic(PAPER_RELEVANCE_MODEL, f);
}

/** Answerability of a question from its two best papers (best first). */
export function answerabilityOf(best: { features: RelevanceFeatures; score: number }, runnerUp?: { score: number }): number {
  return logistic(ANSWERABILITY_MODEL, { ...best.features, lead: best.score - (runnerUp?.score ?? 0) });
}
