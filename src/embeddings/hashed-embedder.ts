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
    this.name = `hashed-ngram-v1-${dimensions}`;
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
    const counts = new Map<string, { n: number; weight: number }>();
    const add = (feature: string, weight: number) => {
      const f = counts.get(feature);
      if (f) f.n++;
      else counts.set(feature, { n: 1, weight });
    };
    let prev: string | undefined;
    for (const w of words(text)) {
      if (isStopword(w) || w.length < 2) {
        prev = undefined;
        continue;
      }
      const s = stem(w);
      add(`w:${s}`, 1);
      if (prev) add(`b:${prev}_${s}`, 0.5);
      prev = s;
      // Character n-grams of the padded word link inflections and compounds.
      const padded = `<${w}>`;
      for (let n = 3; n <= 4; n++) {
        for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`, 0.25);
      }
    }
    for (const [feature, { n, weight }] of counts) {
      const h = fnv1a(feature);
      // Sublinear term frequency keeps long abstracts from drowning in their repeated words.
      const value = weight * (1 + Math.log(n));
      v[h % this.dimensions]! += h & 0x80000000 ? -value : value;
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
    return v;
  }
}

/** 32-bit FNV-1a: fast, well spread, and stable across runs and machines. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
