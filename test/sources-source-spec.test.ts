import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRateGate } from '../ingest/sources/arxiv-rate-gate.ts';
import { createHttpClient } from '../ingest/sources/http-client.ts';
import { fetchSourceSpec } from '../ingest/sources/source-spec.ts';
import { parseSourceSpec } from '../src/source-spec.ts';
import { createCapturingLogger, loadFixture, startFakePaperSources, type FakePaperSources } from './fakes/fake-paper-sources.ts';

describe('parseSourceSpec', () => {
  it.each([
    ['hf-daily', { kind: 'hf-daily' }],
    ['hf-daily:', { kind: 'hf-daily' }],
    ['hf-daily:2026-11-27', { kind: 'hf-daily', date: '2026-11-27' }],
    [' HF-Daily:2026-11-27 ', { kind: 'hf-daily', date: '2026-11-27' }],
    ['arxiv:2501.12345', { kind: 'arxiv-ids', ids: ['2501.12345'] }],
    ['arxiv:2501.12345v2', { kind: 'arxiv-ids', ids: ['2501.12345'] }],
    ['arxiv:hep-th/9901001v1', { kind: 'arxiv-ids', ids: ['hep-th/9901001'] }],
    ['arxiv:2501.12345, 2501.54321v1,2501.12345', { kind: 'arxiv-ids', ids: ['2501.12345', '2501.54321'] }],
    ['arXiv:https://arxiv.org/abs/2501.12345v3', { kind: 'arxiv-ids', ids: ['2501.12345'] }],
    ['arxiv:cat:cs.CL', { kind: 'arxiv-query', query: 'cat:cs.CL' }],
    ['arxiv:ti:retrieval AND cat:cs.IR', { kind: 'arxiv-query', query: 'ti:retrieval AND cat:cs.IR' }],
    ['arxiv:2501.12345,cat:cs.CL', { kind: 'arxiv-query', query: '2501.12345,cat:cs.CL' }],
  ])('%j', (spec, expected) => {
    expect(parseSourceSpec(spec)).toEqual(expected);
  });

  it.each(['data/papers.txt', 'papers.jsonl', './hf-daily', 'hf-dailyx', 'arxiv', 'C:\\papers.txt'])('leaves %j to the caller', (spec) => {
    expect(parseSourceSpec(spec)).toBeUndefined();
  });

  it('explains a malformed remote spec', () => {
    expect(() => parseSourceSpec('hf-daily:27-11-2026')).toThrow('hf-daily: "hf-daily:27-11-2026": expected hf-daily or hf-daily:YYYY-MM-DD');
    expect(() => parseSourceSpec('hf-daily:2026-02-30')).toThrow(/expected hf-daily or hf-daily:YYYY-MM-DD/);
    expect(() => parseSourceSpec('arxiv:  ')).toThrow('arxiv: "arxiv:  ": expected arxiv:<id>[,<id>…] or arxiv:<query>, e.g. arxiv:cat:cs.CL');
  });
});

describe('fetchSourceSpec', () => {
  let fake: FakePaperSources;

  beforeEach(async () => {
    fake = await startFakePaperSources({
      hfDays: { '2026-11-26': JSON.parse(loadFixture('hf-daily-2026-11-26.json')) as unknown[] },
      arxivFeeds: {
        'cat:cs.CL': loadFixture('arxiv-cat-cs-cl.xml'),
        '2501.12345,hep-th/9901001': loadFixture('arxiv-id-list.xml'),
      },
    });
  });
  afterEach(() => fake.close());

  it('fetches what each kind of spec names from the configured bases', async () => {
    const deps = {
      http: createHttpClient({ logger: createCapturingLogger().logger, sleep: async () => undefined }),
      hfApiBase: fake.baseUrl,
      arxivApiBase: fake.baseUrl,
      arxivMaxResults: 2,
      arxivGate: createRateGate({ intervalMs: 0 }),
    };
    const fetchSpec = (spec: string) => fetchSourceSpec(parseSourceSpec(spec)!, deps);

    expect((await fetchSpec('hf-daily:2026-11-26')).map((p) => [p.source, p.id])).toEqual([
      ['hf-daily', '2611.18342'],
      ['hf-daily', '2611.17905'],
      ['hf-daily', '2611.16011'],
      ['hf-daily', '2611.15530'],
    ]);
    expect((await fetchSpec('arxiv:2501.12345v3,hep-th/9901001')).map((p) => p.id)).toEqual(['2501.12345', 'hep-th/9901001']);
    expect((await fetchSpec('arxiv:cat:cs.CL')).map((p) => p.id)).toEqual(['2611.21077', '2611.20950']);
    expect(fake.requests.map((r) => [r.path, r.params.get('date') ?? r.params.get('id_list') ?? r.params.get('search_query')])).toEqual([
      ['/api/daily_papers', '2026-11-26'],
      ['/api/query', '2501.12345,hep-th/9901001'],
      ['/api/query', 'cat:cs.CL'],
    ]);
    expect(fake.requests[2]!.params.get('max_results')).toBe('2');
  });
});
