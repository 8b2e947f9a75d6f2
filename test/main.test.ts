import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, eventCallback } from './fakes/slack-payloads.ts';
import { postSigned } from './fakes/slack-sign.ts';
import { freePort, slackBotEnv, spawnBot, waitUntilListening, type BotProcess } from './helpers/bot-process.ts';

const SECRET = 'main-test-signing-secret';
let dir: string;
let slack: FakeSlackApi;
let bot: BotProcess;
let port: number;

/** `npm start` as a user runs it: the composition root in its own process, Slack in HTTP mode. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-main-'));
  slack = await startFakeSlackApi();
  port = await freePort();
  bot = spawnBot(slackBotEnv({ dbUri: join(dir, 'db'), apiUrl: slack.apiUrl, signingSecret: SECRET, port }));
  await waitUntilListening(`http://127.0.0.1:${port}/slack/events`, bot);
}, 90_000);

afterAll(async () => {
  if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
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

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).not.toContain(BOT_TOKEN);
  }, 60_000);
});
