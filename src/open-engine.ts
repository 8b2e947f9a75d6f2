import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { ingestPapers, reconcileTermStats, type IngestProgress } from '../ingest/pipeline.ts';
import type { Config } from './config.ts';
import { createEmbedder } from './embeddings/create-embedder.ts';
import { createEngine } from './engine.ts';
import type { Logger } from './logger.ts';
import { openStore, type PaperStore } from './store/lance-store.ts';
import type { Engine } from './types.ts';

export interface OpenedEngine {
  engine: Engine;
  store: PaperStore;
  embedder: EmbeddingsInterface;
}

/**
 * Builds the engine from config. An empty store is first filled from the bundled corpus, so the
 * first question on a fresh clone needs no separate ingest step.
 */
export async function openEngine(
  config: Pick<Config, 'store' | 'embeddings' | 'corpusPath' | 'relevanceFloor'>,
  { logger, progress, seed = true }: { logger?: Logger; progress?: IngestProgress; seed?: boolean } = {},
): Promise<OpenedEngine> {
  const { embedder, identity } = await createEmbedder(config.embeddings);
  const store = await openStore({ ...config.store, embedder: identity });
  if (seed && (await store.countPapers()) === 0) {
    logger?.info({ corpus: config.corpusPath }, 'empty store: ingesting the bundled corpus');
    await ingestPapers(await readPaperFile(config.corpusPath), { store, embedder, progress });
  } else {
    await reconcileTermStats(store);
  }
  const engine = createEngine({ store, embedder, relevanceFloor: config.relevanceFloor, logger });
  return { engine, store, embedder };
}
