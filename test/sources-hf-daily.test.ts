import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchHfDaily, type FetchHfDailyOptions } from '../ingest/sources/hf-daily.ts';
import { isDailyDate } from '../src/text/paper-refs.ts';
import { createHttpClient, SourceError } from '../ingest/sources/http-client.ts';
import {
  closedPortUrl,
  createCapturingLogger,
  loadFixture,
  startFakePaperSources,
  type FakePaperSources,
} from './fakes/fake-paper-sources.ts';

const day = JSON.parse(loadFixture('hf-daily-2026-11-26.json')) as unknown[];
const malformed = JSON.parse(loadFixture('hf-daily-malformed.json')) as unknown[];

describe('fetchHfDaily against a local Hugging Face', () => {
  let fake: FakePaperSources;
  let capture: ReturnType<typeof createCapturingLogger>;
  let waits: number[];

  beforeEach(async () => {
    fake = await startFakePaperSources({ hfDays: { '2026-11-25': malformed, '2026-11-26': day } });
    capture = createCapturingLogger();
    waits = [];
  });
  afterEach(() => fake.close());

  const fetch = (options: Partial<FetchHfDailyOptions> = {}) =>
    fetchHfDaily({
      baseUrl: fake.baseUrl,
      http: createHttpClient({ sleep: async (ms) => void waits.push(ms), random: () => 0.5, logger: capture.logger, retries: 2 }),
      ...options,
    });

  it('maps a recorded day to papers with arXiv ids, HF links, upvotes and the extras', async () => {
    const papers = await fetch({ date: '2026-11-26' });
    expect(papers.map((p) => p.id)).toEqual(['2611.18342', '2611.17905', '2611.16011', '2611.15530']);
    expect(papers[0]).toEqual({
      id: '2611.18342',
      title: 'Streaming Speech Translation with Monotonic Chunk Attention',
      abstract:
        'Simultaneous speech translation systems must decide when to emit output before the speaker has finished. ' +
        'We propose Monotonic Chunk Attention (MCA), which learns chunk boundaries jointly with the translation objective. ' +
        'On MuST-C En-De, MCA reduces average lagging by 31% at equal BLEU.',
      authors: ['Mei Lin Tan', 'Jonas Becker', 'Priya Raghavan'],
      url: 'https://huggingface.co/papers/2611.18342',
      publishedAt: '2026-11-24T17:58:31.000Z',
      upvotes: 87,
      source: 'hf-daily',
      submittedOnDailyAt: '2026-11-26T01:07:19.488Z',
      githubRepo: 'https://github.com/example-lab/mca-simulst',
      projectPage: 'https://example-lab.github.io/mca/',
      aiSummary:
        'Monotonic Chunk Attention learns when to emit translations during streaming speech, cutting latency by about a third without losing quality.',
      aiKeywords: ['simultaneous speech translation', 'monotonic attention', 'average lagging', 'MuST-C'],
    });
  });

  it('leaves out extras HF sent as null, empty or not at all', async () => {
    const [, retrieval, rewards, tokenizer] = await fetch({ date: '2026-11-26' });
    expect(retrieval).not.toHaveProperty('githubRepo');
    expect(retrieval).toMatchObject({ aiKeywords: ['late interaction', 'ColBERT', 'residual compression', 'incremental indexing'] });
    expect(Object.keys(rewards!).sort()).toEqual(
      ['abstract', 'authors', 'id', 'publishedAt', 'source', 'submittedOnDailyAt', 'title', 'upvotes', 'url'].sort(),
    );
    expect(tokenizer).not.toHaveProperty('projectPage');
    expect(tokenizer).not.toHaveProperty('aiSummary');
    expect(tokenizer).not.toHaveProperty('aiKeywords');
  });

  it('asks for the date as JSON, with the descriptive User-Agent', async () => {
    await fetch({ date: '2026-11-26' });
    const [request] = fake.requests;
    expect(request!.path).toBe('/api/daily_papers');
    expect(Object.fromEntries(request!.params)).toEqual({ date: '2026-11-26', limit: '50', p: '0' });
    expect(request!.headers.accept).toBe('application/json');
    expect(request!.headers['user-agent']).toBe('Paperboy/0.1 (+https://github.com/paperboy-bot/paperboy)');
  });

  it('fetches the latest list when no date is given', async () => {
    const papers = await fetch();
    expect(fake.requests[0]!.params.has('date')).toBe(false);
    expect(papers).toHaveLength(4);
  });

  it('returns nothing for a day without papers', async () => {
    expect(await fetch({ date: '2026-11-28' })).toEqual([]);
    expect(capture.warnings()).toEqual([]);
  });

  it('pages through a long day until a short page', async () => {
    const papers = await fetch({ date: '2026-11-26', pageSize: 3 });
    expect(papers.map((p) => p.id)).toEqual(['2611.18342', '2611.17905', '2611.16011', '2611.15530']);
    expect(fake.requests.map((r) => r.params.get('p'))).toEqual(['0', '1']);
  });

  it('stops paging when the API ignores the page number', async () => {
    const firstTwo = JSON.stringify(day.slice(0, 2));
    fake.enqueue('/api/daily_papers', { body: firstTwo }, { body: firstTwo }, { body: firstTwo });
    const papers = await fetch({ date: '2026-11-26', pageSize: 2 });
    expect(papers.map((p) => p.id)).toEqual(['2611.18342', '2611.17905']);
    expect(fake.requests).toHaveLength(2);
  });

  it('skips entries that do not fit, naming each in one warn line', async () => {
    const papers = await fetch({ date: '2026-11-25' });
    expect(papers.map((p) => p.id)).toEqual(['2611.20001']);
    const warnings = capture.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toBe(
      'hf-daily: skipped 3 of 4 entries: entry 1: paper.title: Required; ' +
        'entry 2: paper.id "not-an-arxiv-id" is not an arXiv id; ' +
        'entry 3: paper.upvotes: Expected number, received string',
    );
  });

  it('fails as a bad response when no entry has the documented shape', async () => {
    fake.enqueue('/api/daily_papers', { body: JSON.stringify([{ paper: { id: '2611.1' } }, { title: 'flat' }]) });
    const err = await fetch({ date: '2026-11-26' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ kind: 'bad-response' });
    expect((err as Error).message).toMatch(/^hf-daily: no entry had the documented shape \(did the API change\?\): entry 0: paper\.title: Required/);
    expect(capture.warnings()).toHaveLength(1);
  });

  it('fails as a bad response on JSON that is not a list, or not JSON at all', async () => {
    fake.enqueue('/api/daily_papers', { body: '{"error":"Invalid date"}' }, { body: '<!doctype html><title>Hugging Face</title>' });
    await expect(fetch({ date: '2026-11-26' })).rejects.toMatchObject({
      kind: 'bad-response',
      message: expect.stringContaining('expected a JSON array of daily papers from'),
    });
    await expect(fetch({ date: '2026-11-26' })).rejects.toMatchObject({
      kind: 'bad-response',
      message: expect.stringContaining('got: <!doctype html><title>Hugging Face</title>'),
    });
  });

  it('rejects a malformed date before sending anything', async () => {
    await expect(fetch({ date: '2026-02-30' })).rejects.toMatchObject({
      kind: 'bad-query',
      message: 'hf-daily: "2026-02-30" is not a date like 2026-11-27',
    });
    expect(fake.requests).toEqual([]);
  });

  it('passes HF’s own 4xx on without retrying', async () => {
    fake.enqueue('/api/daily_papers', { status: 400, body: '{"error":"Invalid date"}' });
    await expect(fetch({ date: '2026-11-26' })).rejects.toMatchObject({ kind: 'http', status: 400, attempts: 1 });
    expect(waits).toEqual([]);
  });

  it('retries a flaky HF and still returns the day', async () => {
    fake.enqueue('/api/daily_papers', { status: 502, body: 'Bad Gateway' });
    expect(await fetch({ date: '2026-11-26' })).toHaveLength(4);
    expect(waits).toEqual([750]);
    expect(capture.warnings()).toEqual([]);
  });

  it('lets a caller abort without logging a source failure', async () => {
    fake.enqueue('/api/daily_papers', { hang: 'headers' });
    const controller = new AbortController();
    const pending = fetch({ date: '2026-11-26', signal: controller.signal });
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    expect(capture.warnings()).toEqual([]);
    expect(waits).toEqual([]);
  });

  it('fails with one clear error and one warn line, not a hang, when HF is down', async () => {
    const down = await closedPortUrl();
    const err = await fetch({ baseUrl: down, date: '2026-11-26' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ingest', source: 'hf-daily', kind: 'unavailable', attempts: 3 });
    expect((err as Error).message).toMatch(
      /^hf-daily: GET http:\/\/127\.0\.0\.1:\d+\/api\/daily_papers\?date=2026-11-26&limit=50&p=0 failed after 3 attempts: network error: .*ECONNREFUSED/,
    );
    expect(capture.warnings()).toEqual([expect.objectContaining({ source: 'hf-daily', kind: 'unavailable', msg: (err as Error).message })]);
    expect(waits).toEqual([750, 1_500]);
  });
});

describe('isDailyDate', () => {
  it.each(['2026-11-27', '2024-02-29', '1999-01-01'])('accepts %s', (d) => expect(isDailyDate(d)).toBe(true));
  it.each(['2026-11-31', '2025-02-29', '2026-13-01', '2026-1-27', '27-11-2026', '2026-11-27T00:00:00Z', ''])('rejects %j', (d) =>
    expect(isDailyDate(d)).toBe(false),
  );
});

describe('fetchHfDaily on entries recorded from the real Hugging Face', () => {
  const recorded = [
    JSON.parse(loadFixture('hf/hf_entry_2602.23229.json')) as unknown,
    { paper: JSON.parse(loadFixture('hf/hf_paper_2509.04664.json')) as unknown },
    { paper: JSON.parse(loadFixture('hf/hf_paper_2407.13168.json')) as unknown },
  ];
  let fake: FakePaperSources;
  beforeEach(async () => {
    fake = await startFakePaperSources({ hfDays: { '2026-03-02': recorded } });
  });
  afterEach(() => fake.close());
  const fetch = () => fetchHfDaily({ baseUrl: fake.baseUrl, date: '2026-03-02', http: createHttpClient({ logger: createCapturingLogger().logger, retries: 0 }) });

  it('reads each entry, its AI summary unwrapped and ready as a gist', async () => {
    const papers = await fetch();
    expect(papers.map((p) => p.id)).toEqual(['2602.23229', '2509.04664', '2407.13168']);
    expect(papers[1]).toMatchObject({ title: 'Why Language Models Hallucinate', url: 'https://huggingface.co/papers/2509.04664' });
    expect(papers[1]!.abstract).toMatch(/^Like students facing hard exam questions, large language models sometimes guess when uncertain/);
    for (const p of papers) {
      expect(p.aiSummary).toMatch(/^[A-Z].{40,}\.$/);
      expect(`${p.abstract}${p.aiSummary}`).not.toContain('\n');
    }
  });

  it('treats a list cut off mid-way as an error, not as a shorter day', async () => {
    const body = JSON.stringify(recorded);
    fake.enqueue('/api/daily_papers', { body: body.slice(0, Math.floor(body.length * 0.6)), headers: { 'content-type': 'application/json' } });
    await expect(fetch()).rejects.toMatchObject({ kind: 'bad-response' });
  });
});

