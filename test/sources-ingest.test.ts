import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPapers } from '../ingest/pipeline.ts';
import { createRateGate } from '../ingest/sources/arxiv-rate-gate.ts';
import { createHttpClient } from '../ingest/sources/http-client.ts';
import { fetchSourceSpec } from '../ingest/sources/source-spec.ts';
import { parseSourceSpec } from '../src/source-spec.ts';
import { createCapturingLogger, loadFixture, startFakePaperSources, type FakePaperSources } from './fakes/fake-paper-sources.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

/** Remote papers all the way into a real engine: fetched from the local fakes, ingested, then asked about. */
describe('remote sources feeding the real engine', () => {
  let fake: FakePaperSources;
  let testEngine: Awaited<ReturnType<typeof makeTestEngine>>;

  beforeAll(async () => {
    fake = await startFakePaperSources({
      hfDays: { '2026-11-26': JSON.parse(loadFixture('hf-daily-2026-11-26.json')) as unknown[] },
      arxivFeeds: { '2501.12345,hep-th/9901001': loadFixture('arxiv-id-list.xml') },
    });
    testEngine = await makeTestEngine();
  });
  afterAll(async () => {
    await testEngine?.cleanup();
    await fake?.close();
  });

  const fetchSpec = (spec: string) =>
    fetchSourceSpec(parseSourceSpec(spec)!, {
      http: createHttpClient({ logger: createCapturingLogger().logger }),
      hfApiBase: fake.baseUrl,
      arxivApiBase: fake.baseUrl,
      arxivGate: createRateGate({ intervalMs: 0 }),
    });

  it('ingests a Hugging Face day once, then finds its papers by id and by topic', async () => {
    const { engine, store, embedder } = testEngine;
    const before = await engine.countPapers();
    const papers = await fetchSpec('hf-daily:2026-11-26');

    expect(await ingestPapers(papers, { store, embedder })).toMatchObject({ added: 4, updated: 0, unchanged: 0 });
    expect(await ingestPapers(await fetchSpec('hf-daily:2026-11-26'), { store, embedder })).toMatchObject({ added: 0, unchanged: 4 });
    expect(await engine.countPapers()).toBe(before + 4);

    expect(await engine.paper('2611.18342')).toMatchObject({
      title: 'Streaming Speech Translation with Monotonic Chunk Attention',
      url: 'https://huggingface.co/papers/2611.18342',
      source: 'hf-daily',
      upvotes: 87,
      authors: ['Mei Lin Tan', 'Jonas Becker', 'Priya Raghavan'],
    });
    const hits = await engine.search('late-interaction retrieval re-indexing a billion documents', { k: 3 });
    expect(hits[0]!.paper.id).toBe('2611.17905');
  });

  it('ingests arXiv ids under their bare ids, whatever version was asked for', async () => {
    const { engine, store, embedder } = testEngine;
    const papers = await fetchSpec('arxiv:2501.12345v1,hep-th/9901001v1');
    expect(await ingestPapers(papers, { store, embedder })).toMatchObject({ added: 2 });
    expect(await engine.paper('2501.12345')).toMatchObject({
      title: 'Contrastive Pre-training of Scientific Abstracts for Zero-Shot Paper Recommendation',
      url: 'https://arxiv.org/abs/2501.12345',
      source: 'arxiv',
    });
    expect((await engine.paper('hep-th/9901001'))?.id).toBe('hep-th/9901001');
  });
});
