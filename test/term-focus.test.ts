import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { termFocus } from '../src/retrieve/term-focus.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const idfOf = (t: string) => ({ rate: 3, distortion: 3, video: 2, reading: 2.5, group: 2.5 })[t] ?? 1;
const paper = (...terms: string[]) => new Set(terms);

describe('term focus', () => {
  it('keeps the words that meet in the same papers at full weight and lowers words that meet none of them', () => {
    const core = new Map(['rate', 'distortion', 'reading', 'group'].map((t) => [t, 1]));
    const papers = [paper('rate', 'distortion', 'video'), paper('rate', 'distortion'), paper('reading', 'comprehension'), paper('group', 'residual')];
    const focus = termFocus(core, papers, idfOf);
    expect(focus.get('rate')).toBe(1);
    expect(focus.get('distortion')).toBe(1);
    // Never held beside another question word: the floor, a little over half of full weight.
    expect(focus.get('reading')).toBeCloseTo(0.1 ** 0.25);
    expect(focus.get('group')).toBeCloseTo(0.1 ** 0.25);
  });

  it('weighs a partly coherent word by the fourth root of its share against the most coherent', () => {
    const core = new Map(['rate', 'distortion', 'video'].map((t) => [t, 1]));
    // "video" meets both other words in one of its two papers; "rate" and "distortion" always meet each other.
    const papers = [paper('rate', 'distortion', 'video'), paper('video'), paper('rate', 'distortion')];
    const focus = termFocus(core, papers, idfOf);
    const coherence = { rate: (1 + 3 / 5) / 2, video: (1 + 0) / 2 };
    expect(focus.get('video')).toBeCloseTo((coherence.video / coherence.rate) ** 0.25);
    expect(focus.get('distortion')).toBe(1);
  });

  it('leaves a one-word question and words no candidate holds alone', () => {
    expect(termFocus(new Map([['rate', 1]]), [paper('rate')], idfOf).size).toBe(0);
    expect(termFocus(new Map([['rate', 1], ['video', 1]]), [paper('distortion')], idfOf).size).toBe(0);
  });
});

describe('topical questions wrapped in chat filler (bundled corpus)', () => {
  let t: Awaited<ReturnType<typeof makeTestEngine>>;
  beforeAll(async () => {
    t = await makeTestEngine();
  });
  afterAll(async () => t?.cleanup());

  it('ranks the topic\'s papers, not papers that share the filler words', async () => {
    // "reading group" and "tomorrow" are no topic; papers on reading comprehension or group quantization must not crowd out RL.
    const ranked = (await t.engine.search('reinforcement learning need it for a reading group tomorrow', { k: 10 })).map((h) => h.paper.title);
    expect(ranked).toEqual(expect.arrayContaining(['Improving the Language Understanding Capabilities of Large Language Models Using Reinforcement Learning', 'Selective Visual Representations Improve Convergence and Generalization for Embodied AI']));
  }, 120_000);
});
