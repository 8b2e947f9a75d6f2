import { idf, type TermStats } from '../store/term-stats.ts';
import { stripChatNoise } from '../text/chat-noise.ts';
import { contentTerms } from '../text/tokenize.ts';
import { analyzeQuery, termsMet, type QueryTerms } from './query-terms.ts';

/**
 * Where a question joins one concept to another: "graph neural networks | for | traffic
 * prediction", "backdoor attacks | on | code language models". ("of" is left inside a concept:
 * "mixture of experts".)
 */
const JOINS = /\b(?:for|in|on|with|to|from|by|using|via|into|onto|about|at|against|without|under|through|across)\b|[,;:?!()]/i;

/**
 * A topic joined to at most two others ("X for Y in Z") is met only if each part is; a longer
 * question is a description whose parts are paraphrase, none decisive alone.
 */
const MAX_PARTS = 3;

/**
 * Share of the question's idf mass below which a part is no concept of its own but phrasing:
 * "what is new | on | learned sparse retrieval" is asked of its second part only.
 */
const LIGHT_PART = 0.25;

/** Relative weight of a word no paper has, as in the retriever's idf mass of a question. */
const UNKNOWN_WEIGHT = 0.5;

const NO_ABBREVIATIONS = { longForms: new Map<string, string[][]>(), acronyms: new Map<string, string>() };

/**
 * How well a paper meets a question's weakest part: a near-miss topic shares its first part with
 * some paper ("graph neural networks") and misses what it joins it to ("traffic prediction"),
 * so the share of the question's idf mass met is high although the question is not answered.
 * Returns the smallest share of a part's idf mass that the paper's title and abstract meet (in
 * the question's words, a typo's correction, or a synonym of the query analysis); 1 for a
 * question of more than MAX_PARTS parts.
 */
export function weakestPartMet(question: string, paper: { title: string; abstract: string }, stats: TermStats): number {
  const text = stripChatNoise(question);
  // The corpus's own abbreviations are the retriever's: a part named by one counts as unmet only if the paper lacks it in the question's form.
  const analysis = analyzeQuery(text, stats, NO_ABBREVIATIONS);
  const all = partsOf(text, analysis, stats);
  if (all.length > MAX_PARTS) return 1;
  const parts = conceptParts(all);
  const met = new Set(termsMet(analysis, new Set(contentTerms(`${paper.title}. ${paper.abstract}`))));
  return Math.min(1, ...parts.map((part) => part.reduce((a, p) => a + (met.has(p.term) ? p.weight : 0), 0) / part.reduce((a, p) => a + p.weight, 0)));
}

type WeightedTerm = { term: string; weight: number };

/** The question's parts as weighted terms (corrected where the analysis corrected them); parts with no weight are left out. */
function partsOf(text: string, analysis: QueryTerms, stats: TermStats): WeightedTerm[][] {
  const correction = new Map(analysis.corrected);
  const maxIdf = Math.log(1 + stats.docs + 0.5);
  const weightOf = (term: string): number => {
    const core = analysis.core.get(term);
    if (core !== undefined) return core * idf(stats, term);
    return analysis.unknown.includes(term) ? UNKNOWN_WEIGHT * maxIdf : 0;
  };
  return text
    .split(JOINS)
    .map((piece) => [...new Set(contentTerms(piece).map((t) => correction.get(t) ?? t))].map((term) => ({ term, weight: weightOf(term) })))
    .filter((part) => part.reduce((a, p) => a + p.weight, 0) > 0);
}

/** The parts that carry at least LIGHT_PART of the question's weight. */
function conceptParts(parts: WeightedTerm[][]): WeightedTerm[][] {
  const weight = (part: WeightedTerm[]) => part.reduce((a, p) => a + p.weight, 0);
  const total = parts.reduce((a, part) => a + weight(part), 0);
  return parts.filter((part) => weight(part) >= LIGHT_PART * total);
}
