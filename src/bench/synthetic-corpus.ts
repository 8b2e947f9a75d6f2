import { splitSentences } from '../text/sentences.ts';
import type { PaperInput } from '../types.ts';

/** Small seeded PRNG (mulberry32) so every bench run generates the same corpus. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` synthetic abstracts with the bundled corpus's vocabulary and sentence shapes: each
 * takes 5–9 corpus sentences and swaps a fifth of their words for random corpus words, so
 * the texts are distinct but index and search like real ones.
 */
export function syntheticPapers(seedPapers: PaperInput[], count: number, seed = 42): PaperInput[] {
  return [...eachSyntheticPaper(seedPapers, count, seed)];
}

/** The same papers one at a time, for corpora too large to hold (a million abstracts take gigabytes). */
export function* eachSyntheticPaper(seedPapers: PaperInput[], count: number, seed = 42): Generator<PaperInput> {
  const random = seededRandom(seed);
  const sentences = seedPapers.flatMap((p) => splitSentences(p.abstract));
  const vocabulary = [...new Set(seedPapers.flatMap((p) => p.abstract.split(/\s+/)))];
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const mutate = (s: string) => s.split(' ').map((w) => (random() < 0.2 ? pick(vocabulary) : w)).join(' ');
  for (let i = 0; i < count; i++) {
    const n = 5 + Math.floor(random() * 5);
    const abstract = Array.from({ length: n }, () => mutate(pick(sentences))).join(' ');
    const title = Array.from({ length: 6 + Math.floor(random() * 6) }, () => pick(vocabulary)).join(' ');
    yield { id: `synthetic-${i}`, title: `${title} ${i}`, abstract, authors: [], source: 'synthetic' };
  }
}
