import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { readGroundingSet, runGrounding, type GroundingReport } from '../src/eval/run-grounding.ts';

/**
 * Regression guard on the claim check's quality (no model): our own training set, and the outside
 * development set when it is beside the repository (measured, never fitted on). The floors sit a
 * little under what the check reached when they were set, so quality cannot drop silently.
 */
const evalDir = [resolve('../shared/eval'), resolve('../../shared/eval')].find((d) => existsSync(join(d, 'grounding-dev.jsonl')));
if (!evalDir) console.warn('grounding guard on the outside set skipped: ../shared/eval/grounding-dev.jsonl is not here');

function rates({ byLabel }: GroundingReport) {
  const bad = Object.entries(byLabel).filter(([label]) => label !== 'supported');
  return {
    kept: byLabel.supported.kept / byLabel.supported.total,
    shown: bad.reduce((n, [, c]) => n + c.kept, 0) / bad.reduce((n, [, c]) => n + c.total, 0),
  };
}

async function measure(file: string) {
  return rates(runGrounding(readGroundingSet(file), await readPaperFile('data/papers.txt')));
}

describe('claim check quality', () => {
  it('keeps supported sentences and drops the rest on our own training set', async () => {
    const { kept, shown } = await measure('eval/grounding-train.jsonl');
    expect(kept).toBeGreaterThanOrEqual(0.97);
    expect(shown).toBeLessThanOrEqual(0.115);
  });

  it.skipIf(!evalDir)('stays within its floors on the outside development set', async () => {
    const { kept, shown } = await measure(join(evalDir!, 'grounding-dev.jsonl'));
    expect(kept).toBeGreaterThanOrEqual(0.865);
    expect(shown).toBeLessThanOrEqual(0.135);
  });
});
