import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine.ts';
import { asksForOne, asksForSeveral } from '../src/retrieve/asks-for-several.ts';
import { SHIPPED_MODELS } from '../src/retrieve/relevance.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

describe('asksForSeveral', () => {
  it('recognises questions that ask for the papers on a topic', () => {
    for (const q of ['Which papers use knowledge distillation?', 'any studies on audio codecs', 'anything on state space models?', 'Is there work on early-exit networks?', 'what do we have on masked image modeling', 'speech codec stuff?', 'sparse retrieval - what\'s there', 'who compares encoders with decoders?', 'can any of these models run on a phone?'])
      expect(asksForSeveral(q), q).toBe(true);
  });

  it('leaves questions about one paper or one fact alone', () => {
    for (const q of ['How does ModernBERT-Large-Instruct classify without a head?', 'the mamba paper?', 'Which model works best for zero-shot generalization?', 'Is there work that leaves the encoder alone?'])
      expect(asksForSeveral(q), q).toBe(false);
  });
});

describe('citing papers for a question that asks for several', () => {
  let t: Awaited<ReturnType<typeof makeTestEngine>>;
  beforeAll(async () => {
    t = await makeTestEngine();
  });
  afterAll(async () => t.cleanup());

  it('applies the paper model’s several-papers floor to list questions and its general floor to the rest', async () => {
    // A general floor nothing reaches and a several-papers floor everything reaches: only the list question cites more than its best paper.
    const models = { ...SHIPPED_MODELS, paper: { ...SHIPPED_MODELS.paper, floor: 1.01, severalFloor: 0 } };
    const engine = createEngine({ store: t.store, embedder: t.embedder, models });
    const listed = await engine.ask('Which papers are about speech recognition?');
    const single = await engine.ask('How is speech recognition done with large language models?');
    expect(listed.citations.length).toBeGreaterThan(1);
    expect(listed.text).toMatch(new RegExp(`^${listed.citations.length} papers speak to this`));
    expect(single.citations.length).toBe(1);
  });
});

describe('asksForOne', () => {
  it('recognises a question asking which one of the papers named before fits', () => {
    for (const q of ['which of those uses evolutionary search?', 'which one uses Mistral?', 'which of those is faster to train?', 'which of them targets speech language models?', 'which one only needs 4 codebooks?'])
      expect(asksForOne(q), q).toBe(true);
  });

  it('leaves questions asking for every paper that fits alone', () => {
    for (const q of ['which of them use large language models?', 'which of those discuss pruning?', 'which of these are open source?', 'which papers use distillation?', 'does any of them handle video?'])
      expect(asksForOne(q), q).toBe(false);
  });
});
