import type { ChunkHit, PaperHit, PaperStore } from '../store/lance-store.ts';
import { contentTerms } from '../text/tokenize.ts';
import { bm25Tf } from './bm25.ts';

/** The searches hybrid retrieval runs: LanceDB's, or the same answered from memory for a small store. */
export type PaperSearch = Pick<PaperStore, 'getPapers' | 'searchPapersText' | 'searchChunksText' | 'searchChunksVector'>;

/**
 * Chunk count up to which a store is searched in memory. Measured (npm run bench, loaded 2-core
 * machine): at 98 papers (343 chunks) a warm question takes ~3-5 ms instead of 17-28 ms, at 10k
 * papers (28k chunks) 85-120 ms instead of 110-240 ms through three LanceDB queries. The price
 * is memory: at 10k papers the serving process peaks near 490 MB instead of ~340 MB, and the
 * first question waits for the load (seconds). Larger stores are left to LanceDB's indexes.
 */
export const IN_MEMORY_MAX_CHUNKS = 50_000;

/**
 * The search to use for the next question: a copy of a small store held in memory (loaded once,
 * reloaded when another process commits papers or chunks), else the store itself. While a newer
 * copy loads, questions go to the store, so they never see stale papers nor wait for the load
 * (only the first load is waited for).
 */
export function createSearchSource(store: PaperStore, { maxChunks = IN_MEMORY_MAX_CHUNKS }: { maxChunks?: number } = {}): () => Promise<PaperSearch> {
  let ready: { version: string; search: PaperSearch } | undefined;
  let loading: { version: string; done: Promise<void> } | undefined;
  return async () => {
    const version = await store.contentVersion();
    if (ready?.version === version) return ready.search;
    if (loading?.version !== version) {
      const load = async () => {
        const search = (await store.countChunks()) <= maxChunks ? await loadInMemory(store) : store;
        // A load overtaken by a newer commit is dropped; the newer one is already loading.
        if (loading?.version === version) ready = { version, search };
      };
      loading = { version, done: load() };
      // A failed load is retried by the next question; meanwhile the store answers.
      loading.done.catch(() => (loading = undefined));
    }
    if (!ready) await loading!.done.catch(() => undefined);
    return ready?.version === version ? ready.search : store;
  };
}

/** Every paper, chunk vector and term of the store, searched by exact scans and BM25 over postings. */
export async function loadInMemory(store: Pick<PaperStore, 'allPapers' | 'eachChunkBatch' | 'embedder'>): Promise<PaperSearch> {
  const papers = await store.allPapers();
  const byId = new Map(papers.map((p) => [p.id, p]));
  const chunks: { paperId: string; ord: number; text: string }[] = [];
  const batches: Float32Array[] = [];
  for await (const batch of store.eachChunkBatch()) {
    chunks.push(...batch.chunks);
    batches.push(batch.vectors);
  }
  const { dimensions } = store.embedder;
  // One contiguous buffer: a scan reads memory in order, and no object per vector is kept.
  const vectors = new Float32Array(chunks.length * dimensions);
  let at = 0;
  for (const b of batches.splice(0)) vectors.set(b, (at += b.length) - b.length);
  const norms = new Float32Array(chunks.length);
  for (let i = 0; i < chunks.length; i++) norms[i] = Math.hypot(...vectors.subarray(i * dimensions, (i + 1) * dimensions));
  const paperText = buildTextIndex(papers.map((p) => `${p.title}\n${p.abstract}`));
  const chunkText = buildTextIndex(chunks.map((c) => c.text));
  const hit = (i: number, similarity: number): ChunkHit => ({ paperId: chunks[i]!.paperId, ord: chunks[i]!.ord, text: chunks[i]!.text, similarity });
  /** Which documents a paper-id filter admits (undefined: all). */
  const admits = <T>(items: T[], idOf: (item: T) => string, paperIds: string[] | undefined) => {
    if (paperIds === undefined) return undefined;
    const wanted = new Set(paperIds);
    return (i: number) => wanted.has(idOf(items[i]!));
  };
  return {
    async getPapers(ids) {
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    async searchPapersText(query, k, paperIds) {
      return paperText.search(query, k, admits(papers, (p) => p.id, paperIds)).map(([i, score]): PaperHit => ({ paper: papers[i]!, score }));
    },
    async searchChunksText(query, k, paperIds) {
      // As from LanceDB's full-text search: chunk hits carry no similarity.
      return chunkText.search(query, k, admits(chunks, (c) => c.paperId, paperIds)).map(([i]) => hit(i, Number.NaN));
    },
    async searchChunksVector(query, k, paperIds) {
      const allowed = admits(chunks, (c) => c.paperId, paperIds);
      const vector = Float64Array.from(query);
      const queryNorm = Math.hypot(...vector);
      const top = new TopK(k);
      for (let i = 0; i < chunks.length; i++) {
        if (allowed && !allowed(i)) continue;
        let dot = 0;
        const offset = i * dimensions;
        for (let d = 0; d < dimensions; d++) dot += vector[d]! * vectors[offset + d]!;
        const norm = queryNorm * norms[i]!;
        top.offer(i, norm > 0 ? dot / norm : 0);
      }
      return top.best().map(([i, similarity]) => hit(i, similarity));
    },
  };
}

/** BM25 over an inverted index of content terms, with the index's own statistics (as a full-text index keeps them). */
function buildTextIndex(texts: string[]) {
  const growing = new Map<string, { docs: number[]; counts: number[] }>();
  const lengths = new Float64Array(texts.length);
  texts.forEach((text, doc) => {
    const terms = contentTerms(text);
    lengths[doc] = terms.length;
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, n] of counts) {
      let list = growing.get(t);
      if (!list) growing.set(t, (list = { docs: [], counts: [] }));
      list.docs.push(doc);
      list.counts.push(n);
    }
  });
  // Typed arrays hold the postings in a third of the memory of growable JS arrays.
  const postings = new Map([...growing].map(([t, { docs, counts }]) => [t, { docs: Int32Array.from(docs), counts: Uint16Array.from(counts) }]));
  growing.clear();
  const avgLength = texts.length > 0 ? lengths.reduce((a, b) => a + b, 0) / texts.length : 1;
  return {
    /** Best `k` documents matching any of the query's terms, best first, as [document, score]. */
    search(query: string, k: number, allowed?: (doc: number) => boolean): [number, number][] {
      const scores = new Map<number, number>();
      for (const term of new Set(contentTerms(query))) {
        const list = postings.get(term);
        if (!list) continue;
        const idf = Math.log(1 + (texts.length - list.docs.length + 0.5) / (list.docs.length + 0.5));
        list.docs.forEach((doc, j) => {
          if (allowed && !allowed(doc)) return;
          scores.set(doc, (scores.get(doc) ?? 0) + idf * bm25Tf(list.counts[j]!, lengths[doc]!, avgLength));
        });
      }
      const top = new TopK(k);
      for (const [doc, s] of scores) top.offer(doc, s);
      return top.best();
    },
  };
}

/** The `k` highest-scoring items seen, kept sorted (k is small: a few dozen). */
class TopK {
  private readonly items: [number, number][] = [];
  constructor(private readonly k: number) {}

  offer(item: number, score: number) {
    if (this.k <= 0 || (this.items.length === this.k && score <= this.items[this.k - 1]![1])) return;
    let at = this.items.length;
    while (at > 0 && this.items[at - 1]![1] < score) at--;
    this.items.splice(at, 0, [item, score]);
    if (this.items.length > this.k) this.items.pop();
  }

  best(): [number, number][] {
    return this.items;
  }
}
