import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTorture } from '../tools/torture/torture.ts';
import { startS3Server, type S3Server } from './helpers/s3-server.ts';

describe('crash torture (short version of npm run torture)', () => {
  it('leaves an exact store after ingest, two-writer and rebuild runs are killed with SIGKILL and re-run', async () => {
    const report = await runTorture({ kills: 3, papers: 60, seed: 7 });
    expect(report.violations).toEqual([]);
    expect(report.trials).toBe(3);
    expect(report.byScenario).toMatchObject({ ingest: 1, 'two-writers': 1, rebuild: 1 });
  }, 300_000);

  describe('on S3', () => {
    let server: S3Server;
    beforeAll(async () => {
      server = await startS3Server(['paperboy']);
      // The killed writers are child processes: they find the server through these settings.
      Object.assign(process.env, server.env);
    }, 60_000);
    afterAll(() => server?.close());

    it('leaves an exact store on S3 after ingest, two-writer and rebuild runs are killed and re-run', async () => {
      const report = await runTorture({ kills: 3, papers: 60, seed: 11, store: 's3://paperboy' });
      expect(report.violations).toEqual([]);
      expect(report.byScenario).toMatchObject({ ingest: 1, 'two-writers': 1, rebuild: 1 });
    }, 300_000);
  });
});
