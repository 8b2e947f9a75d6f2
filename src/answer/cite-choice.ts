import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import { asksForOne, asksForSeveral } from '../retrieve/asks-for-several.ts';
import type { RelevanceModels } from '../retrieve/relevance.ts';

/** How many ranked papers an answer looks at before choosing what to cite. */
export const CITATION_CANDIDATES = 10;
/** Most papers one answer cites: a list longer than this stops being read. */
export const MAX_CITED = 8;

/**
 * How close to the best paper a further paper's own evidence must come to be cited, besides being
 * relevant by the paper model. Fitted on our own question sets by src/eval/calibrate-citations.ts
 * (`npm run eval -- --calibrate`); never set by hand for particular questions.
 */
export interface CitationRule {
  /**
   * Share of the best paper's concept evidence (the idf mass of the question met in its best
   * sentence or title) a paper must hold: it must speak to the question's main concept, not just
   * share one word of it somewhere.
   */
  conceptShare: number;
  /** The same for questions that ask for the papers on a topic, where every relevant paper is wanted. */
  severalConceptShare: number;
  /**
   * Share of the best paper's coverage (the idf mass of the question met anywhere in its title and
   * abstract) a paper must hold: a paper that lacks a concept of the question the best paper has
   * ("knowledge distillation" without the "vision-language models" it is asked for) answers only
   * part of it, however well one of its sentences matches that part.
   */
  coverageShare: number;
  /** The same for questions that ask for the papers on a topic. */
  severalCoverageShare: number;
  /** Share of the best paper's fused retrieval score a paper must reach. */
  scoreShare: number;
}

export const CITATION_RULE: CitationRule = { conceptShare: 0.3, severalConceptShare: 0.3, coverageShare: 1, severalCoverageShare: 0.5, scoreShare: 0.5 };

/**
 * The ranked papers an answer cites, best first: always the best one; a further one only when it
 * is relevant in its own right (the paper model's floor, lower when the question asks for the
 * papers on a topic), its evidence addresses the question's main concept about as well as the
 * best paper's does, and it holds as much of the whole question as the best paper does.
 * "Which one…" / "which of those is…" asks for one paper: the best.
 */
export function papersToCite(question: string, ranked: RetrievedPaper[], models: Pick<RelevanceModels, 'paper'>, rule: CitationRule = CITATION_RULE): RetrievedPaper[] {
  const [best] = ranked;
  if (!best) return [];
  if (asksForOne(question)) return [best];
  const several = asksForSeveral(question);
  const floor = several ? models.paper.severalFloor : models.paper.floor;
  const share = several ? rule.severalConceptShare : rule.conceptShare;
  const coverageShare = several ? rule.severalCoverageShare : rule.coverageShare;
  const { sentenceCoverage: concept, coverage } = best.features;
  return ranked
    .slice(0, CITATION_CANDIDATES)
    .filter(
      (p, i) =>
        i === 0 ||
        (p.relevance >= floor && p.features.sentenceCoverage >= concept * share && p.features.coverage >= coverage * coverageShare && p.score >= best.score * rule.scoreShare),
    )
    .slice(0, MAX_CITED);
}

const ORDINALS: Record<string, number> = { first: 0, '1st': 0, second: 1, '2nd': 1, third: 2, '3rd': 2, fourth: 3, '4th': 3, fifth: 4, '5th': 4 };
const ORDINAL = /\bthe (first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last) (?:one|paper|article|result|link)\b/i;

/**
 * The paper a follow-up names by its place in the previous answer ("tell me more about the second
 * one", "does the last paper release code?"), from the papers that answer cited in its order.
 */
export function paperAtPlace<T>(question: string, cited: T[]): T | undefined {
  const place = ORDINAL.exec(question)?.[1]?.toLowerCase();
  if (place === undefined) return undefined;
  return place === 'last' ? cited.at(-1) : cited[ORDINALS[place]!];
}
