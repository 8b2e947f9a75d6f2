/**
 * "summarise https://arxiv.org/abs/2501.12345": a question that names arXiv papers is answered from
 * those papers, fetching and ingesting the ones the store does not have yet.
 */
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { IngestPapers } from '../ingest-ports.ts';
import type { Logger } from '../logger.ts';
import { paperIdFor } from '../paper-id.ts';
import type { PaperStore } from '../store/lance-store.ts';
import type { Answer, Engine, PaperInput } from '../types.ts';
import { arxivIdsIn, withoutPaperLinks } from './paper-links.ts';

export interface LinkedPaperDeps {
  store: PaperStore;
  embedder: EmbeddingsInterface;
  /** Fetches papers by arXiv id (the arXiv API); throws when arXiv cannot be reached. */
  fetchPapers(ids: string[]): Promise<PaperInput[]>;
  ingestPapers: IngestPapers;
  logger?: Logger;
}

/** At most this many named papers are fetched for one question. */
const MAX_LINKED = 5;

/**
 * The engine, with `ask` first making sure the papers a question names are in the store, then
 * answering from those papers only.
 *
 * @example const engine = withLinkedPapers(opened.engine, { store, embedder, fetchPapers: (ids) => fetchArxiv({ baseUrl, http, ids }), ingestPapers });
 */
export function withLinkedPapers(engine: Engine, { store, embedder, fetchPapers, ingestPapers, logger }: LinkedPaperDeps): Engine {
  return {
    ...engine,
    async ask(question, options = {}) {
      const ids = arxivIdsIn(question).slice(0, MAX_LINKED);
      // A digest thread already says which papers to answer from.
      if (ids.length === 0 || options.paperIds) return engine.ask(question, options);
      const missing = await missingFrom(store, ids);
      if (missing.length > 0) {
        let fetched: PaperInput[];
        try {
          fetched = (await fetchPapers(missing)).filter((p) => missing.includes(paperIdFor(p)));
        } catch (err) {
          logger?.warn({ err, ids: missing }, 'could not fetch the papers a question names');
          return notice(`I could not reach arXiv to fetch ${missing.join(', ')}. Try again in a while, or ask without the link.`);
        }
        if (fetched.length > 0) await ingestPapers(fetched, { store, embedder });
      }
      const papers = await store.getPapers(ids);
      if (papers.length === 0) return notice(`arXiv has no paper ${ids.join(', ')}.`);
      // What is left of the question ("summarise") rarely names the paper; its title does.
      const query = [withoutPaperLinks(question), ...papers.map((p) => p.title)].filter(Boolean).join(' ');
      return engine.ask(query, { ...options, paperIds: papers.map((p) => p.id) });
    },
  };
}

async function missingFrom(store: PaperStore, ids: string[]): Promise<string[]> {
  const stored = new Set((await store.getPapers(ids)).map((p) => p.id));
  return ids.filter((id) => !stored.has(id));
}

function notice(text: string): Answer {
  return { text, citations: [], mode: 'extractive', abstained: true, related: [], timingsMs: {} };
}
