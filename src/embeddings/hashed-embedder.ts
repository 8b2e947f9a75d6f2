import { Embeddings } from '@langchain/core/embeddings';
import { stem, words, isStopword } from '../text/tokenize.ts';

/**
 * Built-in embedder that needs no downloaded weights: the feature-hashing trick over stemmed
 * words, word bigrams and character n-grams, signed into a fixed number of dimensions and
 * L2-normalised. Deterministic, fast (pure arithmetic), and good at what BM25 misses: word forms
 * ("labelled"/"labeling"), compounds ("encoder-only"/"encoder only") and partial overlaps.
 */
export class HashedEmbedder extends Embeddings {
  readonly name: string;

  constructor(readonly dimensions = 256) {
    super({});
    this.name = `hashed-ngram-v2-${dimensions}`;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => Array.from(this.embed(d)));
  }

  async embedQuery(document: string): Promise<number[]> {
    return Array.from(this.embed(document));
  }

  /** Synchronous core, also used by the ingest pipeline's batches and the benchmarks. */
  embed(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    const add = (h: number, value: number) => {
      v[h % this.dimensions]! += h & 0x80000000 ? -value : value;
    };
    const wordCounts = new Map<string, number>();
    const bigramCounts = new Map<string, number>();
    let prev: string | undefined;
    for (const w of words(text)) {
      if (isStopword(w) || w.length < 2) {
        prev = undefined;
        continue;
      }
      wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
      const s = stem(w);
      if (prev) bigramCounts.set(`${prev}_${s}`, (bigramCounts.get(`${prev}_${s}`) ?? 0) + 1);
      prev = s;
    }
    // Sublinear term frequency keeps long abstracts from drowning in their repeated words.
    const tf = (n: number) => 1 + Math.log(n);
    for (const [w, n] of wordCounts) {
      const weight = tf(n);
      add(fnv1a(`w:${stem(w)}`), weight);
      // Character n-grams of the padded word link inflections and compounds.
      const padded = `<${w}>`;
      for (let size = 3; size <= 4; size++) {
        for (let i = 0; i + size <= padded.length; i++) add(fnv1aRange(padded, i, i + size, size), 0.25 * weight);
      }
    }
    for (const [b, n] of bigramCounts) add(fnv1a(`b:${b}`), 0.5 * tf(n));
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
    return v;
  }
}

/** 32-bit FNV-1a: fast, well spread, and stable across runs and machines. */
function fnv1a(s: string): number {
  return fnv1aRange(s, 0, s.length, 0);
}

/** FNV-1a of `s[start..end)`, seeded by `salt` (the n-gram size), without allocating a substring. */
function fnv1aRange(s: string, start: number, end: number, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
