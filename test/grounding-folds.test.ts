import { describe, expect, it } from 'vitest';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { crossValidateGrounding, formatGroundingFolds } from '../src/eval/grounding-folds.ts';
import { readGroundingSet, runGrounding } from '../src/eval/run-grounding.ts';

describe('grounding cross-validation', () => {
  it('measures every item once, out of fold, with floors chosen on the other folds', async () => {
    const items = readGroundingSet('eval/grounding-train.jsonl').slice(0, 4);
    const papers = await readPaperFile('data/papers.txt');
    const folds = crossValidateGrounding(items, papers, 2);
    const { byLabel } = runGrounding(items, papers);
    const notSupported = Object.entries(byLabel).filter(([label]) => label !== 'supported').reduce((n, [, c]) => n + c.total, 0);
    expect(folds.picks).toHaveLength(2);
    expect(folds.picks.every((p) => /^0\.\d+\/0\.\d+$/.test(p))).toBe(true);
    expect(folds.totals.supported).toBe(byLabel.supported.total);
    expect(folds.totals.unsupported).toBe(notSupported);
    expect(folds.totals.keptSupported).toBeLessThanOrEqual(folds.totals.supported);
    expect(formatGroundingFolds(folds)).toMatch(/^2-fold cross-validated .*\nsupported kept: \d+\/\d+ = [\d.]+\nnot supported shown: \d+\/\d+ = [\d.]+$/);
    // 25 floor pairs over the items: slow on a loaded machine, however small the set.
  }, 240_000);
});
