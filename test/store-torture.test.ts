import { describe, expect, it } from 'vitest';
import { runTorture } from '../tools/torture/torture.ts';

describe('crash torture (short version of npm run torture)', () => {
  it('leaves an exact store after ingest, two-writer and rebuild runs are killed with SIGKILL and re-run', async () => {
    const report = await runTorture({ kills: 3, papers: 60, seed: 7 });
    expect(report.violations).toEqual([]);
    expect(report.trials).toBe(3);
    expect(report.byScenario).toMatchObject({ ingest: 1, 'two-writers': 1, rebuild: 1 });
  }, 300_000);
});
