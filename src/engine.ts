import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { checkCitations } from './answer/citation-check.ts';
import type { Composer } from './answer/composer.ts';
import { createExtractiveComposer } from './answer/extractive-composer.ts';
import type { Condenser } from './llm/condense.ts';
import type { Logger } from './logger.ts';
import { createHybridRetriever, type RetrievedPaper, type Retriever } from './retrieve/hybrid-retriever.ts';
import { asksForSeveral } from './retrieve/asks-for-several.ts';
import { answersWhatCitedLack, papersCitedLast, pointsBack, retrievalQuery } from './retrieve/conversation.ts';
import { SHIPPED_MODELS, answerability, type RelevanceModels } from './retrieve/relevance.ts';
import type { PaperStore } from './store/lance-store.ts';
import { titleKey } from './text/normalize.ts';
import { isSmallTalk } from './text/chat-noise.ts';
import type { Answer, AskOptions, Engine, Paper, PaperRef, SearchHit } from './types.ts';

export interface EngineDeps {
  store: PaperStore;
  embedder: EmbeddingsInterface;
  composer?: Composer;
  /** Rewrites follow-ups into standalone questions before retrieval (LLM mode). */
  condense?: Condenser;
  retriever?: Retriever;
  /** The relevance models (default: as shipped; cross-validation passes each fold's own). */
  models?: RelevanceModels;
  /** Answerability below which the engine abstains (default: the models' calibrated floor). */
  relevanceFloor?: number;
  logger?: Logger;
  /** One budget for all model calls of a question (LLM_TIMEOUT_MS); none without a model. */
  modelBudgetMs?: number;
  /** The clock the budget is measured with; injectable for tests. */
  now?: () => number;
}

/** How many papers an answer considers before the composer picks what to cite. */
const ANSWER_CANDIDATES = 8;
/** Near misses shown as "maybe related" when abstaining. */
const RELATED_WHEN_ABSTAINING = 3;

/**
 * The facade adapters and the CLI use: ask, search, paper lookup, title autocomplete.
 * Knows nothing of Slack or Discord.
 */
export function createEngine({
  store,
  embedder,
  composer = createExtractiveComposer(),
  condense,
  models = SHIPPED_MODELS,
  retriever = createHybridRetriever({ store, embedder, models }),
  relevanceFloor = models.answerability.floor,
  logger,
  modelBudgetMs,
  now = Date.now,
}: EngineDeps): Engine {
  const toHit = (r: RetrievedPaper): SearchHit => ({
    paper: {
      id: r.paper.id,
      title: r.paper.title,
      url: r.paper.url,
      abstract: r.paper.abstract,
      authors: r.paper.authors,
      publishedAt: r.paper.publishedAt,
      upvotes: r.paper.upvotes,
    },
    score: r.score,
    relevance: r.relevance,
    evidence: r.evidence,
  });

  return {
    async ask(question, options: AskOptions = {}) {
      const started = performance.now();
      if (isSmallTalk(question)) {
        const answer = await capabilities();
        options.onPartial?.(answer.text);
        return { ...answer, timingsMs: { total: round(performance.now() - started) } };
      }
      // "Which of those…" is asked of the papers the previous answer cited, and always answered from them.
      const earlier = pointsBack(question) && options.history?.length ? papersCitedLast(options.history, await store.listTitles()) : [];
      let scope = earlier.length > 0 ? earlier.map((p) => p.id).filter((id) => !options.paperIds || options.paperIds.includes(id)) : options.paperIds;
      // The model budget starts with the first model step (retrieval is local and quick).
      let deadline: number | undefined;
      const budget = () => (deadline ??= modelBudgetMs === undefined ? undefined : now() + modelBudgetMs);
      const { query, standalone } = await searchQuery(question, options, budget);
      if (earlier.length > 0 && scope) scope = await withPaperMissedEarlier(question, query, scope, options.paperIds);
      const condensedMs = performance.now() - started;
      const retrieved = await retriever.retrieve(query, { k: ANSWER_CANDIDATES, paperIds: scope });
      const retrievedMs = performance.now() - started;
      const [best] = retrieved;
      // The best paper is always cited when answering; others only if relevant in their own right
      // (at a lower bar when the question asks for the papers on a topic).
      const citeFloor = asksForSeveral(standalone) ? models.paper.severalFloor : models.paper.floor;
      const relevant = retrieved.filter((r, i) => i === 0 || r.relevance >= citeFloor);
      let answer: Omit<Answer, 'timingsMs'>;
      if (!best || (earlier.length === 0 && answerability(retrieved, models.answerability) < relevanceFloor)) {
        answer = abstain(retrieved, options.paperIds !== undefined);
      } else {
        answer = await composer.compose(standalone, relevant, { ...options, deadline: budget(), asked: question });
        const problems = checkCitations(answer, await citedPapers(answer, relevant));
        if (problems.length > 0) {
          // The composer broke its contract: never show unverifiable citations.
          logger?.error({ problems }, 'answer failed the citation check; falling back to extractive');
          answer = { ...(await createExtractiveComposer().compose(question, relevant)), note: 'The generated answer could not be verified against its sources, so these are direct quotes.' };
        }
      }
      options.onPartial?.(answer.text);
      const total = performance.now() - started;
      const timingsMs = { retrieve: round(retrievedMs - condensedMs), compose: round(total - retrievedMs), total: round(total) };
      return { ...answer, timingsMs: condense ? { condense: round(condensedMs), ...timingsMs } : timingsMs };
    },

    async search(query, { k = 5, paperIds } = {}) {
      const retrieved = await retriever.retrieve(query, { k, paperIds });
      return retrieved.map(toHit);
    },

    async paper(idOrTitle) {
      const wanted = idOrTitle.trim();
      if (!wanted) return undefined;
      const id = wanted.replace(/^arxiv:/i, '').replace(/v\d+$/, '');
      const [byId] = await store.getPapers([id]);
      if (byId) return byId;
      const [best] = await suggest(wanted, 1);
      return best ? (await store.getPapers([best.id]))[0] : undefined;
    },

    suggestTitles: (typed, limit = 25) => suggest(typed, limit),
    countPapers: () => store.countPapers(),
    async close() {
      store.close();
    },
  };

  /**
   * What to retrieve with, and the question the composer answers. With a condenser, a follow-up
   * becomes a standalone question; without one (or if it fails) retrieval also sees the previous
   * question.
   */
  async function searchQuery(question: string, options: AskOptions, budget: () => number | undefined): Promise<{ query: string; standalone: string }> {
    const heuristic = { query: retrievalQuery(question, options.history), standalone: question };
    if (!condense || !options.history?.length) return heuristic;
    try {
      const standalone = await condense(question, options.history, { signal: options.signal, deadline: budget() });
      return standalone ? { query: standalone, standalone } : heuristic;
    } catch (err) {
      if (options.signal?.aborted) throw err;
      logger?.warn({ err }, 'could not condense the follow-up; retrieving with the previous question too');
      return heuristic;
    }
  }

  /** The cited papers, and the best paper for the conversation if it has what the follow-up asks and they lack. */
  async function withPaperMissedEarlier(question: string, query: string, cited: string[], allowed?: string[]): Promise<string[]> {
    const [best] = await retriever.retrieve(query, { k: 1, paperIds: allowed });
    if (!best || cited.includes(best.paper.id)) return cited;
    return answersWhatCitedLack(question, await store.getPapers(cited), best.paper) ? [...cited, best.paper.id] : cited;
  }

  /** The papers an answer cites, as stored: usually among those retrieved, but an agent may have found others. */
  async function citedPapers(answer: Pick<Answer, 'citations'>, retrieved: RetrievedPaper[]): Promise<Map<string, Paper>> {
    const papers = new Map(retrieved.map((r) => [r.paper.id, r.paper]));
    const missing = [...new Set(answer.citations.map((c) => c.paperId))].filter((id) => !papers.has(id));
    if (missing.length > 0) for (const p of await store.getPapers(missing)) papers.set(p.id, p);
    return papers;
  }

  /** What Paperboy does, with two questions it can answer from the papers it holds. */
  async function capabilities(): Promise<Omit<Answer, 'timingsMs'>> {
    const titles = await store.listTitles();
    const pick = (at: number) => titles[Math.floor(at * titles.length)]?.title;
    const examples = [pick(0), pick(0.5)].filter((t): t is string => t !== undefined);
    const lines = [
      `Hi! I answer questions about the ${titles.length} research papers I hold, quoting the papers and citing each source.`,
      ...(examples.length > 0 ? ['Try, for example:', ...examples.map((t, i) => (i === 0 ? `• What does "${t}" propose?` : `• Which papers are related to "${t}"?`))] : []),
    ];
    return { text: lines.join('\n'), citations: [], mode: 'extractive', abstained: false, related: [], capabilities: true };
  }

  /** Title matches: every typed word must prefix a title word; titles starting with the words rank first. */
  async function suggest(typed: string, limit: number): Promise<PaperRef[]> {
    const typedWords = titleKey(typed).split(' ').filter(Boolean);
    const titles = await store.listTitles();
    if (typedWords.length === 0) return titles.slice(0, limit).map(({ id, title, url }) => ({ id, title, url }));
    const scored: { ref: PaperRef; score: number }[] = [];
    for (const t of titles) {
      const key = titleKey(t.title);
      const titleWords = key.split(' ');
      if (!typedWords.every((w) => titleWords.some((tw) => tw.startsWith(w)))) continue;
      const score = (key.startsWith(typedWords.join(' ')) ? 2 : 0) + typedWords.filter((w) => titleWords.includes(w)).length / typedWords.length;
      scored.push({ ref: { id: t.id, title: t.title, url: t.url }, score });
    }
    return scored
      .sort((a, b) => b.score - a.score || a.ref.title.localeCompare(b.ref.title))
      .slice(0, limit)
      .map((s) => s.ref);
  }
}

/** `scoped`: the question was asked about given papers only (a digest's thread), so say so. */
function abstain(retrieved: RetrievedPaper[], scoped: boolean): Omit<Answer, 'timingsMs'> {
  const related = retrieved.slice(0, RELATED_WHEN_ABSTAINING).map((r) => ({ id: r.paper.id, title: r.paper.title, url: r.paper.url }));
  return {
    text: scoped
      ? 'I found no paper about that among this digest’s papers (I looked only at those). Ask me outside this thread to search all papers.'
      : 'I found no paper about that.',
    citations: [],
    mode: 'extractive',
    abstained: true,
    related,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
