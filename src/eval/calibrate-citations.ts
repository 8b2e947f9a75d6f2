import { CITATION_CANDIDATES, CITATION_RULE, papersToCite, type CitationRule } from '../answer/cite-choice.ts';
import { asksForSeveral } from '../retrieve/asks-for-several.ts';
import type { RetrievedPaper, Retriever } from '../retrieve/hybrid-retriever.ts';
import { relevanceOf, type RelevanceModels } from '../retrieve/relevance.ts';
import type { EvalQuestion } from './question-set.ts';

/**
 * Concept shares tried. Below 0.3 a paper's best sentence holds less than a third of what the best
 * paper's holds, i.e. one shared word of a longer question ("instead"): never evidence enough.
 */
const SHARES = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
/** Shares of the best paper's whole-question coverage tried (0: not asked for). */
const COVERAGE_SHARES = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const SCORE_SHARES = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];

/**
 * Fits the citation rule of cite-choice.ts on answerable training questions: for each score share,
 * the concept and coverage shares that give the best per-question F1 of cited against relevant papers (summed),
 * separately for questions that ask for the papers on a topic and for the rest (a single-answer
 * question is hurt by every extra citation, a list question by every missing one). Relevance is
 * scored by `paper`, the paper model fitted on the same training questions, as the engine will.
 */
export async function calibrateCitations(questions: EvalQuestion[], retriever: Retriever, paper: RelevanceModels['paper']): Promise<CitationRule> {
  const asked: { question: string; several: boolean; ranked: RetrievedPaper[]; gold: Set<string> }[] = [];
  // Follow-ups mean nothing without their conversation; unanswerable questions cite nothing.
  for (const q of questions.filter((x) => x.after === undefined && x.kind !== 'none')) {
    const hits = await retriever.retrieve(q.question, { k: CITATION_CANDIDATES });
    asked.push({ question: q.question, several: asksForSeveral(q.question), ranked: hits.map((h) => ({ ...h, relevance: relevanceOf(h.features, paper) })), gold: new Set(q.relevant) });
  }
  const summedF1 = (several: boolean, rule: CitationRule) =>
    asked.filter((a) => a.several === several).reduce((sum, a) => sum + f1(papersToCite(a.question, a.ranked, { paper }, rule).map((p) => p.paper.title), a.gold), 0);
  let best = { rule: CITATION_RULE, f1: -1 };
  for (const scoreShare of SCORE_SHARES) {
    const bestShares = (several: boolean) => {
      let found = { share: 0.5, coverage: 0, value: -1 };
      for (const share of SHARES) {
        for (const coverage of COVERAGE_SHARES) {
          const value = summedF1(several, { conceptShare: share, severalConceptShare: share, coverageShare: coverage, severalCoverageShare: coverage, scoreShare });
          if (value > found.value) found = { share, coverage, value };
        }
      }
      return found;
    };
    const other = bestShares(false);
    const several = bestShares(true);
    const total = other.value + several.value;
    if (total > best.f1) {
      const rule = { conceptShare: other.share, severalConceptShare: several.share, coverageShare: other.coverage, severalCoverageShare: several.coverage, scoreShare };
      best = { rule, f1: total };
    }
  }
  return best.rule;
}

function f1(cited: string[], gold: Set<string>): number {
  const hits = new Set(cited.filter((t) => gold.has(t))).size;
  return hits === 0 ? 0 : (2 * hits) / (new Set(cited).size + gold.size);
}
