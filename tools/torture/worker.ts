/**
 * One writer for the crash-torture run (tools/torture/torture.ts), which kills it with SIGKILL at
 * a random moment: `worker.ts URI ingest FILE BATCH` or `worker.ts URI rebuild`.
 */
import { ingestPapers } from '../../ingest/pipeline.ts';
import { rebuildStore } from '../../ingest/rebuild.ts';
import { streamPaperFile } from '../../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../../src/embeddings/hashed-embedder.ts';
import { openStore } from '../../src/store/lance-store.ts';

const [uri, mode, file, batch] = process.argv.slice(2);
const embedder = new HashedEmbedder();
const identity = { name: embedder.name, dimensions: embedder.dimensions };
if (mode === 'rebuild') {
  await rebuildStore({ uri: uri! }, { embedder, identity });
} else {
  const store = await openStore({ uri: uri!, embedder: identity });
  await ingestPapers(streamPaperFile(file!), { store, embedder, batchSize: Number(batch) });
  store.close();
}
