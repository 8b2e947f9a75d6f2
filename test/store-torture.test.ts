import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processSettings } from '../scripts/process-settings.mjs';
import { runTorture } from '../tools/torture/torture.ts';
import { startS3Server, type S3Server } from './helpers/s3-server.ts';

describe('crash torture (short version of npm run torture)', () => {
  it('leaves an exact store after ingest, two-writer and rebuild runs are killed with SIGKILL and re-run', async () => {
    const report = await runTorture({ kills: 3, papers: 60, seed: 7 });
    expect(report.violations).toEqual([]);
    expect(report.trials).toBe(3);
    expect(report.byScenario).toMatchObject({ ingest: 1, 'two-writers': 1, rebuild: 1 });
  }, 300_000);

  it.runIf(process.platform === 'linux')("runs its writers with `npm run ingest`'s process settings, the operator's PAPERBOY_NODE_FLAGS included", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paperboy-torture-probe-'));
    // Each writer preloads this probe, which records what its process started with.
    const probe = join(dir, 'probe.cjs');
    await writeFile(probe, `require('fs').appendFileSync(${JSON.stringify(join(dir, 'seen.jsonl'))}, JSON.stringify({ env: process.env, flags: process.execArgv }) + '\\n');\n`);
    const flags = ['--max-semi-space-size=2', `--require=${probe}`];
    process.env.PAPERBOY_NODE_FLAGS = flags.join(' ');
    try {
      const report = await runTorture({ kills: 0, papers: 20, seed: 3 });
      expect(report.violations).toEqual([]);
      const seen = (await readFile(join(dir, 'seen.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { env: Record<string, string>; flags: string[] });
      expect(seen.length).toBeGreaterThan(0);
      // The settings' defaults, or this test's own environment's values where it sets them.
      const { env } = processSettings('ingest');
      const settings = Object.fromEntries(Object.keys(processSettings('ingest', {}).env).map((name) => [name, env[name]]));
      for (const writer of seen) {
        expect(writer.env).toMatchObject(settings);
        expect(writer.flags.slice(0, 2)).toEqual(flags);
      }
    } finally {
      delete process.env.PAPERBOY_NODE_FLAGS;
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

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
