import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeInterruptedRuns, ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { createHybridRetriever } from '../src/retrieve/hybrid-retriever.ts';
import { ABBREVIATIONS_KEY, abbreviationsFrom, mineAbbreviations, minedText, storedAbbreviations } from '../src/store/abbreviations.ts';
import { openStore, type PaperStore } from '../src/store/lance-store.ts';

const embedder = new HashedEmbedder();
let dir: string;
let store: PaperStore;
/** A paper that spells out "Matryoshka representation learning" and never writes "MRL", which another paper defines. */
const SPELLED_OUT = 'Adaptive Audio-Visual Speech Recognition via Matryoshka-Based Multimodal LLMs';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-abbreviations-'));
  store = await openStore({ uri: join(dir, 'db'), embedder: { name: embedder.name, dimensions: embedder.dimensions } });
  await ingestPapers(await readPaperFile('data/papers.txt'), { store, embedder });
}, 120_000);

afterAll(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

/** How much of the question "MRL" the paper that only spells it out meets (undefined: not retrieved). */
const coverageOfSpelledOut = async (retriever: ReturnType<typeof createHybridRetriever>) =>
  (await retriever.retrieve('MRL', { k: 40 })).find((r) => r.paper.title.startsWith(SPELLED_OUT))?.features.coverage;

describe('abbreviations stored at ingest', () => {
  it('are the definitions mined from every stored paper, saved with the statistics they go with', async () => {
    const stored = await storedAbbreviations(store);
    expect(stored?.asOf).toBe((await store.termStats()).asOf);
    expect(abbreviationsFrom(stored!.definitions)).toEqual(mineAbbreviations((await store.allTexts()).map(minedText)));
    expect(abbreviationsFrom(stored!.definitions).longForms.get('mrl')).toEqual([['matryoshka', 'represent', 'learn']]);
  });

  it('are what retrieval expands a question with, read again when the store changes them, and nothing is mined at serve time', async () => {
    const retriever = createHybridRetriever({ store, embedder });
    expect(await coverageOfSpelledOut(retriever)).toBe(1);
    const stored = (await storedAbbreviations(store))!;
    // A store ingested before abbreviations were stored has none: the question is then met by no paper's words.
    await store.deleteMeta(ABBREVIATIONS_KEY);
    expect(await coverageOfSpelledOut(retriever)).not.toBe(1);
    // Its next ingest or engine start mines them, and the running retriever picks them up.
    await completeInterruptedRuns(store, embedder);
    expect((await storedAbbreviations(store))?.definitions).toEqual(stored.definitions);
    expect(await coverageOfSpelledOut(retriever)).toBe(1);
  });
});
