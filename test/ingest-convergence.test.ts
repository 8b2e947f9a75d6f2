import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkAbstract } from '../ingest/chunk.ts';
import { ingestPapers, indexedTerms, type IdConflict } from '../ingest/pipeline.ts';
import { rebuildStore } from '../ingest/rebuild.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { openStore, type PaperStore } from '../src/store/lance-store.ts';
import { ABBREVIATIONS_KEY, mineAbbreviations, minedText, storedAbbreviations, abbreviationsFrom } from '../src/store/abbreviations.ts';
import { applyDocument, emptyTermStats } from '../src/store/term-stats.ts';
import type { PaperInput } from '../src/types.ts';

const run = promisify(execFile);
let dir: string;
const embedder = new HashedEmbedder();
const identity = { name: embedder.name, dimensions: embedder.dimensions };
const stores: PaperStore[] = [];
const open = async (e: { name: string; dimensions: number } = identity) => {
  const s = await openStore({ uri: join(dir, 'db'), embedder: e });
  stores.push(s);
  return s;
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-converge-'));
});
afterEach(async () => {
  for (const s of stores.splice(0)) s.close();
  await rm(dir, { recursive: true, force: true });
});

const bundled = () => readPaperFile('data/papers.txt');

/** Statistics counted from scratch over what the store holds. */
async function recounted(store: PaperStore) {
  const stats = emptyTermStats();
  for (const p of await store.allTexts()) applyDocument(stats, indexedTerms(p), 1);
  return stats;
}

/** The invariants every run must leave: one row per id, no orphans, exact statistics and abbreviations, every index. */
async function expectExact(store: PaperStore, papers: number) {
  const audit = await store.audit();
  expect(audit).toMatchObject({ papers, duplicatePapers: 0, duplicateChunks: 0, orphanChunks: 0, staleChunks: 0, papersWithoutChunks: 0 });
  expect(await store.indexesComplete()).toBe(true);
  const stats = await store.termStats();
  const exact = await recounted(store);
  expect({ docs: stats.docs, totalLength: stats.totalLength, df: stats.df }).toEqual(exact);
  const stored = await storedAbbreviations(store);
  expect(stored?.asOf).toBe(stats.asOf);
  expect(abbreviationsFrom(stored!.definitions)).toEqual(mineAbbreviations((await store.allTexts()).map(minedText)));
  expect(await store.listMeta('run:')).toEqual(new Map());
}

/** A store that dies (throws) at a chosen write, as a kill would stop the process there. */
function dyingAt(store: PaperStore, method: 'upsertChunks' | 'upsertPapers' | 'refreshIndexes' | 'saveTermStats', call: number): PaperStore {
  let calls = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== method || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (++calls === call) throw new Error(`killed at ${method} #${call}`);
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

/** A store whose first call of `method` waits for `before`, and that calls `after` once that call is done. */
function hooked(store: PaperStore, method: 'upsertChunks' | 'upsertPapers', { before = Promise.resolve(), after = () => {} }: { before?: Promise<unknown>; after?: () => void }): PaperStore {
  let first = true;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== method || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const hook = first;
        first = false;
        if (hook) await before;
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (hook) after();
        return result;
      };
    },
  });
}

/** The stored chunks of every paper are exactly those cut from its stored text. */
async function expectChunksMatchText(store: PaperStore, ids: string[]) {
  const stored = await store.getPapers(ids);
  const chunks = await store.chunksOf(ids);
  for (const p of stored) {
    const texts = chunks.filter((c) => c.paperId === p.id).sort((a, b) => a.ord - b.ord).map((c) => c.text);
    expect(texts).toEqual(chunkAbstract(p.title, p.abstract).map((c) => c.text));
  }
}

describe('writes that converge', () => {
  it('completes a run killed between its chunk write and its paper write, with no duplicate or orphan chunk', async () => {
    const papers = await bundled();
    const store = await open();
    await expect(ingestPapers(papers, { store: dyingAt(store, 'upsertPapers', 2), embedder, batchSize: 30 })).rejects.toThrow('killed');
    const crashed = await store.audit();
    expect(crashed.orphanChunks).toBeGreaterThan(0);
    // The next run is given only part of the input: the orphans of the crashed batch are cleaned all the same.
    expect(await ingestPapers(papers.slice(0, 30), { store, embedder })).toMatchObject({ unchanged: 30 });
    await expectExact(store, 30);
    await ingestPapers(papers, { store, embedder, batchSize: 30 });
    await expectExact(store, 98);
  });

  it('finishes indexes and statistics when the last batch landed but the run died before them', async () => {
    const papers = await bundled();
    const store = await open();
    await expect(ingestPapers(papers, { store: dyingAt(store, 'refreshIndexes', 1), embedder })).rejects.toThrow('killed');
    expect(await store.indexesComplete()).toBe(false);
    expect(await ingestPapers(papers, { store, embedder })).toMatchObject({ added: 0, unchanged: 98 });
    await expectExact(store, 98);
  });

  it('keeps statistics exact when an update run dies halfway', async () => {
    const papers = await bundled();
    const store = await open();
    await ingestPapers(papers, { store, embedder });
    const revised = papers.map((p, i) => (i % 2 ? { ...p, abstract: `${p.abstract} We also release a revised benchmark for audio.` } : p));
    await expect(ingestPapers(revised, { store: dyingAt(store, 'upsertPapers', 2), embedder, batchSize: 20 })).rejects.toThrow('killed');
    await ingestPapers(revised, { store, embedder, batchSize: 20 });
    await expectExact(store, 98);
    const [one] = await store.getPapers([revised[1]!.id]);
    expect(one!.abstract).toBe(revised[1]!.abstract);
  });

  it('makes the stored abbreviations exact when a run dies after saving them but before the statistics', async () => {
    const papers = await bundled();
    const store = await open();
    await ingestPapers(papers.slice(0, 40), { store, embedder });
    // The rest defines abbreviations the first 40 do not (e.g. "automatic speech recognition (ASR)").
    await expect(ingestPapers(papers, { store: dyingAt(store, 'saveTermStats', 1), embedder })).rejects.toThrow('killed');
    expect((await storedAbbreviations(store))?.asOf).not.toBe((await store.termStats()).asOf);
    await ingestPapers([], { store, embedder });
    await expectExact(store, 98);
    expect(abbreviationsFrom((await storedAbbreviations(store))!.definitions).longForms.get('asr')).toEqual([['automat', 'speech', 'recognit']]);
  });

  it('mines the abbreviations of a store ingested before they were stored at its next ingest', async () => {
    const papers = await bundled();
    const store = await open();
    await ingestPapers(papers, { store, embedder });
    await store.deleteMeta(ABBREVIATIONS_KEY);
    expect(await ingestPapers(papers.slice(0, 5), { store, embedder })).toMatchObject({ unchanged: 5 });
    await expectExact(store, 98);
  });

  it('stores each paper once when two writers ingest overlapping files at the same time', async () => {
    const papers = await bundled();
    const [a, b] = [await open(), await open()];
    await Promise.all([
      ingestPapers(papers.slice(0, 70), { store: a, embedder, batchSize: 10 }),
      ingestPapers(papers.slice(30), { store: b, embedder, batchSize: 10 }),
    ]);
    await ingestPapers([], { store: a, embedder });
    await expectExact(a, 98);
  });

  it('leaves one text\'s chunks, matching the paper row, when two writers store different texts of the same papers at once', async () => {
    const papers = (await bundled()).slice(0, 12);
    const ids = papers.map((p) => p.id);
    // Different texts with different chunk counts: A's abstracts doubled, B's cut to their first sentence.
    const textA = papers.map((p) => ({ ...p, abstract: `${p.abstract} ${p.abstract}`, source: 'file:a.jsonl' }));
    const textB = papers.map((p) => ({ ...p, abstract: `${p.abstract.split('. ')[0]}.`, source: 'file:b.jsonl' }));
    // The interleaving that mixed them: A's chunks, B's chunks, B's papers, then A's papers.
    let aChunked!: () => void;
    let bStored!: () => void;
    const aChunkedP = new Promise<void>((r) => (aChunked = r));
    const bStoredP = new Promise<void>((r) => (bStored = r));
    const a = hooked(hooked(await open(), 'upsertChunks', { after: aChunked }), 'upsertPapers', { before: bStoredP });
    const b = hooked(hooked(await open(), 'upsertChunks', { before: aChunkedP }), 'upsertPapers', { after: bStored });
    await Promise.all([ingestPapers(textA, { store: a, embedder }), ingestPapers(textB, { store: b, embedder })]);
    const store = await open();
    await expectExact(store, 12);
    expect((await store.getPapers(ids)).map((p) => p.abstract)).toEqual(textA.map((p) => p.abstract));
    await expectChunksMatchText(store, ids);
  });

  it('converges when two writer processes race different texts of the same papers', async () => {
    const papers = (await bundled()).slice(0, 40);
    const files = ['a', 'b'].map((name) => join(dir, `${name}.jsonl`));
    await writeFile(files[0]!, papers.map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: `${p.abstract} ${p.abstract}` })).join('\n'));
    await writeFile(files[1]!, papers.map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: `${p.abstract.split('. ')[0]}.` })).join('\n'));
    // Batches of one paper make the two processes interleave paper by paper.
    await Promise.all(files.map((f) => run(process.execPath, ['--import', 'tsx', 'test/helpers/ingest-writer.ts', join(dir, 'db'), f, '1'])));
    const store = await open();
    await expectExact(store, 40);
    await expectChunksMatchText(store, papers.map((p) => p.id));
  }, 120_000);

  it('keeps serving a store whose chunks predate text hashes, and replaces them when a text changes', async () => {
    const papers = (await bundled()).slice(0, 10);
    const before = await open();
    await ingestPapers(papers, { store: before, embedder });
    await (await before.connection.openTable('chunks')).dropColumns(['contentHash']);
    const store = await open();
    await expectExact(store, 10);
    const revised = { ...papers[0]!, abstract: 'A revised abstract about speech recognition with sparse experts. It has two sentences.' };
    await ingestPapers([revised], { store, embedder });
    await expectExact(store, 10);
    await expectChunksMatchText(store, papers.map((p) => p.id));
  });

  it('lets a long-running reader see papers and statistics another process added', async () => {
    const papers = await bundled();
    const reader = await open();
    await ingestPapers(papers.slice(0, 50), { store: reader, embedder });
    expect((await reader.listTitles()).length).toBe(50);
    expect((await reader.termStats()).docs).toBe(50);
    const writer = await open();
    await ingestPapers(papers, { store: writer, embedder });
    expect((await reader.listTitles()).length).toBe(98);
    expect((await reader.termStats()).docs).toBe(98);
  });
});

describe('ids and updates', () => {
  const paper = (over: Partial<PaperInput>): PaperInput => ({
    id: '2501.00001',
    title: 'Sparse Experts for Speech',
    abstract: 'We route speech frames to sparse experts and halve the compute of recognition on long audio.',
    authors: [],
    source: 'file:a.jsonl',
    ...over,
  });

  it('reports one id with two texts as a conflict and keeps the newer publication', async () => {
    const store = await open();
    const conflicts: IdConflict[] = [];
    const newer = paper({ abstract: 'A revised abstract: sparse experts now also cut the latency of streaming recognition.', publishedAt: '2025-02-01', source: 'file:b.jsonl' });
    const counts = await ingestPapers([newer, paper({ publishedAt: '2025-01-01' })], { store, embedder, onConflict: (c) => conflicts.push(c) });
    expect(counts).toMatchObject({ added: 1, conflicts: 1 });
    expect(conflicts).toEqual([{ id: '2501.00001', kept: { source: 'file:b.jsonl', publishedAt: '2025-02-01' }, dropped: { source: 'file:a.jsonl', publishedAt: '2025-01-01' } }]);
    expect((await store.getPapers(['2501.00001']))[0]!.abstract).toBe(newer.abstract);
    // Without dates the last file wins.
    const last = paper({ abstract: 'Yet another text for the same id, from the file named last on the command line.', source: 'file:c.jsonl' });
    expect(await ingestPapers([paper({}), last], { store, embedder })).toMatchObject({ updated: 1, conflicts: 1 });
    expect((await store.getPapers(['2501.00001']))[0]!.abstract).toBe(last.abstract);
  });

  it('stores new upvotes, authors and url of an unchanged abstract without re-embedding it', async () => {
    const store = await open();
    await ingestPapers([paper({})], { store, embedder });
    const version = await store.papersVersion();
    const update = paper({ upvotes: 40, authors: ['A. Author'], url: 'https://arxiv.org/abs/2501.00001', source: 'hf-daily' });
    expect(await ingestPapers([update], { store, embedder })).toMatchObject({ updated: 1, unchanged: 0 });
    expect((await store.getPapers(['2501.00001']))[0]).toMatchObject({ upvotes: 40, authors: ['A. Author'], url: update.url });
    expect(await store.papersVersion()).toBeGreaterThan(version);
    // A source that knows less (no authors, no upvotes) does not erase what is stored.
    expect(await ingestPapers([paper({})], { store, embedder })).toMatchObject({ unchanged: 1 });
    expect((await store.getPapers(['2501.00001']))[0]).toMatchObject({ upvotes: 40, authors: ['A. Author'] });
  });
});

describe('ingest --rebuild', () => {
  it('re-embeds every stored paper (not just the corpus) with the new embedder and swaps when done', async () => {
    const store = await open();
    const extra: PaperInput = { id: '2501.99999', title: 'Only In The Store', abstract: 'A paper that came from a remote source and exists in no bundled corpus file at all.', authors: [], source: 'hf-daily' };
    await ingestPapers([...(await bundled()), extra], { store, embedder });
    store.close();
    stores.pop();
    const small = new HashedEmbedder(128);
    expect(await rebuildStore({ uri: join(dir, 'db') }, { embedder: small, identity: { name: small.name, dimensions: 128 } })).toEqual({ papers: 99 });
    const rebuilt = await open({ name: small.name, dimensions: 128 });
    await expectExact(rebuilt, 99);
    expect((await rebuilt.chunksOf([extra.id]))[0]!.vector.length).toBe(128);
  });

  it('leaves the old store serving when the embedder is down or fails while re-embedding', async () => {
    const store = await open();
    await ingestPapers(await bundled(), { store, embedder });
    const down = Object.assign(new HashedEmbedder(128), { embedQuery: () => Promise.reject(new Error('connect ECONNREFUSED')) });
    await expect(rebuildStore({ uri: join(dir, 'db') }, { embedder: down, identity: { name: 'x', dimensions: 128 } })).rejects.toThrow(/did not answer, so nothing was rebuilt/);
    let calls = 0;
    const flaky = Object.assign(new HashedEmbedder(128), {
      embedDocuments(this: HashedEmbedder, docs: string[]) {
        if (++calls === 1) return Promise.reject(new Error('embedding service crashed'));
        return HashedEmbedder.prototype.embedDocuments.call(this, docs);
      },
    });
    await expect(rebuildStore({ uri: join(dir, 'db') }, { embedder: flaky, identity: { name: flaky.name, dimensions: 128 } })).rejects.toThrow('crashed');
    expect(await store.countPapers()).toBe(98);
    await expectExact(store, 98);
  });
});
