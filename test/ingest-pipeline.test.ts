import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { createEngine } from '../src/engine.ts';
import { StoreError } from '../src/errors.ts';
import { INDEX_CACHE_BYTES, METADATA_CACHE_BYTES, openStore, type PaperStore } from '../src/store/lance-store.ts';
import { replacedBefore } from '../src/store/version-retention.ts';
import type { PaperInput } from '../src/types.ts';

/** The built-in embedder, counting what it is asked to embed and able to fail on cue. */
class CountingEmbedder extends HashedEmbedder {
  embedded = 0;
  failOnCall: number | undefined;
  private calls = 0;
  override async embedDocuments(documents: string[]) {
    this.calls++;
    if (this.calls === this.failOnCall) throw new Error('embedding service crashed');
    this.embedded += documents.length;
    return super.embedDocuments(documents);
  }
}

let dir: string;
let store: PaperStore;
let embedder: CountingEmbedder;
const open = (e: HashedEmbedder = embedder) => openStore({ uri: join(dir, 'db'), embedder: { name: e.name, dimensions: e.dimensions } });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-ingest-'));
  embedder = new CountingEmbedder();
  store = await open();
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

const bundled = () => readPaperFile('data/papers.txt');

describe('ingest pipeline', () => {
  it("keeps LanceDB's caches in the store's bounded session (an ingest's memory does not grow with its versions)", async () => {
    await ingestPapers(await bundled(), { store, embedder, batchSize: 8 });
    await store.getPapers(['no-such-paper']);
    // A session the connection ignored (it then uses LanceDB's unbounded defaults) holds nothing: ~150 bytes of bookkeeping.
    expect(store.cacheBytes()).toBeGreaterThan(4096);
    expect(store.cacheBytes()).toBeLessThanOrEqual(Number(INDEX_CACHE_BYTES + METADATA_CACHE_BYTES));
  });

  it('adds papers once: re-ingesting the same file adds nothing and re-embeds nothing', async () => {
    const papers = await bundled();
    expect(await ingestPapers(papers, { store, embedder })).toEqual({ added: 98, updated: 0, unchanged: 0, rejected: 0, conflicts: 0 });
    const embeddedFirst = embedder.embedded;
    expect(await ingestPapers(papers, { store, embedder })).toEqual({ added: 0, updated: 0, unchanged: 98, rejected: 0, conflicts: 0 });
    expect(embedder.embedded).toBe(embeddedFirst);
    expect(await store.countPapers()).toBe(98);
  });

  it('makes papers added to an indexed store findable at once', async () => {
    await ingestPapers(await bundled(), { store, embedder });
    const [late] = await readPaperFile('test/fixtures/ingest/two-papers.txt');
    await ingestPapers([late!], { store, embedder });
    const engine = createEngine({ store, embedder });
    const [top] = await engine.search('learned sparse retrieval term weights inverted index', { k: 1 });
    expect(top?.paper.title).toBe(late!.title);
    expect((await store.termStats()).docs).toBe(99);
  });

  it('re-embeds a changed abstract and drops its leftover chunks', async () => {
    const [paper] = await bundled();
    await ingestPapers([paper!], { store, embedder });
    const before = await store.chunksOf([paper!.id]);
    expect(before.length).toBeGreaterThan(1);
    const shorter: PaperInput = { ...paper!, abstract: 'A single short sentence now describes the generative classification work.' };
    expect(await ingestPapers([shorter], { store, embedder })).toMatchObject({ updated: 1 });
    const after = await store.chunksOf([paper!.id]);
    expect(after.map((c) => c.text)).toEqual([`${paper!.title}. ${shorter.abstract}`]);

  });

  it('leaves a readable store after a crash mid-ingest, and the next run completes it', async () => {
    const papers = await bundled();
    embedder.failOnCall = 2;
    await expect(ingestPapers(papers, { store, embedder, batchSize: 40 })).rejects.toThrow('embedding service crashed');
    expect(await store.countPapers()).toBe(40);
    // Readable: the papers written before the crash answer questions, before the next run recounts statistics.
    const engine = createEngine({ store, embedder });
    const answer = await engine.ask('generative classification with a masked language modelling head');
    expect(answer.citations.map((c) => c.title)).toContainEqual(expect.stringMatching(/Generative Classifiers/));

    embedder.failOnCall = undefined;
    expect(await ingestPapers(papers, { store, embedder, batchSize: 40 })).toEqual({ added: 58, updated: 0, unchanged: 40, rejected: 0, conflicts: 0 });
    expect((await store.termStats()).docs).toBe(98);
  });

  it('keeps source extras such as the Hugging Face summary with the paper', async () => {
    const paper: PaperInput & { aiSummary: string; categories: string[] } = {
      id: '2511.01234',
      title: 'Sparse Mixtures for Speech',
      abstract: 'We route speech frames to sparse experts and halve the compute of recognition.',
      authors: ['A. Author'],
      source: 'hf-daily',
      upvotes: 12,
      aiSummary: 'Sparse experts make speech recognition twice as cheap.',
      categories: ['cs.CL', 'eess.AS'],
    };
    await ingestPapers([paper], { store, embedder });
    const [stored] = await store.getPapers([paper.id]);
    expect(stored).toMatchObject({ upvotes: 12, aiSummary: paper.aiSummary, categories: paper.categories, authors: ['A. Author'] });
    expect(stored!.githubRepo).toBeUndefined();
  });

  it('refuses a store built by another embedder and says how to rebuild', async () => {
    await ingestPapers((await bundled()).slice(0, 2), { store, embedder });
    store.close();
    const other = new HashedEmbedder(128);
    const error = await open(other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/built with the embedder "hashed-ngram-v2-256".*npm run ingest -- --rebuild/);
    store = await open();
  });
});

describe('store disk hygiene', () => {
  it('compacts the files of a first ingest into an empty store', async () => {
    await ingestPapers(await bundled(), { store, embedder, batchSize: 10 });
    const chunks = await store.connection.openTable('chunks');
    // Ten batches wrote ten files; the run ends with them compacted into one.
    expect((await chunks.stats()).fragmentStats.numFragments).toBe(1);
    chunks.close();
  });

  it('keeps every table version replaced within the hour, so a reader that started on one still reads it', async () => {
    const papers = await bundled();
    await ingestPapers(papers.slice(0, 50), { store, embedder });
    const reader = await store.connection.openTable('chunks');
    const version = await reader.version();
    await reader.checkout(version);
    const rows = await reader.countRows();
    await ingestPapers(papers.slice(50), { store, embedder });
    expect(await store.countChunks()).toBeGreaterThan(rows);
    expect(await reader.countRows()).toBe(rows);
    expect((await reader.query().select(['text']).toArray()).length).toBe(rows);
    reader.close();
  });

  it('deletes only versions replaced more than an hour ago: those older than the newest version already current then', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const at = (minutesAgo: number) => ({ timestamp: new Date(now - minutesAgo * 60_000) });
    // Current from 90 until 30 minutes ago: replaced within the hour, so kept; the one before it goes.
    const cutoff = replacedBefore([at(120), at(90), at(30), at(0)], now)!;
    expect(cutoff.getTime()).toBeLessThan(at(90).timestamp.getTime());
    expect(cutoff.getTime()).toBeGreaterThan(at(120).timestamp.getTime());
    expect(replacedBefore([at(59), at(1)], now)).toBeUndefined();
    // A version that stayed current for days is kept until an hour after it was replaced.
    expect(replacedBefore([at(3 * 24 * 60), at(10)], now)!.getTime()).toBeLessThan(at(3 * 24 * 60).timestamp.getTime());
  });
});
