import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { createHybridRetriever } from '../src/retrieve/hybrid-retriever.ts';
import { loadInMemory } from '../src/retrieve/in-memory-index.ts';
import { openStore, type PaperStore } from '../src/store/lance-store.ts';

const embedder = new HashedEmbedder();
const identity = { name: embedder.name, dimensions: embedder.dimensions };
let dir: string;
let store: PaperStore;
let questions: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-in-memory-'));
  store = await openStore({ uri: join(dir, 'db'), embedder: identity });
  await ingestPapers(await readPaperFile('data/papers.txt'), { store, embedder });
  // All our own training questions (single, multi-paper, chat-style, typos, unanswerable).
  const sets = (await readdir('eval')).filter((f) => /^questions.*\.jsonl$/.test(f));
  const lines = (await Promise.all(sets.map((f) => readFile(join('eval', f), 'utf8')))).flatMap((text) => text.split('\n').filter(Boolean));
  questions = lines.map((l) => (JSON.parse(l) as { question: string }).question);
}, 120_000);

afterAll(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

type Hits = Awaited<ReturnType<ReturnType<typeof createHybridRetriever>['retrieve']>>;

/** Same papers in the same order with the same evidence; features equal up to float rounding (LanceDB computes distances in f32). */
function expectSameRanking(actual: Hits, expected: Hits, label: string) {
  expect(actual.map((h) => [h.paper.id, h.evidence]), label).toEqual(expected.map((h) => [h.paper.id, h.evidence]));
  actual.forEach((h, i) => {
    for (const [name, value] of Object.entries(h.features)) expect(value, `${label}: ${name}`).toBeCloseTo(expected[i]!.features[name as keyof typeof h.features], 4);
  });
}

describe('in-memory search of a small store', () => {
  it('ranks the bundled corpus exactly as the LanceDB indexes do: same papers, order, features and evidence', async () => {
    const inMemory = createHybridRetriever({ store, embedder });
    const indexed = createHybridRetriever({ store, embedder, inMemoryMaxChunks: 0 });
    expect(questions.length).toBeGreaterThan(400);
    for (const q of questions) expectSameRanking(await inMemory.retrieve(q, { k: 8 }), await indexed.retrieve(q, { k: 8 }), q);
    const scope = (await store.listTitles()).slice(0, 5).map((t) => t.id);
    const scoped = await inMemory.retrieve('language models', { k: 8, paperIds: scope });
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((h) => scope.includes(h.paper.id))).toBe(true);
    expectSameRanking(scoped, await indexed.retrieve('language models', { k: 8, paperIds: scope }), 'scoped');
  }, 120_000);

  it('finds the same nearest chunks as LanceDB’s exact vector search, with the same similarities', async () => {
    const search = await loadInMemory(store);
    const vector = await embedder.embedQuery('speech recognition with large language models');
    const mine = await search.searchChunksVector(vector, 20);
    const lance = await store.searchChunksVector(vector, 20);
    expect(mine.map((h) => `${h.paperId}#${h.ord}`)).toEqual(lance.map((h) => `${h.paperId}#${h.ord}`));
    mine.forEach((h, i) => expect(h.similarity).toBeCloseTo(lance[i]!.similarity, 5));
    expect(await search.searchChunksVector(vector, 5, [])).toEqual([]);
  });

  it('follows another writer: a paper committed by another process is found by the next question, and the copy is reloaded', async () => {
    const retriever = createHybridRetriever({ store, embedder });
    const question = 'How do zymurgical fermentation tanks brew kombucha?';
    expect((await retriever.retrieve(question, { k: 3 })).map((h) => h.paper.id)).not.toContain('kombucha-paper');
    let loads = 0;
    const allPapers = store.allPapers.bind(store);
    store.allPapers = () => (loads++, allPapers());
    const other = await openStore({ uri: join(dir, 'db'), embedder: identity });
    await ingestPapers(
      [{ id: 'kombucha-paper', title: 'Zymurgical fermentation tanks for kombucha', abstract: 'We brew kombucha in zymurgical fermentation tanks and measure acidity over ten days.', authors: [], source: 'test' }],
      { store: other, embedder },
    );
    other.close();
    const [first] = await retriever.retrieve(question, { k: 3 });
    expect(first?.paper.id).toBe('kombucha-paper');
    await expect.poll(() => loads).toBeGreaterThan(0);
    await expect.poll(async () => (await retriever.retrieve(question, { k: 3 }))[0]?.paper.id).toBe('kombucha-paper');
  }, 60_000);
});
