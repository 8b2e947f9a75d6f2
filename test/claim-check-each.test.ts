import { describe, expect, it } from 'vitest';
import { createClaimChecker } from '../src/answer/claim-check.ts';
import { notSaidOfEach } from '../src/answer/claim-checks/said-of-each.ts';

const momentum = {
  n: 1,
  title: 'Momentum Teachers for Noisy Captions',
  abstract: 'We learn image-text representations from noisy web data. Our model learns from pseudo-targets produced by a momentum model, a slowly updated copy of itself.',
};
const prompts = {
  n: 2,
  title: 'Prompt Distillation from Large Teachers',
  abstract: 'We distill a large teacher model into a small student model through learnable prompts. The student learns from the teacher on unlabeled images.',
};

describe('claims said of every cited source', () => {
  it('names the cited paper that lacks several words another cited paper has', () => {
    const terms = (...t: string[]) => new Set(t);
    expect(notSaidOfEach(['learn', 'pseudo', 'momentum', 'model'], [{ n: 1, terms: terms('learn', 'pseudo', 'momentum', 'model') }, { n: 2, terms: terms('learn', 'model') }])).toEqual([2, ['pseudo', 'momentum']]);
    // One word the other paper words differently is a paraphrase; names belong to one paper each.
    expect(notSaidOfEach(['learn', 'teacher', 'model'], [{ n: 1, terms: terms('learn', 'teacher', 'model') }, { n: 2, terms: terms('learn', 'model') }])).toBeUndefined();
    expect(notSaidOfEach(['alpha', 'beta', 'model'], [{ n: 1, terms: terms('alpha', 'model') }, { n: 2, terms: terms('beta', 'model') }], new Set(['alpha', 'beta']))).toBeUndefined();
  });

  it('rejects "both" when one cited paper lacks what makes the claim, and keeps it when both have it', () => {
    const check = createClaimChecker([momentum, prompts]);
    expect(check('Both methods learn from pseudo-targets produced by a momentum model [1][2].')).toMatchObject({ kept: false, reason: expect.stringContaining('[2] lacks') });
    expect(check('Both papers learn a model from other models [1][2].').kept).toBe(true);
  });
});
