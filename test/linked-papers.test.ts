/**
 * A question that names an arXiv paper the store lacks: the real arXiv client fetches it from the
 * fake arXiv API, the real pipeline ingests it, and the real engine answers from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPapers } from '../ingest/pipeline.ts';
import { createRateGate } from '../ingest/sources/arxiv-rate-gate.ts';
import { fetchArxiv } from '../ingest/sources/arxiv.ts';
import { createHttpClient } from '../ingest/sources/http-client.ts';
import { arxivIdsIn, withoutPaperLinks } from '../src/linked-papers/paper-links.ts';
import { withLinkedPapers } from '../src/linked-papers/with-linked-papers.ts';
import { createLogger } from '../src/logger.ts';
import { closedPortUrl, loadFixture, startFakePaperSources, type FakePaperSources } from './fakes/fake-paper-sources.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const logger = createLogger('silent');

describe('arxivIdsIn', () => {
  it('finds arXiv and Hugging Face links, arXiv: references and bare ids, without versions or repeats', () => {
    expect(
      arxivIdsIn(
        'compare https://arxiv.org/abs/2501.12345v2, https://arxiv.org/pdf/2402.00001.pdf, https://huggingface.co/papers/2611.18342 ' +
          'and arXiv:hep-th/9901001 with 2501.12345',
      ),
    ).toEqual(['2501.12345', '2402.00001', '2611.18342', 'hep-th/9901001']);
    expect(arxivIdsIn('what improves speech recognition? version 2.1 is out')).toEqual([]);
    expect(withoutPaperLinks('summarise https://arxiv.org/abs/2501.12345 please')).toBe('summarise please');
  });
});

describe('a question that links a paper', () => {
  let sources: FakePaperSources;
  let t: Awaited<ReturnType<typeof makeTestEngine>>;
  const http = createHttpClient({ logger, retries: 0, timeoutMs: 5_000 });
  const fetchFrom = (baseUrl: string) => (ids: string[]) => fetchArxiv({ baseUrl, http, ids, gate: createRateGate({ intervalMs: 0 }) });

  beforeAll(async () => {
    [sources, t] = await Promise.all([
      startFakePaperSources({ arxivFeeds: { '2501.12345': loadFixture('arxiv-id-list.xml') } }),
      makeTestEngine(),
    ]);
  });
  afterAll(async () => {
    await sources?.close();
    await t?.cleanup();
  });

  it('fetches it from arXiv, ingests it, and answers from it; asked again, it is in the store', async () => {
    const engine = withLinkedPapers(t.engine, { ...t, ingestPapers, fetchPapers: fetchFrom(sources.baseUrl), logger });
    expect(await t.store.getPapers(['2501.12345'])).toEqual([]);

    const answer = await engine.ask('summarise https://arxiv.org/abs/2501.12345');
    expect(answer.abstained).toBe(false);
    expect(answer.citations.map((c) => c.paperId)).toEqual(['2501.12345']);
    expect(answer.text).toMatch(/Contrastive Pre-training of Scientific Abstracts/);
    // Only the named paper was stored, not the other entry of the same feed.
    expect((await t.store.getPapers(['2501.12345', 'hep-th/9901001'])).map((p) => p.id)).toEqual(['2501.12345']);

    const requests = sources.requests.length;
    expect((await engine.ask('what does 2501.12345 pre-train?')).citations[0]?.paperId).toBe('2501.12345');
    expect(sources.requests).toHaveLength(requests);
  });

  it('says it cannot reach arXiv when offline, and says so when arXiv has no such paper', async () => {
    const offline = withLinkedPapers(t.engine, { ...t, ingestPapers, fetchPapers: fetchFrom(await closedPortUrl()), logger });
    expect(await offline.ask('summarise https://arxiv.org/abs/2501.99999')).toMatchObject({
      abstained: true,
      citations: [],
      text: 'I could not reach arXiv to fetch 2501.99999. Try again in a while, or ask without the link.',
    });
    const online = withLinkedPapers(t.engine, { ...t, ingestPapers, fetchPapers: fetchFrom(sources.baseUrl), logger });
    expect((await online.ask('summarise arXiv:2501.99998')).text).toBe('arXiv has no paper 2501.99998.');
  });

  it('leaves questions without a paper link to the engine', async () => {
    const engine = withLinkedPapers(t.engine, { ...t, ingestPapers, fetchPapers: () => Promise.reject(new Error('must not fetch')), logger });
    const question = 'Which model does speech recognition with CTC?';
    expect((await engine.ask(question)).text).toBe((await t.engine.ask(question)).text);
  });
});
