/** One ingest process for tests that race writers: `ingest-writer.ts URI FILE BATCH`. */
import { ingestPapers } from '../../ingest/pipeline.ts';
import { streamPaperFile } from '../../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../../src/embeddings/hashed-embedder.ts';
import { openStore } from '../../src/store/lance-store.ts';

const [uri, file, batch] = process.argv.slice(2);
const embedder = new HashedEmbedder();
const store = await openStore({ uri: uri!, embedder: { name: embedder.name, dimensions: embedder.dimensions } });
await ingestPapers(streamPaperFile(file!), { store, embedder, batchSize: Number(batch) });
store.close();
