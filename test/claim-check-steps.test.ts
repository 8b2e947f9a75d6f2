import { describe, expect, it } from 'vitest';
import { createClaimChecker } from '../src/answer/claim-check.ts';
import { reversedSteps } from '../src/answer/claim-checks/step-order.ts';

const recipe = {
  n: 1,
  title: 'A Two-Stage Recipe for Small Captioners',
  abstract:
    'We first pre-train a large teacher captioner on web image-text pairs. ' +
    'After pre-training, the teacher labels a pool of unlabeled photos with pseudo-captions. ' +
    'Finally, a small student captioner is distilled on the pseudo-captions. ' +
    'Once trained, the student runs on a phone.',
};
const sentences = recipe.abstract.split(/(?<=\.) /);

describe('step order', () => {
  it('accepts steps told in the paper\'s order, however they are joined', () => {
    expect(reversedSteps('The teacher is first pre-trained on web image-text pairs and then labels unlabeled photos with pseudo-captions.', [sentences])).toBeUndefined();
    expect(reversedSteps('After the teacher labels the photos with pseudo-captions, a small student captioner is distilled on them.', [sentences])).toBeUndefined();
    expect(reversedSteps('The teacher pseudo-labels unlabeled photos before the student captioner is distilled.', [sentences])).toBeUndefined();
  });

  it('names two steps the answer tells in the reverse of the paper\'s order', () => {
    expect(reversedSteps('A small student is first distilled on pseudo-captions, and then the teacher is pre-trained on web image-text pairs.', [sentences])).toEqual([
      'distil pseudo caption',
      'teacher pretrain web imag text pair',
    ]);
    expect(reversedSteps('The student captioner is distilled first, and the teacher is then pre-trained on web pairs.', [sentences])).toBeDefined();
  });

  it('reads "a first judgment" as a judgment, not as the first step', () => {
    expect(reversedSteps('The teacher gives a first pseudo-caption to each photo, then a student captioner is distilled.', [sentences])).toBeUndefined();
  });

  it('rejects the reversed recipe and keeps the faithful one', () => {
    const check = createClaimChecker([recipe]);
    expect(check('The method first pre-trains a teacher captioner on web image-text pairs and then distills a student captioner on its pseudo-captions [1].').kept).toBe(true);
    expect(check('The method first distills a student captioner on pseudo-captions and then pre-trains a teacher captioner on web image-text pairs [1].')).toMatchObject({
      kept: false,
      reason: expect.stringContaining('steps in the wrong order'),
    });
  });
});
