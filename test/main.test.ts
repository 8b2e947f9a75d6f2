/**
 * `npm start` as a user runs it: the composition root (src/main.ts) in its own process, against the
 * fakes of Slack and Discord. Start-up failures, health, SIGTERM and fatal closes are observed the
 * way a supervisor would: exit codes, stderr, and HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startFakeDiscord } from './fakes/fake-discord.ts';
import { BOT_TOKEN, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, eventCallback } from './fakes/slack-payloads.ts';
import { postSigned } from './fakes/slack-sign.ts';
import { freePort } from './helpers/ports.ts';

const SECRET = 'main-test-signing-secret';
const DISCORD_TOKEN = 'main-test-discord-token.Nzk5';
let dir: string;
let tinyCorpus: string;
let slack: FakeSlackApi;
let bot: ChildProcess;
let port: number;
let stderr = '';

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** src/main.ts in its own process with `env` on top of a quiet, offline base. */
function runMain(env: Record<string, string>): Run {
  let err = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, CI: 'true', HF_API_BASE: 'http://127.0.0.1:9', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, stderr: () => err, exited };
}

/** A run that must fail at start-up: its one line of stderr. */
async function startupFailure(env: Record<string, string>): Promise<string> {
  const run = runMain({ PAPERBOY_DB_URI: join(dir, `db-${Math.random().toString(36).slice(2)}`), PAPERBOY_CORPUS: tinyCorpus, ...env });
  expect(await run.exited).toBe(1);
  const lines = run.stderr().trim().split('\n');
  expect(lines).toHaveLength(1);
  for (const secret of [BOT_TOKEN, DISCORD_TOKEN, 'xoxb-revoked-token']) expect(lines[0]).not.toContain(secret);
  return lines[0]!;
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
  tinyCorpus = join(dir, 'one-paper.jsonl');
  await writeFile(tinyCorpus, `${JSON.stringify({ id: '2501.00001', title: 'A tiny corpus', abstract: 'One paper is enough to start.' })}\n`);
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
  it('answers a mention end to end', async () => {
    const response = await postSigned(`http://127.0.0.1:${port}/slack/events`, {
      body: eventCallback(appMention({ text: '<@U0PAPERBOY> which papers propose neural audio codecs with residual vector quantization?' })),
      contentType: 'application/json',
      signingSecret: SECRET,
    });
    expect(response.status).toBe(200);
    const update = await slack.waitFor((c) => c.method === 'chat.update', 30_000);
    expect(String(update.params.text)).toMatch(/\[1\]/);
    expect(JSON.stringify(update.params.blocks)).toMatch(/Codec/);
  }, 60_000);

  it('serves GET /healthz on the Slack port: store readable, Slack connected', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, store: 'readable', platforms: { slack: 'connected' } });
  });

  it('on SIGTERM finishes the answer in progress, then exits 0', async () => {
    // Slack takes a while to accept the placeholder: the answer is mid-way when SIGTERM arrives.
    slack.failNext('chat.postMessage', { delayMs: 1500 }, (p) => p.channel === 'C0INFLIGHT');
    await postSigned(`http://127.0.0.1:${port}/slack/events`, {
      body: eventCallback(appMention({ text: '<@U0PAPERBOY> which papers improve speech recognition?', channel: 'C0INFLIGHT' })),
      contentType: 'application/json',
      signingSecret: SECRET,
    });
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === 'C0INFLIGHT');

    const exited = new Promise<number | null>((resolve) => bot.once('exit', (code) => resolve(code)));
    bot.kill('SIGTERM');
    expect(await exited).toBe(0);
    const answer = slack.callsTo('chat.update').find((c) => c.params.channel === 'C0INFLIGHT');
    expect(String(answer?.params.text)).toMatch(/\[1\]/);
    expect(stderr).not.toContain(BOT_TOKEN);
  }, 60_000);
});

describe('npm start that cannot work names the setting to fix and exits non-zero', () => {
  it('SLACK_API_URL without /api/', async () => {
    const origin = slack.apiUrl.replace(/api\/$/, '');
    expect(await startupFailure({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: String(await freePort()), SLACK_API_URL: origin })).toBe(
      `paperboy: SLACK_API_URL (${origin}) answered HTTP 404 for auth.test: it must be the Web API base, ending in /api/ (e.g. https://slack.com/api/).`,
    );
  }, 60_000);

  it('Slack unreachable', async () => {
    const url = `http://127.0.0.1:${await freePort()}/api/`;
    expect(await startupFailure({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: String(await freePort()), SLACK_API_URL: url })).toBe(
      `paperboy: Cannot reach SLACK_API_URL (${url}) (ECONNREFUSED): check the network, a proxy, or SLACK_API_URL.`,
    );
  }, 60_000);

  it('a rejected Slack token', async () => {
    expect(await startupFailure({ SLACK_BOT_TOKEN: 'xoxb-revoked-token', SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: String(await freePort()), SLACK_API_URL: slack.apiUrl })).toMatch(
      /^paperboy: Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)/,
    );
  }, 60_000);

  it('Discord unreachable', async () => {
    const url = `http://127.0.0.1:${await freePort()}/api`;
    expect(await startupFailure({ DISCORD_TOKEN, DISCORD_API_URL: url })).toBe(
      `paperboy: Cannot reach DISCORD_API_URL (${url}) (ECONNREFUSED): check the network, a proxy, or DISCORD_API_URL.`,
    );
  }, 60_000);

  it('a rejected Discord token', async () => {
    const discord = await startFakeDiscord({ token: 'another-token' });
    onTestFinished(() => discord.close());
    expect(await startupFailure({ DISCORD_TOKEN, DISCORD_API_URL: discord.apiUrl })).toBe(
      'paperboy: Discord rejected DISCORD_TOKEN. Copy the bot token from the Developer Portal (your app → Bot → Reset Token).',
    );
  }, 60_000);
});

describe('npm start with Discord only', () => {
  it('serves /healthz on HEALTH_PORT, and exits non-zero naming DISCORD_TOKEN when Discord closes the gateway with 4004', async () => {
    const discord = await startFakeDiscord({ token: DISCORD_TOKEN });
    onTestFinished(() => discord.close());
    const healthPort = await freePort();
    const run = runMain({
      PAPERBOY_DB_URI: join(dir, 'db-discord'),
      PAPERBOY_CORPUS: tinyCorpus,
      DISCORD_TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      HEALTH_PORT: String(healthPort),
      HEALTH_HOST: '127.0.0.1',
    });
    await discord.waitForFrame((f) => f.op === 2, 30_000);
    let health: Response | undefined;
    await expect
      .poll(async () => (health = await fetch(`http://127.0.0.1:${healthPort}/healthz`).catch(() => undefined))?.status, { timeout: 30_000 })
      .toBe(200);
    expect(await health!.json()).toEqual({ ok: true, store: 'readable', platforms: { discord: 'connected' } });

    discord.closeGateway(4004, 'Authentication failed.');
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain('paperboy: Discord rejected DISCORD_TOKEN.');
    expect(run.stderr()).not.toContain(DISCORD_TOKEN);
  }, 60_000);
});
