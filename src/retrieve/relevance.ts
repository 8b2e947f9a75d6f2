/**
 * Two calibrated logistic models over query-to-paper match features:
 * - paper relevance: is this paper relevant to the question? (chooses what an answer cites);
 * - answerability: does the store answer the question at all? (from the best paper's features
 *   and its lead over the runner-up; below the floor Paperboy abstains).
 * Coefficients and floors are fitted on the project's own question sets with
 * `npm run eval -- --calibrate` (our own sets in eval/ only; never the outside sets, which are for measuring);
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
  /** Distinct question terms in that best sentence (at most three) over min(3, question terms): one shared word of several is weak evidence. */
  sentenceTerms: number;
  /**
   * idf mass of question terms found together in the best sentence, in units of the largest idf,
   * capped at 3: unlike the shares above it grows with each further rare word that matches.
   */
  sentenceEvidence: number;
  /**
   * idf mass of question terms met in the paper's best two sentences (title included) over the
   * question's, both capped at two rare words' worth: a short question must be met whole, a long
   * paraphrase by two rare words together; scattered single words never suffice.
   */
  pairEvidence: number;
  /** Share of the question's words some paper contains (after corrections): off-topic words lower it. */
  knownTermShare: number;
  /** Fused score over the best paper's for the same question: relevance relative to the best match. */
  relativeScore: number;
  /** Best cosine similarity between the query and one of the paper's chunks. */
  similarity: number;
}

export const FEATURE_NAMES = ['bm25PerQueryIdf', 'coverage', 'sentenceCoverage', 'specificMatch', 'sentenceTerms', 'sentenceEvidence', 'knownTermShare', 'relativeScore', 'similarity'] as const;

export interface AnswerabilityFeatures extends RelevanceFeatures {
  /** Fused score of the best paper minus the runner-up's: a clear winner suggests a real match. */
  lead: number;
}

/**
 * Shares of the question's idf mass (topical questions in common words are answerable too), with
 * the two-sentence evidence capped so that neither a short question's one word nor a long
 * paraphrase's many scattered words decide alone.
 */
export const ANSWERABILITY_FEATURE_NAMES = ['bm25PerQueryIdf', 'coverage', 'sentenceCoverage', 'specificMatch', 'pairEvidence', 'knownTermShare', 'similarity', 'lead'] as const;

export interface LogisticModel<Name extends string> {
  intercept: number;
  weights: Record<Name, number>;
  /** Decision threshold on the model's output. */
  floor: number;
}

/**
 * `severalFloor`: the decision threshold for questions that ask for the papers on a topic
 * (asks-for-several.ts), fitted on those questions alone: there every relevant paper is wanted,
 * so it sits lower than `floor`, which also guards single-answer questions from a second citation.
 */
export const PAPER_RELEVANCE_MODEL: LogisticModel<(typeof FEATURE_NAMES)[number]> & { severalFloor: number } = {
  intercept: -8.994,
  weights: { bm25PerQueryIdf: 0.946, coverage: 1.561, sentenceCoverage: 1.511, specificMatch: 0.613, sentenceTerms: 1.582, sentenceEvidence: 1.307, knownTermShare: 0.337, relativeScore: 2.483, similarity: 0.67 },
  floor: 0.34,
  severalFloor: 0.14,
};

export const ANSWERABILITY_MODEL: LogisticModel<(typeof ANSWERABILITY_FEATURE_NAMES)[number]> = {
  intercept: -5.98,
  weights: { bm25PerQueryIdf: 0, coverage: 0.208, sentenceCoverage: 0.356, specificMatch: 0, pairEvidence: 5.576, knownTermShare: 0.298, similarity: 1.984, lead: 1.573 },
  floor: 0.5,
};

export function logistic<Name extends string>(model: Pick<LogisticModel<Name>, 'intercept' | 'weights'>, features: Record<Name, number>): number {
  let z = model.intercept;
  for (const name of Object.keys(model.weights) as Name[]) z += model.weights[name] * features[name];
  return 1 / (1 + Math.exp(-z));
}

/** Both models, as shipped or as fitted by one fold of cross-validation. */
export interface RelevanceModels {
  paper: typeof PAPER_RELEVANCE_MODEL;
  answerability: typeof ANSWERABILITY_MODEL;
}

export const SHIPPED_MODELS: RelevanceModels = { paper: PAPER_RELEVANCE_MODEL, answerability: ANSWERABILITY_MODEL };

export function relevanceOf(f: RelevanceFeatures, model = PAPER_RELEVANCE_MODEL): number {
  return logistic(model, f);
}

/** Papers whose evidence may show a question answerable: ranking is fused, and the full answer may sit just below the top. */
const ANSWERABILITY_CANDIDATES = 3;

/**
 * Answerability of a question: the most answerable of its best few papers (best first), each with
 * its lead over the best of the others (negative below the top).
 */
export function answerability(ranked: { features: RelevanceFeatures; score: number }[], model = ANSWERABILITY_MODEL): number {
  return Math.max(
    0,
    ...ranked.slice(0, ANSWERABILITY_CANDIDATES).map((r, i) => answerabilityOf(r, { score: Math.max(0, ...ranked.filter((_, j) => j !== i).map((o) => o.score)) }, model)),
  );
}

/** Answerability of a question from its two best papers (best first). */
export function answerabilityOf(best: { features: RelevanceFeatures; score: number }, runnerUp?: { score: number }, model = ANSWERABILITY_MODEL): number {
  return logistic(model, { ...best.features, lead: best.score - (runnerUp?.score ?? 0) });
}
