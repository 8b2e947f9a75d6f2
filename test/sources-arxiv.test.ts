import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRateGate } from '../ingest/sources/arxiv-rate-gate.ts';
import { decodeEntities, fetchArxiv, parseAtomEntries, type FetchArxivOptions } from '../ingest/sources/arxiv.ts';
import { createHttpClient, SourceError } from '../ingest/sources/http-client.ts';
import { normalizeArxivId } from '../src/text/paper-refs.ts';
import {
  closedPortUrl,
  createCapturingLogger,
  loadFixture,
  startFakePaperSources,
  type FakePaperSources,
} from './fakes/fake-paper-sources.ts';

describe('normalizeArxivId', () => {
  it.each([
    ['2501.12345', '2501.12345'],
    ['2501.12345v2', '2501.12345'],
    ['0704.0001v1', '0704.0001'],
    ['arXiv:2501.12345v10', '2501.12345'],
    ['http://arxiv.org/abs/2611.21077v2', '2611.21077'],
    ['https://arxiv.org/pdf/2611.21077v2.pdf', '2611.21077'],
    ['https://export.arxiv.org/abs/2611.21077', '2611.21077'],
    ['hep-th/9901001v1', 'hep-th/9901001'],
    ['http://arxiv.org/abs/hep-th/9901001v1', 'hep-th/9901001'],
    ['math.AG/0601001', 'math.AG/0601001'],
    ['cond-mat.mes-hall/0211022v3', 'cond-mat.mes-hall/0211022'],
    ['  2501.12345  ', '2501.12345'],
  ])('%s → %s', (raw, id) => {
    expect(normalizeArxivId(raw)).toBe(id);
  });

  it.each(['', 'cat:cs.CL', '2501.123456', '2501.123', '25011.2345', 'hep-th/990100', 'http://arxiv.org/api/errors#incorrect_id_format_for_x', '2501.12345v'])(
    'rejects %j',
    (raw) => {
      expect(normalizeArxivId(raw)).toBeUndefined();
    },
  );
});

describe('decodeEntities', () => {
  it('decodes the XML entities and character references in one pass', () => {
    expect(decodeEntities('a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &apos;s&apos;')).toBe(`a < b && c > d "q" 's'`);
    expect(decodeEntities('J&#246;rg &#xE9;t&#XE9; &#x1F600;')).toBe('Jörg été 😀');
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
  });

  it('leaves what it does not know as written', () => {
    expect(decodeEntities('&nbsp; &#0; &#x110000; & alone')).toBe('&nbsp; &#0; &#x110000; & alone');
  });
});

describe('parseAtomEntries', () => {
  it('reads every entry of a recorded feed, unwrapping titles and abstracts', () => {
    const entries = parseAtomEntries(loadFixture('arxiv-cat-cs-cl.xml'));
    expect(entries.map((e) => e.id)).toEqual([
      'http://arxiv.org/abs/2611.21077v2',
      'http://arxiv.org/abs/2611.20950v1',
      'http://arxiv.org/abs/2611.20811v1',
    ]);
    expect(entries[0]).toEqual({
      id: 'http://arxiv.org/abs/2611.21077v2',
      title: 'Retrieval-Augmented Generation Under Distribution Shift: When Does Re-ranking Help?',
      summary:
        'Retrieval-augmented generation (RAG) pipelines are usually tuned on one domain and deployed on another. ' +
        'We measure how a cross-encoder re-ranker changes answer accuracy when queries drift from the tuning domain, ' +
        'and find that re-ranking helps when recall@100 > 0.8 but hurts below it. Code & data are released.',
      published: '2026-11-25T18:59:58Z',
      authors: ['Sofia Almeida', 'Jörg Müller'],
      links: [
        { href: 'https://arxiv.org/abs/2611.21077v2', rel: 'alternate', type: 'text/html', title: undefined },
        { href: 'https://arxiv.org/pdf/2611.21077v2', rel: 'related', type: 'application/pdf', title: 'pdf' },
      ],
      categories: ['cs.CL', 'cs.IR'],
    });
  });

  it('puts the primary category first even when arXiv lists it later', () => {
    const [, asr] = parseAtomEntries(loadFixture('arxiv-cat-cs-cl.xml'));
    expect(asr!.categories).toEqual(['eess.AS', 'cs.CL', 'cs.SD']);
  });

  it('keeps CDATA verbatim and ignores comments and the feed-level title', () => {
    const xml = `<feed><title>Feed title</title><!-- <entry><id>ghost</id></entry> -->
      <entry><id>http://arxiv.org/abs/2501.00001v1</id><title><![CDATA[A &amp; B <i>and</i>]]> C &amp; D</title>
      <summary/><link href='https://x.example/?a=1&amp;b=2' rel='alternate'/><author><name/></author></entry></feed>`;
    expect(parseAtomEntries(xml)).toEqual([
      {
        id: 'http://arxiv.org/abs/2501.00001v1',
        title: 'A &amp; B <i>and</i> C & D',
        summary: '',
        published: '',
        authors: [],
        links: [{ href: 'https://x.example/?a=1&b=2', rel: 'alternate', type: undefined, title: undefined }],
        categories: [],
      },
    ]);
  });

  it('does not mistake longer element names for the ones it reads', () => {
    const xml = '<feed><entry><idx>no</idx><id>yes</id><titles>no</titles><title>T</title></entry></feed>';
    expect(parseAtomEntries(xml)[0]).toMatchObject({ id: 'yes', title: 'T' });
  });

  it('finds no entries in an empty feed', () => {
    expect(parseAtomEntries('<feed xmlns="http://www.w3.org/2005/Atom"><title>q</title></feed>')).toEqual([]);
  });
});

describe('fetchArxiv against a local arXiv', () => {
  let fake: FakePaperSources;
  let capture: ReturnType<typeof createCapturingLogger>;
  let waits: number[];
  let clock: number;

  beforeEach(async () => {
    fake = await startFakePaperSources({
      arxivFeeds: {
        'cat:cs.CL': loadFixture('arxiv-cat-cs-cl.xml'),
        '2501.12345,hep-th/9901001': loadFixture('arxiv-id-list.xml'),
        '2513.01234': loadFixture('arxiv-error.xml'),
      },
    });
    capture = createCapturingLogger();
    waits = [];
    clock = 0;
  });
  afterEach(() => fake.close());

  /** Injected sleep and clock: the gate and the backoff record their waits instead of waiting. */
  const deps = () => {
    const sleep = async (ms: number) => {
      waits.push(ms);
      clock += ms;
    };
    return {
      baseUrl: fake.baseUrl,
      http: createHttpClient({ sleep, random: () => 0.5, logger: capture.logger, retries: 2 }),
      gate: createRateGate({ now: () => clock, sleep }),
    };
  };
  const fetch = (options: Partial<FetchArxivOptions> & ({ query: string } | { ids: string[] })) =>
    fetchArxiv({ ...deps(), ...options } as FetchArxivOptions);

  it('turns a category query into papers with bare ids, abs URLs and unwrapped text', async () => {
    const papers = await fetch({ query: 'cat:cs.CL', maxResults: 3 });
    expect(papers.map((p) => p.id)).toEqual(['2611.21077', '2611.20950', '2611.20811']);
    expect(papers[0]).toEqual({
      id: '2611.21077',
      title: 'Retrieval-Augmented Generation Under Distribution Shift: When Does Re-ranking Help?',
      abstract:
        'Retrieval-augmented generation (RAG) pipelines are usually tuned on one domain and deployed on another. ' +
        'We measure how a cross-encoder re-ranker changes answer accuracy when queries drift from the tuning domain, ' +
        'and find that re-ranking helps when recall@100 > 0.8 but hurts below it. Code & data are released.',
      authors: ['Sofia Almeida', 'Jörg Müller'],
      url: 'https://arxiv.org/abs/2611.21077',
      publishedAt: '2026-11-25T18:59:58Z',
      source: 'arxiv',
      categories: ['cs.CL', 'cs.IR'],
    });
    expect(papers[1]!.abstract).toBe(
      'We fine-tune a small speech recognition model on 300 hours of code-switched Hindi-English speech and match a model ten times larger on word error rate (<12% WER on the held-out set).',
    );
  });

  it('asks for the newest submissions of the query, with its User-Agent', async () => {
    await fetch({ query: '  cat:cs.CL ', maxResults: 3 });
    const [request] = fake.requests;
    expect(request!.path).toBe('/api/query');
    expect(Object.fromEntries(request!.params)).toEqual({
      search_query: 'cat:cs.CL',
      start: '0',
      max_results: '3',
      sortBy: 'submittedDate',
      sortOrder: 'descending',
    });
    expect(request!.headers['user-agent']).toBe('Paperboy/0.1 (+https://github.com/paperboy-bot/paperboy)');
    expect(request!.headers.accept).toBe('application/atom+xml');
  });

  it('defaults to 50 results for a query and never returns more than asked', async () => {
    await fetch({ query: 'cat:cs.CL' });
    expect(fake.requests[0]!.params.get('max_results')).toBe('50');
    expect(await fetch({ query: 'cat:cs.CL', maxResults: 2 })).toHaveLength(2);
  });

  it('fetches ids without their versions, deduplicated, old-style ids included', async () => {
    const papers = await fetch({ ids: ['2501.12345v2', 'hep-th/9901001v1', 'arXiv:2501.12345'] });
    expect(Object.fromEntries(fake.requests[0]!.params)).toEqual({ id_list: '2501.12345,hep-th/9901001', max_results: '2' });
    expect(papers.map((p) => [p.id, p.url])).toEqual([
      ['2501.12345', 'https://arxiv.org/abs/2501.12345'],
      ['hep-th/9901001', 'https://arxiv.org/abs/hep-th/9901001'],
    ]);
    expect(papers[0]!.title).toBe('Contrastive Pre-training of Scientific Abstracts for Zero-Shot Paper Recommendation');
    expect(papers[0]!.authors).toEqual(["Grace O'Neill", 'Karim Haddad']);
    expect(papers[1]!.abstract).toBe(
      'We study boundary conditions for open strings ending on D-branes in a two-dimensional background and show that <T> is conserved.',
    );
  });

  it('returns nothing, without error, for ids arXiv does not have', async () => {
    expect(await fetch({ ids: ['2611.99999'] })).toEqual([]);
    expect(capture.warnings()).toEqual([]);
  });

  it('turns the HTTP 200 "Error" feed into a clear bad-query error and one warn line', async () => {
    const err = await fetch({ ids: ['2513.01234'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ code: 'ingest', source: 'arxiv', kind: 'bad-query' });
    expect((err as Error).message).toBe('arxiv: arXiv rejected the ids 2513.01234: incorrect id format for 2513.01234');
    expect(capture.warnings()).toEqual([expect.objectContaining({ source: 'arxiv', kind: 'bad-query', msg: (err as Error).message })]);
  });

  it('rejects malformed ids and empty queries before sending anything', async () => {
    await expect(fetch({ ids: ['2501.12345', 'not-an-id'] })).rejects.toMatchObject({
      kind: 'bad-query',
      message: 'arxiv: "not-an-id" is not an arXiv id (expected e.g. 2501.12345 or hep-th/9901001)',
    });
    await expect(fetch({ ids: [] })).rejects.toMatchObject({ kind: 'bad-query' });
    await expect(fetch({ query: '   ' })).rejects.toMatchObject({ kind: 'bad-query', message: 'arxiv: empty arXiv query' });
    await expect(fetch({ query: 'cat:cs.CL', maxResults: 0 })).rejects.toMatchObject({ kind: 'bad-query' });
    await expect(fetch({ query: 'cat:cs.CL', maxResults: 2001 })).rejects.toMatchObject({ kind: 'bad-query' });
    expect(fake.requests).toEqual([]);
  });

  it('backs off and retries when arXiv answers 200 "Rate exceeded."', async () => {
    fake.enqueue('/api/query', { body: 'Rate exceeded.\n' });
    const papers = await fetch({ query: 'cat:cs.CL', maxResults: 3 });
    expect(papers).toHaveLength(3);
    expect(fake.requests).toHaveLength(2);
    // The backoff (750 ms) already used part of the gate's 3 s; the gate waits out the rest.
    expect(waits).toEqual([750, 2_250]);
  });

  it('reports persistent throttling as rate-limited after the retries', async () => {
    fake.enqueue('/api/query', ...Array.from({ length: 3 }, () => ({ status: 503, body: 'Rate exceeded.' })));
    const err = await fetch({ query: 'cat:cs.CL' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate-limited', status: 503, attempts: 3 });
    expect((err as Error).message).toMatch(/^arxiv: GET .* failed after 3 attempts: HTTP 503: Rate exceeded\.$/);
    expect(capture.warnings()).toHaveLength(1);
  });

  it('calls a body that is not an Atom feed a bad response', async () => {
    fake.enqueue('/api/query', { body: '<html><body>Maintenance until 10:00 UTC</body></html>' });
    await expect(fetch({ query: 'cat:cs.CL' })).rejects.toMatchObject({
      kind: 'bad-response',
      message: expect.stringContaining('got: <html><body>Maintenance until 10:00 UTC</body></html>'),
    });
  });

  it('skips entries without an arXiv id and names them in one warn line', async () => {
    const feed = loadFixture('arxiv-cat-cs-cl.xml').replace('http://arxiv.org/abs/2611.20950v1', 'tag:example.org,2026:odd');
    fake.enqueue('/api/query', { body: feed });
    const papers = await fetch({ query: 'cat:cs.CL', maxResults: 3 });
    expect(papers.map((p) => p.id)).toEqual(['2611.21077', '2611.20811']);
    expect(capture.warnings()).toEqual([
      expect.objectContaining({ msg: 'arxiv: skipped 1 of 3 entries: entry id "tag:example.org,2026:odd" is not an arXiv id' }),
    ]);
  });

  it('keeps one request per 3 s across calls sharing a gate', async () => {
    const shared = deps();
    await fetchArxiv({ ...shared, query: 'cat:cs.CL' });
    await fetchArxiv({ ...shared, ids: ['2501.12345', 'hep-th/9901001'] });
    clock += 10_000;
    await fetchArxiv({ ...shared, query: 'cat:cs.CL' });
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([3_000]);
  });

  it('fails with one clear error, not a hang, when arXiv is down', async () => {
    const down = await closedPortUrl();
    const err = await fetchArxiv({ ...deps(), baseUrl: down, query: 'cat:cs.CL' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ source: 'arxiv', kind: 'unavailable', attempts: 3 });
    expect((err as Error).message).toMatch(/^arxiv: GET http:\/\/127\.0\.0\.1:\d+\/api\/query\?search_query=cat%3Acs\.CL.* failed after 3 attempts: network error: .*ECONNREFUSED/);
    expect(capture.warnings()).toHaveLength(1);
  });
});

describe('fetchArxiv against responses recorded from the real arXiv', () => {
  /** `{url, status_code, body}` as recorded. */
  const recorded = (name: string) => JSON.parse(loadFixture(`arxiv/${name}`)) as { status_code: number; body: string };
  const testing = recorded('q_testing_s0_m100_cfe7536492ca.json').body;
  const head = testing.slice(0, testing.indexOf('<entry>'));
  const entries = testing.match(/<entry>[\s\S]*?<\/entry>/g) ?? [];
  const feed = (list: string[]) => `${head}${list.join('\n  ')}\n</feed>\n`;
  let fake: FakePaperSources;
  let capture: ReturnType<typeof createCapturingLogger>;

  beforeEach(async () => {
    fake = await startFakePaperSources();
    capture = createCapturingLogger();
  });
  afterEach(() => fake.close());

  const fetch = (options: { query: string; since?: Date } | { ids: string[] }) =>
    fetchArxiv({
      baseUrl: fake.baseUrl,
      http: createHttpClient({ sleep: async () => undefined, logger: capture.logger, retries: 0 }),
      gate: createRateGate({ intervalMs: 0 }),
      ...options,
    } as FetchArxivOptions);

  it('reads all 100 entries of a real query answer', async () => {
    fake.enqueue('/api/query', { body: testing });
    const papers = await fetch({ query: 'testing', maxResults: 100 } as { query: string });
    expect(entries).toHaveLength(100);
    expect(papers).toHaveLength(100);
    expect(papers[0]).toMatchObject({ id: '2202.12139', title: 'Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques' });
  });

  it('refuses a feed cut off mid-way (33 of 100 entries, no </feed>) instead of passing it off as the whole list', async () => {
    const cut = testing.slice(0, testing.indexOf(entries[33]!) + 200);
    fake.enqueue('/api/query', { body: cut });
    const err = await fetch({ query: 'testing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ kind: 'bad-response' });
    expect((err as Error).message).toMatch(/cut off \(no <\/feed>\)/);
  });

  it('refuses a malformed feed (an entry never closed)', async () => {
    fake.enqueue('/api/query', { body: feed([...entries.slice(0, 5), entries[5]!.replace('</entry>', ''), ...entries.slice(6, 10)]) });
    await expect(fetch({ query: 'testing' })).rejects.toThrow(/malformed/);
  });

  it('shows arXiv’s own reason for an HTTP 400, not its XML', async () => {
    const { status_code: status, body } = recorded('id_abc_s0_m100_b79c8dcf6bc3.json');
    expect(status).toBe(400);
    fake.enqueue('/api/query', { status, body, headers: { 'content-type': 'application/atom+xml' } });
    const err = await fetch({ query: 'id:abc' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'bad-query', status: 400 });
    expect((err as Error).message).toMatch(/refused the request \(HTTP 400\): incorrect id format for abc$/);
    expect((err as Error).message).not.toContain('<');
  });

  it('returns nothing for the real empty feed of an unknown id', async () => {
    fake.enqueue('/api/query', { body: recorded('id_0000.0000_s0_m100_8b51d9633a68.json').body });
    expect(await fetch({ ids: ['0000.0000'] })).toEqual([]);
  });

  it('pages a query back until its results reach the window start (a catch-up), and reads one page otherwise', async () => {
    const byDate = [...entries].sort((a, b) => published(b).localeCompare(published(a)));
    const pages = [byDate.slice(0, 50), byDate.slice(50, 100)];
    fake.enqueue('/api/query', { body: feed(pages[0]!) }, { body: feed(pages[1]!) });
    const since = new Date(published(pages[1]![10]!));
    const papers = await fetch({ query: 'testing', since });
    expect(fake.requests.map((r) => r.params.get('start'))).toEqual(['0', '50']);
    expect(papers).toHaveLength(100);

    fake.enqueue('/api/query', { body: feed(pages[0]!) });
    expect(await fetch({ query: 'testing' })).toHaveLength(50);
    expect(fake.requests).toHaveLength(3);
  });
});

function published(entry: string): string {
  return /<published>([^<]+)<\/published>/.exec(entry)?.[1] ?? '';
}
