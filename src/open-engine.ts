import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { completeInterruptedRuns, ingestPapers, type IngestProgress } from '../ingest/pipeline.ts';
import type { Config } from './config.ts';
import { createEmbedder } from './embeddings/create-embedder.ts';
import { createEngine } from './engine.ts';
import { createLlm } from './llm/create-llm.ts';
import { createHybridRetriever } from './retrieve/hybrid-retriever.ts';
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
  config: Pick<Config, 'store' | 'embeddings' | 'corpusPath' | 'relevanceFloor' | 'llm'>,
  {
    logger,
    progress,
    seed = true,
    promptsDir,
    comparisonAgent = config.llm?.comparisonAgent ?? false,
  }: {
    logger?: Logger;
    progress?: IngestProgress;
    seed?: boolean;
    /** Where the prompt files live (default `prompts`). */
    promptsDir?: string;
    /** Let comparison questions search and look papers up through a bounded LangChain agent (LLM mode only). */
    comparisonAgent?: boolean;
  } = {},
): Promise<OpenedEngine> {
  const { embedder, identity } = await createEmbedder(config.embeddings);
  const store = await openStore({ ...config.store, embedder: identity });
  if (seed && (await store.countPapers()) === 0) {
    logger?.info({ corpus: config.corpusPath }, 'empty store: ingesting the bundled corpus');
    await ingestPapers(await readPaperFile(config.corpusPath), { store, embedder, progress });
  } else {
    await completeInterruptedRuns(store, embedder);
  }
  const retriever = createHybridRetriever({ store, embedder });
  // The agent's tools are our own search and lookup; `engine` is defined by the time a tool runs.
  const tools = { search: (query: string, paperIds?: string[]) => retriever.retrieve(query, { k: 4, paperIds }), lookup: (idOrTitle: string) => engine.paper(idOrTitle) };
  // With a chat model configured, answers are written by it; without one everything stays offline.
  const llm = config.llm ? await createLlm(config.llm, { logger, promptsDir, comparisonAgent: comparisonAgent ? tools : undefined }) : undefined;
  const engine = createEngine({
    store,
    embedder,
    retriever,
    relevanceFloor: config.relevanceFloor,
    logger,
    composer: llm?.composer,
    condense: llm?.condense,
    modelBudgetMs: config.llm?.timeoutMs,
  });
  return { engine, store, embedder };
}
