import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { abbreviationsFrom, storedAbbreviations, type Abbreviations } from '../store/abbreviations.ts';
import type { ChunkMatch, PaperStore } from '../store/lance-store.ts';
import { idf, type TermStats } from '../store/term-stats.ts';
import { stripChatNoise } from '../text/chat-noise.ts';
import { splitSentences } from '../text/sentences.ts';
import { contentTerms } from '../text/tokenize.ts';
import type { Paper } from '../types.ts';
import { askedIdf, CuedSentence, rankSentences, sentenceScorer } from './evidence.ts';
import { bm25Tf } from './bm25.ts';
import { createSearchSource } from './in-memory-index.ts';
import { createPaperMemo } from './paper-memo.ts';
import { analyzeQuery, termsMet, type QueryTerms } from './query-terms.ts';
import { termFocus } from './term-focus.ts';
import { relevanceOf, SHIPPED_MODELS, type RelevanceFeatures, type RelevanceModels } from './relevance.ts';

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

/** How many candidates the full-text and the vector search each contribute to ranking. */
const CANDIDATES_PER_LIST = 40;
/** Papers the full-text search proposes, of which the best CANDIDATES_PER_LIST by our own BM25 are kept. */
const TEXT_POOL = 120;
/** The best papers by plain BM25 on which term focus judges how the question's words belong together. */
const FOCUS_PAPERS = 30;
/** Weight of the dense (embedding) signal against lexical BM25 in the fused score. */
const DENSE_WEIGHT = 0.25;
/** Pseudo-relevance feedback: terms taken from the best few papers, and their total weight. */
const FEEDBACK_DOCS = 3;
const FEEDBACK_TERMS = 10;
const FEEDBACK_WEIGHT = 0.6;
/** How many rare words' worth of a question two sentences must hold to count as fully met. */
const PAIR_EVIDENCE_ENOUGH = 2;

/**
 * Hybrid retrieval: LanceDB full-text search over papers and LanceDB vector search over chunks
 * propose candidates; each candidate paper is then scored by BM25 over its title (counted twice)
 * and abstract with corpus statistics, its question words weighed by how they belong to the
 * question's topic (term-focus.ts), fused with its best chunk's cosine similarity. The question is
 * first cleaned of chat noise, its unknown words corrected against the index and its
 * abbreviations expanded (query-terms.ts); terms shared by the best first-pass papers then widen
 * the BM25 query (pseudo-relevance feedback), which lifts topical neighbours that phrase the topic
 * differently. Relevance features use only the question's own terms.
 */
export function createHybridRetriever({
  store,
  embedder,
  denseWeight = DENSE_WEIGHT,
  feedbackWeight = FEEDBACK_WEIGHT,
  models = SHIPPED_MODELS,
  inMemoryMaxChunks,
}: {
  store: PaperStore;
  embedder: EmbeddingsInterface;
  denseWeight?: number;
  feedbackWeight?: number;
  models?: RelevanceModels;
  /** Stores up to this many chunks are searched in memory (default IN_MEMORY_MAX_CHUNKS; 0: always LanceDB). */
  inMemoryMaxChunks?: number;
}): Retriever {
  const abbreviationsOf = corpusAbbreviations(store);
  const searchOf = createSearchSource(store, { maxChunks: inMemoryMaxChunks });
  const analysed = createPaperMemo(analysePaper);
  return {
    async retrieve(query, { k = 10, paperIds } = {}) {
      const cleaned = stripChatNoise(query);
      const [stats, search] = await Promise.all([store.termStats(), searchOf()]);
      const abbreviations = await abbreviationsOf(stats);
      const analysis = analyzeQuery(cleaned, stats, abbreviations);
      if (analysis.core.size === 0) return [];
      // LanceDB's own analyser stems again (another stemmer: "news" stays "news", ours makes it "new"):
      // our stems are added as words too, so it proposes every paper our scoring can match.
      const ftsQuery = [cleaned.replace(/[^\p{L}\p{N}\s-]/gu, ' '), ...analysis.core.keys(), ...analysis.expansions.keys(), ...analysis.surfaceWords].join(' ');
      const queryVector = await embedder.embedQuery(cleaned);
      const [byText, byVector] = await Promise.all([
        search.searchPapersText(ftsQuery, TEXT_POOL, paperIds).then((hits) => hits.map((h) => h.paper)),
        search.searchChunksVector(queryVector, CANDIDATES_PER_LIST, paperIds),
      ]);
      const dense = bestSimilarityByPaper(byVector);
      const textIds = new Set(byText.map((p) => p.id));
      const vectorIds = new Set(byVector.map((c) => c.paperId));
      const byVectorOnly = await search.getPapers([...vectorIds].filter((id) => !textIds.has(id)));
      const core = analysis.core;
      const searchWeights = new Map([...core, ...analysis.expansions]);
      /** A paper as ranking reads it, with its BM25 for the question's terms, each weighed by `focus` (default 1). */
      const scored = (paper: Paper, focus?: Map<string, number>) => {
        const read = analysed(paper);
        // An expansion counts only for a paper that lacks what it stands for: a synonym, not extra evidence.
        const weights = new Map(
          [...searchWeights].filter(([t]) => core.has(t) || !(analysis.expansionOf.get(t) ?? []).every((x) => read.counts.has(x))).map(([t, w]) => [t, w * (focus?.get(t) ?? 1)]),
        );
        return { paper, ...read, bm25: bm25OfCounts(weights, read.counts, read.docTerms.length, stats) };
      };
      // The in-memory index and LanceDB tokenise differently, so the tails of what their full-text
      // searches propose differ; the best of those by our own BM25 are the same on both paths, and
      // only they (with the vector hits, the same on both) are ranked. A paper none of our terms
      // match (LanceDB matched a word we treat as a stopword) is left out unless the vector search found it.
      const pool = [...byText, ...byVectorOnly].map((p) => scored(p)).sort((a, b) => b.bm25 - a.bm25 || (a.paper.id < b.paper.id ? -1 : 1));
      const lexicalBest = pool.slice(0, CANDIDATES_PER_LIST).filter((c) => c.bm25 > 0);
      // Each question word weighs as much as it belongs to the question's topic (chat filler does not),
      // judged on the best papers by the plain score, which both paths hold.
      const focus = termFocus(core, lexicalBest.slice(0, FOCUS_PAPERS).map((c) => c.counts), (t) => idf(stats, t));
      const kept = pool.filter((c, i) => (i < CANDIDATES_PER_LIST && c.bm25 > 0) || vectorIds.has(c.paper.id)).map((c) => scored(c.paper, focus));
      if (kept.length === 0) return [];

      const scoreSentence = sentenceScorer(cleaned, searchWeights, stats);
      // Words no paper has still count in what the question asks for (evidence.ts: askedIdf).
      // Evidence enough to answer: the whole question, or two rare words' worth of it met together.
      const enough = PAIR_EVIDENCE_ENOUGH * Math.log(1 + stats.docs + 0.5);
      // A corrected word is asked for whole but met only at its guess's weight: a guess alone is never full evidence.
      const totalIdf = askedIdf(core.keys(), analysis.unknown, stats);
      /** Each question term's weighted idf, the mass it adds where it is met. */
      const termMass = new Map([...core].map(([t, w]) => [t, w * idf(stats, t)]));
      const candidates = kept.map(({ paper, docTerms, counts: present, sentences, abstract, bm25 }) => {
        const matched = termsMet(analysis, present);
        const matchedIdf = matched.reduce((a, t) => a + core.get(t)! * idf(stats, t), 0);
        const best = bestSentence(sentences, analysis, termMass);
        const features: RelevanceFeatures = {
          bm25PerQueryIdf: totalIdf > 0 ? bm25OfCounts(core, present, docTerms.length, stats) / totalIdf : 0,
          coverage: totalIdf > 0 ? matchedIdf / totalIdf : 0,
          sentenceCoverage: totalIdf > 0 ? best.idf / totalIdf : 0,
          specificMatch: Math.max(0, ...matched.map((t) => idf(stats, t))) / Math.log(1 + stats.docs + 0.5),
          sentenceTerms: Math.min(3, best.terms) / Math.min(3, core.size),
          sentenceEvidence: Math.min(3, best.idf / Math.log(1 + stats.docs + 0.5)),
          pairEvidence: totalIdf > 0 ? Math.min(best.pairIdf, enough) / Math.min(totalIdf, enough) : 0,
          knownTermShare: core.size / (core.size + analysis.unknown.length),
          relativeScore: 1, // set once the fused scores are known
          similarity: dense.get(paper.id),
        };
        return { paper, docTerms, counts: present, abstract, bm25, features };
      });
      const fuse = (lexical: (c: (typeof candidates)[number]) => number) => {
        const maxLexical = Math.max(1e-9, ...candidates.map(lexical));
        const maxSim = Math.max(1e-9, ...candidates.map((c) => c.features.similarity));
        return (c: (typeof candidates)[number]) => (1 - denseWeight) * (lexical(c) / maxLexical) + denseWeight * (c.features.similarity / maxSim);
      };
      const firstPass = fuse((c) => c.bm25);
      let ranked = candidates.map((c) => ({ c, score: firstPass(c) })).sort((a, b) => b.score - a.score);
      const feedback = feedbackTerms(ranked.slice(0, FEEDBACK_DOCS).map((r) => r.c), searchWeights, stats);
      if (feedbackWeight > 0 && feedback.size > 0) {
        const withFeedback = fuse((c) => c.bm25 + feedbackWeight * bm25OfCounts(feedback, c.counts, c.docTerms.length, stats));
        ranked = candidates.map((c) => ({ c, score: withFeedback(c) })).sort((a, b) => b.score - a.score);
      }
      const top = Math.max(1e-9, ranked[0]?.score ?? 0);
      return ranked.slice(0, k).map(({ c, score }) => {
        const features = { ...c.features, relativeScore: score / top };
        return { paper: c.paper, score, relevance: relevanceOf(features, models.paper), features, evidence: rankSentences(c.abstract, scoreSentence) };
      });
    },
  };
}

/** What re-scoring and evidence read of a paper, tokenised once per paper (not per question): see paper-memo.ts. */
function analysePaper(paper: Paper): { docTerms: string[]; counts: Map<string, number>; sentences: Set<string>[]; abstract: CuedSentence[] } {
  // Each sentence is tokenised once (words never span the spaces that join them): the document's
  // terms are the title's twice and those of the sentences that are not about availability, so
  // "source code" matches papers about code.
  const title = contentTerms(paper.title);
  const sentences = splitSentences(paper.abstract).map((s) => ({ text: s, terms: contentTerms(s), topical: !AVAILABILITY.test(s) }));
  const docTerms = [...title, ...title, ...sentences.flatMap((s) => (s.topical ? s.terms : []))];
  const sets = [title, ...sentences.map((s) => s.terms)].map((terms) => new Set(terms));
  return { docTerms, counts: countTerms(docTerms), sentences: sets, abstract: sentences.map((s, i) => new CuedSentence(s.text, sets[i + 1]!)) };
}

/** "Code is available at https://…": says where to download, not what a paper is about. */
const AVAILABILITY = /https?:\/\/|\b(?:code|models?|data(?:sets?)?|weights|checkpoints|toolkit)\b[^.]{0,80}\b(?:(?:is|are|will be|been) (?:publicly |freely )?(?:available|released)|open-?sourced?)\b/i;

/**
 * The abbreviations ingest mined from the corpus (src/store/abbreviations.ts), read again whenever
 * the store hands out new term statistics (it rereads those when its meta table moved).
 */
function corpusAbbreviations(store: PaperStore): (stats: TermStats) => Promise<Abbreviations> {
  let cached: { stats: TermStats; abbreviations: Promise<Abbreviations> } | undefined;
  return (stats) => {
    if (cached?.stats !== stats) {
      // A store ingested before they were stored has none until its next ingest or engine start mines them.
      const abbreviations = storedAbbreviations(store).then((stored) => abbreviationsFrom(stored?.definitions ?? []));
      cached = { stats, abbreviations };
      abbreviations.catch(() => cached?.abbreviations === abbreviations && (cached = undefined));
    }
    return cached.abbreviations;
  };
}

/**
 * Terms the best first-pass papers share (RM3-style): summed idf-weighted frequency, kept only
 * when at least two of those papers use the term, normalised to total weight 1.
 */
function feedbackTerms(topDocs: { docTerms: string[]; counts: Map<string, number> }[], query: Map<string, number>, stats: TermStats): Map<string, number> {
  const weight = new Map<string, number>();
  const docsWith = new Map<string, number>();
  for (const { docTerms, counts } of topDocs) {
    for (const [t, f] of counts) {
      if (query.has(t) || (stats.df.get(t) ?? 0) < 2) continue;
      weight.set(t, (weight.get(t) ?? 0) + (f / docTerms.length) * idf(stats, t));
      docsWith.set(t, (docsWith.get(t) ?? 0) + 1);
    }
  }
  const picked = [...weight].filter(([t]) => (docsWith.get(t) ?? 0) >= Math.min(2, topDocs.length)).sort((a, b) => b[1] - a[1]).slice(0, FEEDBACK_TERMS);
  const total = picked.reduce((a, [, w]) => a + w, 0);
  return new Map(picked.map(([t, w]) => [t, w / total]));
}

/**
 * Best chunk similarity per paper from the vector search. A candidate the vector search did not
 * return scores at most as high as its last hit, so that bound stands in for it (no extra query).
 */
function bestSimilarityByPaper(hits: ChunkMatch[]): { get(id: string): number } {
  const best = new Map<string, number>();
  for (const h of hits) best.set(h.paperId, Math.max(best.get(h.paperId) ?? -1, h.similarity));
  const bound = hits.length > 0 ? Math.min(...hits.map((h) => h.similarity)) : 0;
  return { get: (id) => best.get(id) ?? bound };
}

export function bm25Score(query: Map<string, number>, docTerms: string[], stats: TermStats): number {
  return bm25OfCounts(query, countTerms(docTerms), docTerms.length, stats);
}

/** BM25 of a document given as term counts and its length in terms. */
function bm25OfCounts(query: Map<string, number>, tf: Map<string, number>, length: number, stats: TermStats): number {
  const avgLength = stats.docs > 0 ? stats.totalLength / stats.docs : length || 1;
  let score = 0;
  for (const [t, w] of query) {
    const f = tf.get(t);
    if (!f) continue;
    score += w * idf(stats, t) * bm25Tf(f, length, avgLength);
  }
  return score;
}

function countTerms(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/**
 * The sentence (or the title) holding the largest idf mass of query terms together: a proximity
 * signal. `pairIdf` is the same for the best two sentences together, which an answer can quote
 * side by side: a question may be answered by two neighbouring statements, never by scattered words.
 */
function bestSentence(sentences: Set<string>[], analysis: QueryTerms, termMass: Map<string, number>): { idf: number; terms: number; pairIdf: number } {
  let best = { idf: 0, terms: 0 };
  // Lists, not sets: termsMet names each question term once, and a question has few.
  const matchedLists: string[][] = [];
  for (const present of sentences) {
    const matched = termsMet(analysis, present);
    let mass = 0;
    for (const t of matched) mass += termMass.get(t)!;
    if (matched.length > 0) matchedLists.push(matched);
    if (mass > best.idf) best = { idf: mass, terms: matched.length };
  }
  let pairIdf = best.idf;
  for (let i = 0; i < matchedLists.length; i++) {
    const first = matchedLists[i]!;
    let firstMass = 0;
    for (const t of first) firstMass += termMass.get(t)!;
    // The union's mass in the union's order (the first's terms, then the second's others), with no set built per pair.
    for (let j = i + 1; j < matchedLists.length; j++) {
      let mass = firstMass;
      for (const t of matchedLists[j]!) if (!first.includes(t)) mass += termMass.get(t)!;
      pairIdf = Math.max(pairIdf, mass);
    }
  }
  return { ...best, pairIdf };
}
