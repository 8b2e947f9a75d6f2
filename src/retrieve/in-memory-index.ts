import type { ChunkMatch, PaperHit, PaperStore } from '../store/lance-store.ts';
import { contentTerms, words } from '../text/tokenize.ts';
import { bm25Tf } from './bm25.ts';

/** The searches hybrid retrieval runs: LanceDB's, or the same answered from memory for a small store. */
export type PaperSearch = Pick<PaperStore, 'getPapers' | 'searchPapersText' | 'searchChunksVector'>;

/**
 * Chunk count up to which a store is searched in memory. Measured (npm run bench, loaded 2-core
 * machine): at 98 papers (343 chunks) a warm question takes ~3-5 ms instead of 17-28 ms, at 10k
 * papers (28k chunks) 85-120 ms instead of 110-240 ms through LanceDB's queries (then three, now two). The price
 * is memory: at 10k papers the serving process peaked near 490 MB instead of ~340 MB (421 MB
 * since chunks are held as typed columns; 232 MB with postings in one sorted array and npm start's
 * heap settings, 297 MB with those settings before), and the first question waits for the load (seconds).
 * Larger stores are left to LanceDB's indexes.
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

/**
 * Every paper, chunk vector and paper term of the store, searched by exact scans and BM25 over
 * postings. Chunks are held as columns (their paper, ordinal and vector in typed arrays), not their
 * texts: retrieval reads a chunk hit's paper and similarity, and searches words in papers only.
 */
export async function loadInMemory(store: Pick<PaperStore, 'allPapers' | 'eachChunkBatch' | 'countChunks' | 'embedder'>): Promise<PaperSearch> {
  const papers = await store.allPapers();
  const byId = new Map(papers.map((p) => [p.id, p]));
  // Paper ids by number; chunks of a paper not (yet) stored keep theirs, as LanceDB would return them.
  const ids = papers.map((p) => p.id);
  const numberOf = new Map(ids.map((id, i) => [id, i]));
  const { dimensions } = store.embedder;
  // Sized from the row count, grown if a commit landed meanwhile: one contiguous buffer, read in order by a scan.
  let vectors = new Float32Array((await store.countChunks()) * dimensions);
  const paperOf: number[] = [];
  const ordOf: number[] = [];
  for await (const batch of store.eachChunkBatch()) {
    const at = paperOf.length * dimensions;
    if (at + batch.vectors.length > vectors.length) {
      const grown = new Float32Array(Math.max(vectors.length * 2, at + batch.vectors.length));
      grown.set(vectors.subarray(0, at));
      vectors = grown;
    }
    vectors.set(batch.vectors, at);
    for (const c of batch.chunks) {
      let n = numberOf.get(c.paperId);
      if (n === undefined) numberOf.set(c.paperId, (n = ids.push(c.paperId) - 1));
      paperOf.push(n);
      ordOf.push(c.ord);
    }
  }
  const count = paperOf.length;
  const chunkPaper = Int32Array.from(paperOf);
  const chunkOrd = Int32Array.from(ordOf);
  if (vectors.length > count * dimensions) vectors = vectors.slice(0, count * dimensions);
  const norms = new Float32Array(count);
  for (let i = 0; i < count; i++) norms[i] = Math.hypot(...vectors.subarray(i * dimensions, (i + 1) * dimensions));
  const paperTextBuilder = new TextIndexBuilder();
  for (const p of papers) paperTextBuilder.add(`${p.title}\n${p.abstract}`);
  const paperText = paperTextBuilder.build();
  const hit = (i: number, similarity: number): ChunkMatch => ({ paperId: ids[chunkPaper[i]!]!, ord: chunkOrd[i]!, similarity });
  /** Which papers (by number) a paper-id filter admits (undefined: all). */
  const admitted = (paperIds: string[] | undefined) => {
    if (paperIds === undefined) return undefined;
    const wanted = new Set(paperIds.flatMap((id) => numberOf.get(id) ?? []));
    return (paper: number) => wanted.has(paper);
  };
  const chunkFilter = (paperIds: string[] | undefined) => {
    const admits = admitted(paperIds);
    return admits && ((i: number) => admits(chunkPaper[i]!));
  };
  return {
    async getPapers(wanted) {
      return wanted.flatMap((id) => byId.get(id) ?? []);
    },
    async searchPapersText(query, k, paperIds) {
      return paperText.search(query, k, admitted(paperIds)).map(([i, score]): PaperHit => ({ paper: papers[i]!, score }));
    },
    async searchChunksVector(query, k, paperIds) {
      const allowed = chunkFilter(paperIds);
      const vector = Float64Array.from(query);
      const queryNorm = Math.hypot(...vector);
      const top = new TopK(k);
      for (let i = 0; i < count; i++) {
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

/**
 * BM25 over an inverted index of content terms, with the index's own statistics (as a full-text
 * index keeps them). Texts are added one at a time and not kept: only their postings are.
 */
/**
 * Text as LanceDB's full-text tokenizer sees it: it splits at every character that is not a letter
 * or digit, decimal points included ("6.5times" → 6, 5times), where our words keep "6.5" whole and
 * then find "times"; the copy must propose the papers LanceDB proposes.
 */
const asIndexed = (text: string) => text.replace(/\./g, ' ');

class TextIndexBuilder {
  /** Term → id: a term's postings are the entries with its id. */
  private readonly termIds = new Map<string, number>();
  private readonly lengths: number[] = [];
  // One entry per document and term, in document order, in typed arrays grown by doubling: no
  // object or growable array per term (a 10k-paper store has ~100k terms).
  private entryTerm = new Int32Array(1024);
  private entryDoc = new Int32Array(1024);
  private entryCount = new Uint16Array(1024);
  private entries = 0;

  add(text: string) {
    const doc = this.lengths.length;
    const terms = contentTerms(asIndexed(text));
    this.lengths.push(terms.length);
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    if (this.entries + counts.size > this.entryTerm.length) this.grow(this.entries + counts.size);
    for (const [t, n] of counts) {
      let id = this.termIds.get(t);
      if (id === undefined) this.termIds.set(t, (id = this.termIds.size));
      this.entryTerm[this.entries] = id;
      this.entryDoc[this.entries] = doc;
      this.entryCount[this.entries] = n;
      this.entries++;
    }
  }

  private grow(atLeast: number) {
    const size = Math.max(atLeast, this.entryTerm.length * 2);
    const grown = <T extends Int32Array | Uint16Array>(from: T, to: T) => (to.set(from), to);
    this.entryTerm = grown(this.entryTerm, new Int32Array(size));
    this.entryDoc = grown(this.entryDoc, new Int32Array(size));
    this.entryCount = grown(this.entryCount, new Uint16Array(size));
  }

  build() {
    // Entries grouped by term, documents kept in order (a counting sort): term t's postings are
    // docs/counts[start[t], start[t + 1]).
    const { termIds, entries, entryTerm, entryDoc, entryCount } = this;
    const start = new Int32Array(termIds.size + 1);
    for (let i = 0; i < entries; i++) start[entryTerm[i]! + 1]!++;
    for (let t = 0; t < termIds.size; t++) start[t + 1]! += start[t]!;
    const next = start.slice(0, termIds.size);
    const docs = new Int32Array(entries);
    const counts = new Uint16Array(entries);
    for (let i = 0; i < entries; i++) {
      const at = next[entryTerm[i]!]!++;
      docs[at] = entryDoc[i]!;
      counts[at] = entryCount[i]!;
    }
    this.entryTerm = this.entryDoc = new Int32Array(0);
    this.entryCount = new Uint16Array(0);
    const lengths = Float64Array.from(this.lengths);
    const documents = lengths.length;
    const avgLength = documents > 0 ? lengths.reduce((a, b) => a + b, 0) / documents : 1;
    return {
      /** Best `k` documents matching any of the query's terms, best first, as [document, score]. */
      search(query: string, k: number, allowed?: (doc: number) => boolean): [number, number][] {
        const scores = new Map<number, number>();
        // A word that already is an index term counts as typed: retrieval adds its own stems to the query, and stemming a stem again may change it ("comprehens" → "comprehen").
        const indexed = asIndexed(query);
        for (const term of new Set([...contentTerms(indexed), ...words(indexed).filter((w) => termIds.has(w))])) {
          const id = termIds.get(term);
          if (id === undefined) continue;
          const [from, to] = [start[id]!, start[id + 1]!];
          const idf = Math.log(1 + (documents - (to - from) + 0.5) / (to - from + 0.5));
          for (let j = from; j < to; j++) {
            const doc = docs[j]!;
            if (allowed && !allowed(doc)) continue;
            scores.set(doc, (scores.get(doc) ?? 0) + idf * bm25Tf(counts[j]!, lengths[doc]!, avgLength));
          }
        }
        const top = new TopK(k);
        for (const [doc, s] of scores) top.offer(doc, s);
        return top.best();
      },
    };
  }
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
