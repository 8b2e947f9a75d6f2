/**
 * How far the indexed (LanceDB) path's rankings stray from the exhaustive one on a large store:
 * `npx tsx tools/rank-agreement.ts --store /tmp/scale-100k`. Asks every question of our own sets
 * (eval/questions*.jsonl) through both (the exhaustive path holds the store in memory and scans
 * every chunk vector and posting, as small stores are served) and reports the mean top-10 and
 * top-1 overlap, how often each path finds a relevant paper in its top 10, and their latency.
 */
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { percentile } from '../src/eval/metrics.ts';
import { readQuestionSet } from '../src/eval/question-set.ts';
import { createHybridRetriever } from '../src/retrieve/hybrid-retriever.ts';
import { openStore } from '../src/store/lance-store.ts';

const K = 10;
const { values } = parseArgs({ options: { store: { type: 'string' }, limit: { type: 'string' } } });
if (!values.store) throw new Error('usage: rank-agreement --store DIR [--limit N]');
const questions = readdirSync('eval')
  .filter((f) => /^questions.*\.jsonl$/.test(f))
  .flatMap((f) => readQuestionSet(`eval/${f}`))
  .slice(0, values.limit ? Number(values.limit) : undefined);
const embedder = new HashedEmbedder();
const store = await openStore({ uri: values.store, embedder: { name: embedder.name, dimensions: embedder.dimensions } });
const indexed = createHybridRetriever({ store, embedder, inMemoryMaxChunks: 0 });
const exhaustive = createHybridRetriever({ store, embedder, inMemoryMaxChunks: Number.MAX_SAFE_INTEGER });
await exhaustive.retrieve('warm up');
await indexed.retrieve('warm up');
let overlap = 0;
let sameTop = 0;
const found = { indexed: 0, exhaustive: 0 };
const ms = { indexed: [] as number[], exhaustive: [] as number[] };
let answerable = 0;
for (const q of questions) {
  const timed = async (name: 'indexed' | 'exhaustive', retriever: typeof indexed) => {
    const t = performance.now();
    const hits = await retriever.retrieve(q.question, { k: K });
    ms[name].push(performance.now() - t);
    if (q.relevant.length > 0 && hits.some((h) => q.relevant.includes(h.paper.title))) found[name]++;
    return hits.map((h) => h.paper.id);
  };
  const a = await timed('indexed', indexed);
  const b = await timed('exhaustive', exhaustive);
  if (q.relevant.length > 0) answerable++;
  overlap += b.length === 0 ? 1 : a.filter((id) => b.includes(id)).length / b.length;
  if (a[0] === b[0]) sameTop++;
}
store.close();
const n = questions.length;
console.log(
  JSON.stringify({
    questions: n,
    top10Overlap: +(overlap / n).toFixed(3),
    top1Same: +(sameTop / n).toFixed(3),
    relevantInTop10: { indexed: +(found.indexed / answerable).toFixed(3), exhaustive: +(found.exhaustive / answerable).toFixed(3), answerable },
    p50Ms: { indexed: +percentile(ms.indexed, 50).toFixed(1), exhaustive: +percentile(ms.exhaustive, 50).toFixed(1) },
    p95Ms: { indexed: +percentile(ms.indexed, 95).toFixed(1), exhaustive: +percentile(ms.exhaustive, 95).toFixed(1) },
  }),
);
