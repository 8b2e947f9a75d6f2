import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { ModelError } from '../src/errors.ts';
import { openRebuild, type EmbedderIdentity, type StoreOptions } from '../src/store/lance-store.ts';
import { ingestPapers, type IngestProgress } from './pipeline.ts';

/**
 * `ingest --rebuild`: checks the embedder answers with the configured dimensions, re-embeds every
 * stored paper from the store's own text into a new table generation, and only then makes it
 * live. A failure or crash before the swap leaves the old store serving as it was.
 */
export async function rebuildStore(
  options: Omit<StoreOptions, 'embedder'>,
  { embedder, identity, progress }: { embedder: EmbeddingsInterface; identity: EmbedderIdentity; progress?: IngestProgress },
): Promise<{ papers: number }> {
  const probe = await embedder.embedQuery('rebuild probe').catch((e: unknown) => {
    throw new ModelError(`The embedder "${identity.name}" did not answer, so nothing was rebuilt: ${(e as Error).message}`, { cause: e });
  });
  if (probe.length !== identity.dimensions) {
    throw new ModelError(`The embedder "${identity.name}" returned ${probe.length} dimensions, not ${identity.dimensions}; nothing was rebuilt.`);
  }
  const rebuild = await openRebuild({ ...options, embedder: identity });
  try {
    // Streamed from the old tables in batches: memory stays bounded by a batch, whatever the store's size.
    const source = rebuild.source;
    const expected = source ? await source.countPapers() : 0;
    const counts = await ingestPapers(source ? source.eachPaper() : [], { store: rebuild.target, embedder, progress, expected });
    await rebuild.swap();
    return { papers: counts.added + counts.updated + counts.unchanged };
  } finally {
    rebuild.close();
  }
}
