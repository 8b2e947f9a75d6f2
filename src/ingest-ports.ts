/**
 * What the core asks of ingest/. `src/` may not import ingest/ (lint enforces it), so the
 * composition root (src/app.ts) passes ingest's own functions in; these types are just wide enough
 * for the callers, and tsc checks there that the real functions fit.
 */
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { SourceSpec } from './source-spec.ts';
import type { PaperStore } from './store/lance-store.ts';
import type { PaperInput } from './types.ts';

/** Stores papers the way `npm run ingest` does (ingest/pipeline.ts `ingestPapers`). */
export type IngestPapers = (
  papers: PaperInput[],
  options: { store: PaperStore; embedder: EmbeddingsInterface; batchSize?: number; now?: () => Date },
) => Promise<{ added: number }>;

/** Reads a papers file, any supported format (ingest/sources/read-paper-file.ts `readPaperFile`). */
export type ReadPaperFile = (file: string) => Promise<PaperInput[]>;

/**
 * Fetches what a remote source spec names from the configured endpoints (ingest/sources/source-spec.ts
 * `fetchSourceSpec`); failures are SourceErrors, already logged once.
 */
export type FetchSource = (spec: SourceSpec, options: { since?: Date; signal?: AbortSignal }) => Promise<PaperInput[]>;
