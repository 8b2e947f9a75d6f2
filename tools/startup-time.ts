/**
 * Start-up of `npm start` until Slack is connected: `npx tsx tools/startup-time.ts [--runs 5] [--store DIR]`.
 * Runs the real npm script (built runtime, its process settings) in Slack HTTP mode against the fake
 * Slack Web API (test/fakes/fake-slack-api.ts, on 127.0.0.1), on a store that already holds the bundled
 * corpus, and times from spawn until GET /healthz answers 200 with Slack connected; then SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { openStore } from '../src/store/lance-store.ts';
import { BOT_TOKEN, startFakeSlackApi } from '../test/fakes/fake-slack-api.ts';
import { freePort } from '../test/helpers/ports.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, store: { type: 'string' } } });
const scratch = values.store ? undefined : await mkdtemp(join(tmpdir(), 'paperboy-startup-'));
const uri = values.store ?? join(scratch!, 'db');
if (!values.store) {
  // Seeded once, outside the timing: a bot restarts on a store it already has.
  const embedder = new HashedEmbedder();
  const store = await openStore({ uri, embedder: { name: embedder.name, dimensions: embedder.dimensions } });
  await ingestPapers(await readPaperFile('data/papers.txt'), { store, embedder });
  store.close();
}
const slack = await startFakeSlackApi();
const timings: number[] = [];
try {
  for (let run = 0; run < Number(values.runs); run++) {
    const port = await freePort();
    const started = performance.now();
    const bot = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, CI: 'true', PAPERBOY_DB_URI: uri, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: 'startup-time', SLACK_API_URL: slack.apiUrl, SLACK_HOST: '127.0.0.1', SLACK_PORT: String(port), HF_API_BASE: 'http://127.0.0.1:9', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    try {
      for (;;) {
        if (bot.exitCode !== null) throw new Error(`npm start exited with ${bot.exitCode} before Slack was connected`);
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (res?.status === 200 && ((await res.json()) as { platforms?: { slack?: string } }).platforms?.slack === 'connected') break;
        await new Promise((r) => setTimeout(r, 10));
      }
      timings.push(performance.now() - started);
    } finally {
      bot.kill('SIGTERM');
      await new Promise((r) => (bot.exitCode !== null ? r(undefined) : bot.once('exit', r)));
    }
  }
} finally {
  await slack.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}
const sorted = [...timings].sort((a, b) => a - b);
console.log(JSON.stringify({ runs: timings.length, startToConnectedMs: timings.map(Math.round), p50Ms: Math.round(sorted[Math.floor(sorted.length / 2)]!) }));
