import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCitations } from '../src/answer/citation-check.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

let t: Awaited<ReturnType<typeof makeTestEngine>>;
beforeAll(async () => {
  t = await makeTestEngine();
});
afterAll(async () => t.cleanup());

describe('engine over the bundled corpus', () => {
  it('holds all 98 bundled papers after seeding', async () => {
    expect(await t.engine.countPapers()).toBe(98);
  });

  it('answers with citations that point at listed sources and quote the papers verbatim', async () => {
    const answer = await t.engine.ask('Which papers compare encoder-decoder and decoder-only language models?');
    expect(answer.abstained).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);
    const markers = [...answer.text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(new Set(markers)).toEqual(new Set(answer.citations.map((c) => c.n)));
    const papers = await t.store.getPapers(answer.citations.map((c) => c.paperId));
    expect(checkCitations(answer, new Map(papers.map((p) => [p.id, p])))).toEqual([]);
    expect(answer.citations.map((c) => c.title)).toContain('Decoder-Only or Encoder-Decoder? Interpreting Language Model as a Regularized Encoder-Decoder');
  });

  it('says so instead of answering when no paper covers the question', async () => {
    const answer = await t.engine.ask('How do I bake sourdough bread at high altitude?');
    expect(answer.abstained).toBe(true);
    expect(answer.citations).toEqual([]);
    expect(answer.text).toMatch(/no paper/i);
  });

  it('ranks the paper a question describes first', async () => {
    const hits = await t.engine.search('non-autoregressive encoder-only speech foundation model with CTC', { k: 5 });
    expect(hits[0]?.paper.title).toMatch(/^OWSM-CTC/);
    expect(hits[0]?.evidence.length).toBeGreaterThan(0);
    for (const e of hits[0]!.evidence) expect(hits[0]!.paper.abstract).toContain(e);
  });

  it('reads a follow-up in the context of the previous question, but not a new topic', async () => {
    const history = [
      { role: 'user' as const, text: 'Which papers propose neural audio codecs with residual vector quantization?' },
      { role: 'assistant' as const, text: 'HiFi-Codec [1] and Language-Codec [2].' },
    ];
    const followUp = await t.engine.ask('and which of those needs the fewest codebooks?', { history });
    expect(followUp.abstained).toBe(false);
    expect(followUp.citations[0]?.title).toMatch(/Codec/);
    const newTopic = await t.engine.ask('How do I bake sourdough bread at high altitude?', { history });
    expect(newTopic.abstained).toBe(true);
  });

  it('restricts retrieval to the given papers', async () => {
    const [only] = await t.engine.suggestTitles('mamba', 1);
    const hits = await t.engine.search('speech recognition', { k: 5, paperIds: [only!.id] });
    expect(hits.map((h) => h.paper.id)).toEqual([only!.id]);
  });

  it('looks papers up by id and by title words, and autocompletes titles', async () => {
    const [owsm] = await t.engine.suggestTitles('owsm', 5);
    expect(owsm?.title).toMatch(/^OWSM-CTC/);
    expect((await t.engine.paper(owsm!.id))?.title).toBe(owsm!.title);
    expect((await t.engine.paper('selective state spaces mamba'))?.title).toMatch(/^Mamba/);
    expect(await t.engine.paper('zzzz qqqq')).toBeUndefined();
  });
});
