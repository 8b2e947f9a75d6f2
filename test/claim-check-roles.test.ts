import { describe, expect, it } from 'vitest';
import { createClaimChecker } from '../src/answer/claim-check.ts';
import { swappedRoles } from '../src/answer/claim-checks/swapped-roles.ts';

const codec = {
  n: 1,
  title: 'Content-Adaptive Video Codecs',
  abstract:
    'Our learnable encoder produces compact embeddings from each frame. ' +
    'These embeddings act as the decoder input, and the decoder reconstructs the frame at full resolution. ' +
    'The teacher and student networks share one vocabulary.',
};
const sentences = codec.abstract.split(/(?<=\.) /);

describe('swapped roles', () => {
  it('keeps counterparts in their places, and counterparts the answer says together', () => {
    expect(swappedRoles('A learnable encoder produces the embeddings that the decoder takes as input.', sentences)).toBeUndefined();
    expect(swappedRoles('The encoder and decoder work on each frame.', sentences)).toBeUndefined();
  });

  it('names counterparts that traded their words', () => {
    expect(swappedRoles('A learnable decoder produces the embeddings that act as the encoder input.', sentences)).toEqual(['decod', 'encod', 'learnabl', 'act']);
  });

  it('rejects the swapped claim and keeps the faithful one', () => {
    const check = createClaimChecker([codec]);
    expect(check('Its learnable encoder produces compact embeddings that act as the decoder input [1].').kept).toBe(true);
    expect(check('Its learnable decoder produces compact embeddings that act as the encoder input [1].')).toMatchObject({ kept: false, reason: expect.stringContaining('roles swapped') });
  });
});
