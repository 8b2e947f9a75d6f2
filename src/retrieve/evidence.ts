import type { TermStats } from '../store/term-stats.ts';
import { idf } from '../store/term-stats.ts';
import { splitSentences } from '../text/sentences.ts';
import { stripChatNoise } from '../text/chat-noise.ts';
import { contentTerms } from '../text/tokenize.ts';

/**
 * Cue phrases of extractive summarisation (after Edmundson): sentences that state a contribution
 * or a result carry the facts people ask about; sentences that set the scene rarely do.
 */
const CONTRIBUTION = /\b(?:we|this (?:paper|work|study)|our (?:work|method|model|approach|framework|results?|experiments?))\s+(?:\w+\s+){0,2}(?:propose|introduce|present|develop|design|show|find|demonstrate|achieve|release|build|report)/i;
const RESULT = /\d+(?:\.\d+)?\s*(?:%|x\b|×|times\b|points?\b|fold\b)|\b(?:outperform|surpass|improv|speed-?up|faster|state-of-the-art|achiev)/i;
const BACKGROUND = /^(?:traditionally|recently|in recent years|existing|previous|prior|despite|although|while|over the past|with the (?:rise|advent|success))\b/i;
/** Questions asking for an amount want a sentence with the number in it. */
const QUANTITY_QUESTION = /\b(?:how (?:much|many|fast|big|large|well)|faster|speed|gain|improvement|by how|what (?:accuracy|score|size))\b/i;

/**
 * A sentence as scoring reads it: its terms, and its cue phrases looked up once, when first asked
 * for. The retriever keeps these with a paper's analysis, so a question pays only for the scoring.
 */
export class CuedSentence {
  #contribution?: boolean;
  #result?: boolean;
  #background?: boolean;
  constructor(
    readonly text: string,
    readonly terms: ReadonlySet<string>,
  ) {}
  get contribution() {
    return (this.#contribution ??= CONTRIBUTION.test(this.text));
  }
  get result() {
    return (this.#result ??= RESULT.test(this.text));
  }
  get background() {
    return (this.#background ??= BACKGROUND.test(this.text));
  }
}

/** An abstract's sentences, in order. */
export function cuedSentences(abstract: string): CuedSentence[] {
  return splitSentences(abstract).map((s) => new CuedSentence(s, new Set(contentTerms(s))));
}

export interface SentenceScorer {
  (sentence: CuedSentence): number;
}

/** Weight of a word no paper contains in the idf mass a question asks for. */
const UNKNOWN_WEIGHT = 0.5;

/**
 * The idf mass a question asks for: its known terms' idf, and each word no paper has at half the
 * mean idf of those. Such a word may be a typo, chat ("rabbit hole") or a topic the store lacks;
 * at the idf of a word no paper has it would outweigh every word the papers know, and alone turn
 * an answered question into a refusal.
 */
export function askedIdf(core: Iterable<string>, unknown: readonly string[], stats: TermStats): number {
  const known = [...core].map((t) => idf(stats, t));
  const knownMass = known.reduce((a, x) => a + x, 0);
  const perUnknown = known.length > 0 ? knownMass / known.length : idf(stats, '');
  return knownMass + UNKNOWN_WEIGHT * perUnknown * unknown.length;
}

/** Scores sentences for a question: share of its idf mass they contain, nudged by cue phrases when they hold some of it. */
export function sentenceScorer(question: string, queryTerms: Map<string, number>, stats: TermStats): SentenceScorer {
  const total = [...queryTerms.keys()].reduce((a, t) => a + idf(stats, t), 0) || 1;
  const wantsQuantity = QUANTITY_QUESTION.test(question);
  return (sentence) => {
    let mass = 0;
    for (const t of queryTerms.keys()) if (sentence.terms.has(t)) mass += idf(stats, t);
    let score = mass / total;
    // Cue phrases rank sentences that speak to the question, never one that shares none of its words.
    if (mass > 0 && sentence.contribution) score += 0.15;
    if (mass > 0 && sentence.result) score += wantsQuantity ? 0.3 : 0.1;
    if (sentence.background) score -= 0.15;
    return score;
  };
}

/** A paper's abstract sentences, best first, verbatim (earlier sentences win ties). */
export function rankSentences(sentences: readonly CuedSentence[], score: SentenceScorer): string[] {
  return sentences
    .map((s, i) => ({ s: s.text, score: score(s) - i * 0.001 }))
    .sort((a, b) => b.score - a.score)
    .map((x) => x.s);
}

/**
 * A paper's evidence re-ordered for a follow-up ("does it release code?"): it was ranked for the
 * whole conversation, so the sentences holding more of the follow-up's own words come first (the
 * one saying where the code is, not the one naming the paper), the given order otherwise.
 */
export function ownWordsFirst(evidence: string[], question: string): string[] {
  const asked = new Set(contentTerms(stripChatNoise(question)));
  if (asked.size === 0) return evidence;
  const held = (s: string) => new Set(contentTerms(s).filter((t) => asked.has(t))).size;
  return evidence
    .map((s, i) => ({ s, i, n: held(s) }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .map((x) => x.s);
}
