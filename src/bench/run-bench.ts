import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HashedEmbedder } from '../embeddings/hashed-embedder.ts';
import { createEngine } from '../engine.ts';
import { percentile } from '../eval/metrics.ts';
import type { IngestPapers, ReadPaperFile } from '../ingest-ports.ts';
import { bm25Score } from '../retrieve/hybrid-retriever.ts';
import { openStore, type PaperStore } from '../store/lance-store.ts';
import { contentTerms } from '../text/tokenize.ts';
import type { PaperInput } from '../types.ts';
import { SERVING_NODE_FLAGS, servingEnv } from './serving-env.ts';
import { seededRandom, syntheticPapers } from './synthetic-corpus.ts';

const run = promisify(execFile);

const QUERIES = 60;
/** Unbatched ingest is slow by design; it is timed on this many papers and reported per second. */
const UNBATCHED_SAMPLE = 300;

/** One corpus's figures; the first seven fields are the documented `--json` shape. */
export interface BenchRow {
  name: string;
  papers: number;
  /** Batched ingest throughput, papers per second. */
  ingestPerSec: number;
  askP50Ms: number;
  askP95Ms: number;
  /** The exhaustive in-memory scan the engine is measured against. */
  bruteP50Ms: number;
  /** Peak resident memory of a separate process that only opens the store and answers. */
  serveRssMb: number;
  unbatchedPerSec: number;
  bruteP95Ms: number;
  storeMb: number;
  /** Peak resident memory of the bench process itself (ingest, baseline and all corpora so far). */
  benchPeakRssMb: number;
}

export const BENCH_HEADER =
  'corpus              ingest papers/s (unbatched)   ask p50 / p95 ms (brute force)          serve RSS MB  store MB  bench peak RSS MB';

export function formatBenchRow(r: BenchRow): string {
  return (
    `${r.name.padEnd(20)}${r.ingestPerSec.toFixed(0).padStart(8)} (${r.unbatchedPerSec.toFixed(0)})`.padEnd(50) +
    `${r.askP50Ms.toFixed(1)} / ${r.askP95Ms.toFixed(1)} (${r.bruteP50Ms.toFixed(1)} / ${r.bruteP95Ms.toFixed(1)})`.padEnd(40) +
    r.serveRssMb.toFixed(0).padStart(12) +
    r.storeMb.toFixed(0).padStart(10) +
    r.benchPeakRssMb.toFixed(0).padStart(19)
  );
}

/**
 * For the bundled corpus and synthetic corpora of the given sizes: ingest throughput (batched,
 * against one-paper-per-write), warm `ask` latency (LanceDB hybrid, against an exhaustive
 * in-memory scan of every chunk vector and every paper's BM25), the memory a process serving the
 * store needs, and the store's size on disk. Each row is reported as soon as it is measured.
 */
export async function runBench({
  corpusPath,
  sizes,
  onRow,
  ingest: { ingestPapers, readPaperFile },
}: {
  corpusPath: string;
  sizes: number[];
  onRow?: (row: BenchRow) => void;
  /** ingest/'s own functions (the CLI passes them): what is measured is the real pipeline. */
  ingest: { ingestPapers: IngestPapers; readPaperFile: ReadPaperFile };
}): Promise<BenchRow[]> {
  const bundled = await readPaperFile(corpusPath);
  const corpora: [string, PaperInput[]][] = [[`bundled (${bundled.length})`, bundled], ...sizes.map((n) => [`synthetic ${n}`, syntheticPapers(bundled, n)] as [string, PaperInput[]])];
  const queries = queryMix(bundled);
  const rows: BenchRow[] = [];
  for (const [name, papers] of corpora) {
    const dir = await mkdtemp(join(tmpdir(), 'paperboy-bench-'));
    try {
      const embedder = new HashedEmbedder();
      const uri = join(dir, 'db');
      const store = await openStore({ uri, embedder: { name: embedder.name, dimensions: embedder.dimensions } });
      let t = performance.now();
      await ingestPapers(papers, { store, embedder, batchSize: 1000 });
      const ingestPerSec = papers.length / ((performance.now() - t) / 1000);

      const unbatchedStore = await openStore({ uri: join(dir, 'unbatched'), embedder: { name: embedder.name, dimensions: embedder.dimensions } });
      const sample = papers.slice(0, UNBATCHED_SAMPLE);
      t = performance.now();
      await ingestPapers(sample, { store: unbatchedStore, embedder, batchSize: 1 });
      const unbatchedPerSec = sample.length / ((performance.now() - t) / 1000);
      unbatchedStore.close();

      const engine = createEngine({ store, embedder });
      // Both sides are timed warm: one untimed pass first, or the p50 of a small store measures the JIT's warm-up.
      await timeEach(queries, (q) => engine.ask(q));
      const hybrid = await timeEach(queries, (q) => engine.ask(q));
      const brute = await bruteForceIndex(store, embedder);
      await timeEach(queries, async (q) => brute(q));
      const exhaustive = await timeEach(queries, async (q) => brute(q));
      store.close();
      const row: BenchRow = {
        name,
        papers: papers.length,
        ingestPerSec,
        askP50Ms: hybrid.p50,
        askP95Ms: hybrid.p95,
        bruteP50Ms: exhaustive.p50,
        serveRssMb: await serveRssMb(uri, queries),
        unbatchedPerSec,
        bruteP95Ms: exhaustive.p95,
        storeMb: (await directoryBytes(uri)) / 2 ** 20,
        benchPeakRssMb: process.resourceUsage().maxRSS / 1024,
      };
      rows.push(row);
      onRow?.(row);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

/**
 * Peak RSS of serve-probe in its own process: Node started the way this one was (plain node on
 * the build, or with tsx's loader from the sources) and with `npm start`'s malloc and heap settings, so it
 * measures the same runtime.
 */
async function serveRssMb(uri: string, queries: string[]): Promise<number> {
  const probe = fileURLToPath(new URL(`./serve-probe${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const { stdout } = await run(process.execPath, [...process.execArgv, ...SERVING_NODE_FLAGS, probe, uri, JSON.stringify(queries)], { maxBuffer: 1 << 20, env: servingEnv() });
  return (JSON.parse(stdout) as { maxRssMb: number }).maxRssMb;
}

export async function directoryBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(entries.filter((e) => e.isFile()).map(async (e) => (await stat(join(e.parentPath ?? e.path, e.name))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Realistic queries: spans of the bundled abstracts' sentences, shuffled with a fixed seed. */
export function queryMix(papers: PaperInput[], seed = 7): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: QUERIES }, () => {
    const p = papers[Math.floor(random() * papers.length)]!;
    const w = p.abstract.split(' ');
    const start = Math.floor(random() * Math.max(1, w.length - 10));
    return w.slice(start, start + 6 + Math.floor(random() * 6)).join(' ');
  });
}

export async function timeEach(queries: string[], run: (q: string) => Promise<unknown>) {
  const ms: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await run(q);
    ms.push(performance.now() - t);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

/** Loads every chunk vector and every paper's terms into memory and ranks by scanning all of them. */
async function bruteForceIndex(store: PaperStore, embedder: HashedEmbedder) {
  const texts = await store.allTexts();
  const ids = texts.map((t) => t.id);
  const chunks = await store.chunksOf(ids);
  const docs = texts.map((p) => contentTerms(`${p.title} ${p.title} ${p.abstract}`));
  const stats = await store.termStats();
  return (query: string) => {
    const qv = embedder.embed(query);
    const best = new Map<string, number>();
    for (const c of chunks) {
      let dot = 0;
      for (let i = 0; i < qv.length; i++) dot += qv[i]! * c.vector[i]!;
      if (dot > (best.get(c.paperId) ?? -1)) best.set(c.paperId, dot);
    }
    const weights = new Map(contentTerms(query).map((t) => [t, 1]));
    const scores = docs.map((d) => bm25Score(weights, d, stats));
    return scores.map((s, i) => s + (best.get(ids[i]!) ?? 0)).sort((a, b) => b - a).slice(0, 10);
  };
}
