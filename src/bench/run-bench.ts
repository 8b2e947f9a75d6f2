import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPapers } from '../../ingest/pipeline.ts';
import { readPaperFile } from '../../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../embeddings/hashed-embedder.ts';
import { createEngine } from '../engine.ts';
import { percentile } from '../eval/metrics.ts';
import { bm25Score } from '../retrieve/hybrid-retriever.ts';
import { openStore, type PaperStore } from '../store/lance-store.ts';
import { contentTerms } from '../text/tokenize.ts';
import type { PaperInput } from '../types.ts';
import { seededRandom, syntheticPapers } from './synthetic-corpus.ts';

const QUERIES = 60;
/** Unbatched ingest is slow by design; it is timed on this many papers and reported per second. */
const UNBATCHED_SAMPLE = 300;

/**
 * For the bundled corpus and synthetic corpora of the given sizes: ingest throughput (batched,
 * against one-paper-per-write), warm `ask` latency (LanceDB hybrid, against an exhaustive
 * in-memory scan of every chunk vector and every paper's BM25), and peak RSS.
 */
export async function runBench({ corpusPath, sizes, log }: { corpusPath: string; sizes: number[]; log: (line: string) => void }) {
  const bundled = await readPaperFile(corpusPath);
  const corpora: [string, PaperInput[]][] = [[`bundled (${bundled.length})`, bundled], ...sizes.map((n) => [`synthetic ${n}`, syntheticPapers(bundled, n)] as [string, PaperInput[]])];
  const queries = queryMix(bundled);
  log('corpus              ingest papers/s (unbatched)   ask p50 / p95 ms (brute force)          peak RSS MB');
  for (const [name, papers] of corpora) {
    const dir = await mkdtemp(join(tmpdir(), 'paperboy-bench-'));
    try {
      const embedder = new HashedEmbedder();
      const store = await openStore({ uri: join(dir, 'db'), embedder: { name: embedder.name, dimensions: embedder.dimensions } });
      let t = performance.now();
      await ingestPapers(papers, { store, embedder, batchSize: 1000 });
      const ingestRate = papers.length / ((performance.now() - t) / 1000);

      const unbatchedStore = await openStore({ uri: join(dir, 'unbatched'), embedder: { name: embedder.name, dimensions: embedder.dimensions } });
      const sample = papers.slice(0, UNBATCHED_SAMPLE);
      t = performance.now();
      await ingestPapers(sample, { store: unbatchedStore, embedder, batchSize: 1 });
      const unbatchedRate = sample.length / ((performance.now() - t) / 1000);
      unbatchedStore.close();

      const engine = createEngine({ store, embedder });
      for (const q of queries.slice(0, 3)) await engine.ask(q);
      const hybrid = await timeEach(queries, (q) => engine.ask(q));
      const brute = await bruteForceIndex(store, embedder);
      const exhaustive = await timeEach(queries, async (q) => brute(q));
      const rssMb = process.resourceUsage().maxRSS / 1024;
      log(
        `${name.padEnd(20)}${ingestRate.toFixed(0).padStart(8)} (${unbatchedRate.toFixed(0)})`.padEnd(50) +
          `${fmt(hybrid)} (${fmt(exhaustive)})`.padEnd(40) +
          rssMb.toFixed(0),
      );
      store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Realistic queries: spans of the bundled abstracts' sentences, shuffled with a fixed seed. */
function queryMix(papers: PaperInput[]): string[] {
  const random = seededRandom(7);
  return Array.from({ length: QUERIES }, () => {
    const p = papers[Math.floor(random() * papers.length)]!;
    const w = p.abstract.split(' ');
    const start = Math.floor(random() * Math.max(1, w.length - 10));
    return w.slice(start, start + 6 + Math.floor(random() * 6)).join(' ');
  });
}

async function timeEach(queries: string[], run: (q: string) => Promise<unknown>) {
  const ms: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await run(q);
    ms.push(performance.now() - t);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

function fmt({ p50, p95 }: { p50: number; p95: number }) {
  return `${p50.toFixed(1)} / ${p95.toFixed(1)}`;
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
