import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, eventCallback } from './fakes/slack-payloads.ts';
import { postSigned } from './fakes/slack-sign.ts';

const SECRET = 'main-test-signing-secret';
let dir: string;
let slack: FakeSlackApi;
let bot: ChildProcess;
let port: number;
let stderr = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: p } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return p;
}

async function waitUntilListening(url: string, deadline = Date.now() + 60_000): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await fetch(url, { method: 'POST' }).then(() => true, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`bot did not start:\n${stderr}`);
}

/** `npm start` as a user runs it: the composition root in its own process, Slack in HTTP mode. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-main-'));
  slack = await startFakeSlackApi();
  port = await freePort();
  bot = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      CI: 'true',
      PAPERBOY_DB_URI: join(dir, 'db'),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_HOST: '127.0.0.1',
      SLACK_PORT: String(port),
      // Nothing subscribes here, but make sure no path could reach the real Hugging Face.
      HF_API_BASE: 'http://127.0.0.1:9',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  bot.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitUntilListening(`http://127.0.0.1:${port}/slack/events`);
}, 90_000);

afterAll(async () => {
  if (bot.exitCode === null) bot.kill('SIGKILL');
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

describe('npm start with Slack configured', () => {
  it('answers a mention end to end and shuts down cleanly on SIGTERM', async () => {
    const response = await postSigned(`http://127.0.0.1:${port}/slack/events`, {
      body: eventCallback(appMention({ text: '<@U0PAPERBOY> which papers propose neural audio codecs with residual vector quantization?' })),
      contentType: 'application/json',
      signingSecret: SECRET,
    });
    expect(response.status).toBe(200);
    const update = await slack.waitFor((c) => c.method === 'chat.update', 30_000);
    expect(String(update.params.text)).toMatch(/\[1\]/);
    expect(JSON.stringify(update.params.blocks)).toMatch(/Codec/);

    const exited = new Promise<number | null>((resolve) => bot.once('exit', (code) => resolve(code)));
    bot.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toContain(BOT_TOKEN);
  }, 60_000);
});
