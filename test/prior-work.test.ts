import { describe, expect, it } from 'vitest';
import { saidOfPriorWork } from '../src/answer/claim-checks/prior-work.ts';

const paper = [
  'Existing methods insert tunable structures into the pre-trained model, which requires back-propagation through the whole pre-trained model.',
  'In this work, we present DiST, which disentangles the learning of spatial and temporal aspects of videos.',
  'DiST is efficient because it avoids the back-propagation of massive pre-trained parameters.',
];
const self = new Set(['dist']);

describe('said of prior work', () => {
  it('rejects giving the paper\'s own method what the paper says of earlier work', () => {
    expect(saidOfPriorWork('DiST back-propagates through the whole pre-trained model.', paper, self)).toContain('whole');
    expect(saidOfPriorWork('It needs back-propagation through the whole pre-trained model.', paper, self)).toBeDefined();
  });

  it('keeps the same words said of earlier work, or of the method where the paper says them of it', () => {
    expect(saidOfPriorWork('Existing methods back-propagate through the whole pre-trained model.', paper, self)).toBeUndefined();
    expect(saidOfPriorWork('Unlike earlier methods, DiST skips back-propagation through the whole pre-trained model.', paper, self)).toBeUndefined();
    expect(saidOfPriorWork('DiST disentangles spatial and temporal learning of videos.', paper, self)).toBeUndefined();
  });

  it('reads "we show that" as reporting, so the earlier work it reports on stays earlier work', () => {
    const swap = ['We show that this is caused by flawed designs adopted in prior models: relying on long skip connections that leak identity.', 'We propose a swapper without skip connections.'];
    expect(saidOfPriorWork('It relies on long skip connections to keep details.', swap, new Set())).toBeDefined();
  });
});
