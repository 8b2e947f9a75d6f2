/**
 * A synthetic corpus too large for `npm run bench` (which holds it in memory and scans it
 * exhaustively): `nice -n 19 npx tsx tools/bench-scale.ts --papers 1000000 --store /tmp/scale-1m --log /tmp/scale-1m.log`.
 * Streams the bundled papers plus synthetic ones (src/bench/synthetic-corpus.ts) into a store,
 * logging progress (papers, papers/s, RSS) to the log file; at each quarter it reports the store
 * size and opens the store in a separate process (src/bench/serve-probe.ts) for warm ask p50/p95
 * and that process's peak RSS.
 * `--probe-only` skips the ingest and measures an existing store.
 */
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { directoryBytes, queryMix } from '../src/bench/run-bench.ts';
import { servingEnv } from '../src/bench/serving-env.ts';
import { eachSyntheticPaper } from '../src/bench/synthetic-corpus.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { openStore } from '../src/store/lance-store.ts';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '1000000' },
    store: { type: 'string' },
    log: { type: 'string' },
    questions: { type: 'string', default: '300' },
    'probe-only': { type: 'boolean', default: false },
  },
});
const total = Number(values.papers);
if (!values.store || !Number.isInteger(total) || total < 1) throw new Error('usage: bench-scale --papers N --store DIR [--log FILE] [--questions N] [--probe-only]');
const uri = values.store;
const say = (fields: Record<string, unknown>) => {
  const line = JSON.stringify({ at: new Date().toISOString(), ...fields });
  console.log(line);
  if (values.log) appendFileSync(values.log, `${line}\n`);
};
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

const bundled = await readPaperFile('data/papers.txt');
const questions = Array.from({ length: Math.ceil(Number(values.questions) / 60) }, (_, i) => queryMix(bundled, 7 + i)).flat().slice(0, Number(values.questions));
if (values['probe-only']) await probe();
else {
  const embedder = new HashedEmbedder();
  const store = await openStore({ uri, embedder: { name: embedder.name, dimensions: embedder.dimensions } });
  const corpus = (async function* () {
    yield* bundled;
    yield* eachSyntheticPaper(bundled, total - bundled.length);
  })();
  const started = performance.now();
  let done = 0;
  let logged = 0;
  // In segments, each ending with its index refresh and a probe: a run cut short still has figures.
  for (const upTo of checkpoints()) {
    const segment = performance.now();
    const before = done;
    await ingestPapers(take(corpus, upTo - done), {
      store,
      embedder,
      batchSize: 1000,
      progress: {
        start() {},
        advance(by) {
          done += by;
          if (done - logged < 10_000) return;
          logged = done;
          const seconds = (performance.now() - started) / 1000;
          say({ papers: done, seconds: Math.round(seconds), papersPerSec: Math.round(done / seconds), rssMb: mb(process.memoryUsage().rss) });
        },
        stop() {},
      },
    });
    const seconds = (performance.now() - started) / 1000;
    say({
      ingested: done,
      seconds: Math.round(seconds),
      papersPerSec: Math.round(done / seconds),
      segmentPapersPerSec: Math.round((done - before) / ((performance.now() - segment) / 1000)),
      peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
      storeMb: mb(await directoryBytes(uri)),
    });
    await probe();
  }
  store.close();
}

/** Quarters of the corpus (the last is the whole). */
function checkpoints(): number[] {
  return [1, 2, 3, 4].map((q) => Math.round((total * q) / 4));
}

async function* take<T>(items: AsyncIterator<T>, n: number): AsyncGenerator<T> {
  for (let i = 0; i < n; i++) {
    const next = await items.next();
    if (next.done) return;
    yield next.value;
  }
}

/** The store opened and asked in a separate process, as a serving bot would. */
async function probe() {
  const script = fileURLToPath(new URL('../src/bench/serve-probe.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, script, uri, JSON.stringify(questions)], { maxBuffer: 1 << 20, env: servingEnv() });
  say({ probe: JSON.parse(stdout) as unknown, questions: questions.length, storeMb: mb(await directoryBytes(uri)) });
}
