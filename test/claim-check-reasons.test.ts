import { describe, expect, it } from 'vitest';
import { createClaimChecker } from '../src/answer/claim-check.ts';
import { unstatedReason } from '../src/answer/claim-checks/stated-reason.ts';

const video = {
  n: 1,
  title: 'Twin Encoders for Video',
  abstract:
    'We present TwinNet, which uses a frozen image model as the spatial encoder and a small network as the temporal encoder. ' +
    'A fusion branch is placed between the encoders to merge spatial and temporal features. ' +
    'TwinNet trains quickly because it never back-propagates through the frozen image model. ' +
    'Because long clips are costly, we sample sixteen frames per clip.',
};
const sentences = video.abstract.split(/(?<=\.) /);

describe('stated reasons and purposes', () => {
  it('finds no reason where the claim gives none', () => {
    expect(unstatedReason('TwinNet uses a small network as the temporal encoder.', [sentences])).toBeUndefined();
  });

  it('accepts a reason or purpose the paper states in one place', () => {
    expect(unstatedReason('The fusion branch sits between the encoders to merge spatial and temporal features.', [sentences])).toBeUndefined();
    expect(unstatedReason('TwinNet trains fast because it does not back-propagate through the frozen image model.', [sentences])).toBeUndefined();
    expect(unstatedReason('Because long clips are costly, only sixteen frames are sampled per clip.', [sentences])).toBeUndefined();
  });

  it('names a purpose or reason the paper never gives', () => {
    expect(unstatedReason('The fusion branch is placed between the encoders in order to cut memory use on phones.', [sentences])).toBe('in order to cut memory use on phones');
    expect(unstatedReason('TwinNet trains quickly because its temporal encoder reads low-resolution frames.', [sentences])).toBe(
      'because its temporal encoder reads low-resolution frames',
    );
  });

  it('reads a consequence the answer draws as it reads a reason', () => {
    expect(unstatedReason('TwinNet never back-propagates through the frozen image model, so it trains quickly.', [sentences])).toBeUndefined();
    expect(unstatedReason('TwinNet never back-propagates through the frozen image model, so it runs on any phone in real time.', [sentences])).toBe(
      'so it runs on any phone in real time',
    );
  });

  it('takes one unmatched word of a reason as a paraphrase, not an invention', () => {
    expect(unstatedReason('TwinNet trains quickly because it never back-propagates through the pretrained image model.', [sentences])).toBeUndefined();
  });

  it('rejects the claim whose purpose is invented and keeps the one whose purpose is stated', () => {
    const check = createClaimChecker([video]);
    expect(check('A fusion branch is placed between the encoders to merge spatial and temporal features [1].').kept).toBe(true);
    const invented = check('A fusion branch is placed between the spatial and temporal encoders to save energy [1].');
    expect(invented).toMatchObject({ kept: false, reason: '"to save energy" is not what the paper gives it for' });
  });
});
