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

  it('answers a follow-up that points back from the papers the previous answer cited', async () => {
    const earlier = ['Unveiling Encoder-Free Vision-Language Models', 'Exploring the Potential of Encoder-free Architectures in 3D LMMs'];
    const history = [
      { role: 'user' as const, text: 'which papers study encoder-free multimodal models?' },
      { role: 'assistant' as const, text: `2 papers speak to this:\n\n*${earlier[0]}* [1]: …\n\n*${earlier[1]}* [2]: …` },
    ];
    const followUp = await t.engine.ask('which of those works on point clouds?', { history });
    expect(followUp.abstained).toBe(false);
    expect(followUp.citations[0]?.title).toBe(earlier[1]);
    for (const c of followUp.citations) expect(earlier).toContain(c.title);
  });

  it('answers "which of those is…" with the one paper, and "does it…" with the sentence that says so', async () => {
    const first = 'implicit neural video representations';
    const earlier = await t.engine.ask(first);
    expect(earlier.citations.length).toBeGreaterThan(1);
    const history = [{ role: 'user' as const, text: first }, { role: 'assistant' as const, text: earlier.text }];
    const which = await t.engine.ask('which of those is faster to train?', { history });
    expect(which.citations.map((c) => c.title)).toEqual(['HNeRV: A Hybrid Neural Representation for Videos']);
    const code = await t.engine.ask('does it release code?', { history: [{ role: 'user', text: 'otov2?' }, { role: 'assistant', text: (await t.engine.ask('otov2?')).text }] });
    expect(code.citations[0]?.quote).toMatch(/^The source code is available/);
  });

  it('answers "the second one" from the paper the previous answer named second', async () => {
    const earlier = ['Unveiling Encoder-Free Vision-Language Models', 'Exploring the Potential of Encoder-free Architectures in 3D LMMs', 'Video-Panda: Parameter-efficient Alignment for Encoder-free Video-Language Models'];
    const history = [
      { role: 'user' as const, text: 'which papers study encoder-free multimodal models?' },
      { role: 'assistant' as const, text: `3 papers speak to this:\n\n${earlier.map((t, i) => `*${t}* [${i + 1}]: …`).join('\n\n')}` },
    ];
    for (const [place, title] of [['second', earlier[1]], ['last', earlier[2]], ['first', earlier[0]]] as const) {
      const answer = await t.engine.ask(`tell me more about the ${place} one`, { history });
      expect(answer.citations.map((c) => c.title), place).toEqual([title]);
    }
  });

  it('answers a follow-up from the paper the previous answer missed when none it cited has what the follow-up asks', async () => {
    const cited = 'Unveiling Encoder-Free Vision-Language Models';
    const history = [
      { role: 'user' as const, text: 'which papers study encoder-free multimodal models?' },
      { role: 'assistant' as const, text: `*${cited}* [1]: …` },
    ];
    const followUp = await t.engine.ask('does any of them work on point clouds?', { history });
    expect(followUp.abstained).toBe(false);
    expect(followUp.citations[0]?.title).toBe('Exploring the Potential of Encoder-free Architectures in 3D LMMs');
    // What the cited paper does have keeps the follow-up on it.
    const onCited = await t.engine.ask('which of those bridges vision-language representation in one decoder?', { history });
    expect(onCited.citations.map((c) => c.title)).toEqual([cited]);
  });

  it('meets greetings and "what can you do" with what it does and two example questions, not a refusal', async () => {
    for (const message of ['hi', 'hello hello', '<@U0123ABCD> what can you do?', 'help']) {
      const answer = await t.engine.ask(message);
      expect(answer.capabilities).toBe(true);
      expect(answer.abstained).toBe(false);
      expect(answer.citations).toEqual([]);
      expect(answer.text).not.toMatch(/no paper/i);
      expect(answer.text.match(/^• /gm)).toHaveLength(2);
    }
    expect((await t.engine.ask('hi, which papers study audio codecs?')).capabilities).toBeUndefined();
  });

  it('searches the question, not the chat noise around it', async () => {
    const noisy = await t.engine.search('<!channel> hey all, which papers propose audio codecs? thx lol 🙏', { k: 3 });
    const clean = await t.engine.search('which papers propose audio codecs?', { k: 3 });
    expect(noisy.map((h) => h.paper.id)).toEqual(clean.map((h) => h.paper.id));
  });

  it('finds the paper despite a typo, and a word no paper uses does not by itself refuse', async () => {
    const [hit] = await t.engine.search('mamaba selective state spaces', { k: 1 });
    expect(hit?.paper.title).toMatch(/^Mamba/);
    const answer = await t.engine.ask('does the mamba paper use selective state spaces, fwiw?');
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]?.title).toMatch(/^Mamba/);
  });

  it('answers despite typos in word endings the stemmer cannot undo', async () => {
    const answer = await t.engine.ask('interpretabilty with codebok features');
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]?.title).toMatch(/^Codebook Features/);
  });

  it('abstains on a near miss: a topic no paper covers, though its words meet a paper here and there', async () => {
    // "speech … recognition" and "vision transformers" are topics of several papers; emotion and satellites are not.
    for (const question of ['speech emotion recognition in call centers', 'vision transformers for satellite imagery']) {
      expect((await t.engine.ask(question)).abstained).toBe(true);
    }
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
