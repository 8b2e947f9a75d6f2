/**
 * Warm `ask` on S3: `npx tsx tools/bench-s3.ts [--sizes 10000]`. Ingests the bundled corpus (and
 * synthetic corpora of the given sizes) into the fake S3 server (test/fakes/fake-s3.ts, on
 * 127.0.0.1; moto with PAPERBOY_S3_SERVER=moto), opens each store as `npm start` does, and reports
 * the p50/p95 of the bench's question mix after a warm-up, with the S3 requests per question.
 */
import { parseArgs } from 'node:util';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { openEngine } from '../src/app.ts';
import { queryMix, timeEach } from '../src/bench/run-bench.ts';
import { syntheticPapers } from '../src/bench/synthetic-corpus.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { openStore } from '../src/store/lance-store.ts';
import { startS3Server } from '../test/helpers/s3-server.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '' } } });
const bundled = await readPaperFile('data/papers.txt');
const corpora: [string, typeof bundled][] = [[`bundled (${bundled.length})`, bundled], ...values.sizes.split(',').filter(Boolean).map((n) => [`synthetic ${n}`, syntheticPapers(bundled, Number(n))] as [string, typeof bundled])];
const queries = queryMix(bundled);
// Its own process: the fake must not share the event loop of the engine being timed.
const server = await startS3Server(['paperboy'], { separateProcess: true });
Object.assign(process.env, server.env);
try {
  for (const [name, papers] of corpora) {
    const uri = `s3://paperboy/bench-${papers.length}`;
    const embedder = new HashedEmbedder();
    const writer = await openStore({ uri, embedder: { name: embedder.name, dimensions: embedder.dimensions } });
    let t = performance.now();
    await ingestPapers(papers, { store: writer, embedder, batchSize: 1000 });
    const ingestSeconds = (performance.now() - t) / 1000;
    writer.close();
    const ingestRequests = (await server.stats?.({ reset: true }))?.requests;
    t = performance.now();
    const { engine } = await openEngine({ store: { uri }, embeddings: { kind: 'builtin' }, corpusPath: '' }, { seed: false });
    const openMs = performance.now() - t;
    for (const q of queries.slice(0, 3)) await engine.ask(q);
    await server.stats?.({ reset: true });
    const { p50, p95 } = await timeEach(queries, (q) => engine.ask(q));
    const stats = await server.stats?.();
    const perAsk = stats && Object.fromEntries(Object.entries(stats.requests).map(([op, n]) => [op, +(n / queries.length).toFixed(1)]));
    await engine.close();
    console.log(
      JSON.stringify({
        corpus: name,
        server: server.kind,
        ingestSeconds: +ingestSeconds.toFixed(1),
        openMs: Math.round(openMs),
        askP50Ms: +p50.toFixed(1),
        askP95Ms: +p95.toFixed(1),
        ...(stats && { requestsPerAsk: +(stats.total / queries.length).toFixed(1), perAsk, ingestRequests, storedMb: +(stats.storedBytes / 2 ** 20).toFixed(0) }),
      }),
    );
  }
} finally {
  await server.close();
}
