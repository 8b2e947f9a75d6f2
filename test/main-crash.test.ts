/**
 * kill -9 mid-answer: the real bot process (its own process group) is killed after posting its
 * placeholder, a new process starts on the same store directory, and Slack's redeliveries of the
 * event reach it. The answer lands in the first process's placeholder, and nothing is posted twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai.ts';
import { BOT_TOKEN, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, eventCallback } from './fakes/slack-payloads.ts';
import { postSigned } from './fakes/slack-sign.ts';
import { freePort, slackBotEnv, spawnBot, waitUntilListening, type BotProcess } from './helpers/bot-process.ts';

const SECRET = 'crash-test-signing-secret';
const ANSWER = 'Neural audio codecs compress speech with residual vector quantization [1].';
let dir: string;
let slack: FakeSlackApi;
let openai: FakeOpenAi;
const bots: BotProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-crash-'));
  [slack, openai] = await Promise.all([startFakeSlackApi(), startFakeOpenAi()]);
}, 30_000);
afterAll(async () => {
  for (const bot of bots) if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
  await Promise.all([slack?.close(), openai?.close()]);
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

async function startBot(): Promise<{ bot: BotProcess; endpoint: string }> {
  const port = await freePort();
  const bot = spawnBot(
    {
      ...slackBotEnv({ dbUri: join(dir, 'db'), apiUrl: slack.apiUrl, signingSecret: SECRET, port }),
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_API_KEY: 'sk-fake',
      CHAT_MODEL: 'fake-chat',
      // A claimed question is protected for twice this: short, so the test's redelivery finds the dead attempt's lease over.
      ANSWER_TIMEOUT_MS: '8000',
    },
    { group: true },
  );
  bots.push(bot);
  const endpoint = `http://127.0.0.1:${port}/slack/events`;
  await waitUntilListening(endpoint, bot);
  return { bot, endpoint };
}

/** One cycle by default; `CRASH_CYCLES=20` measures the target (0 duplicates over 20 cycles). */
const CYCLES = Number(process.env.CRASH_CYCLES ?? 1);

describe('a bot process killed mid-answer', () => {
  it('is finished by the restarted process into the same placeholder, answered once', async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) await killAndRestart(`C0KILL${cycle}`);
  }, 180_000 * CYCLES);
});

async function killAndRestart(channel: string): Promise<void> {
  const mention = appMention({ text: `<@${BOT_USER_ID}> which papers propose neural audio codecs with residual vector quantization?`, channel });
  const body = eventCallback(mention);
  const deliver = (endpoint: string, retryNum?: number) => postSigned(endpoint, { body, contentType: 'application/json', signingSecret: SECRET, retryNum });

  // The first process answers slowly (a model that stalls), and is killed once its placeholder is up.
  openai.defaultReply = { text: ANSWER, chunkDelayMs: 60_000 };
  const requestsBefore = openai.chatRequests().length;
  const first = await startBot();
  await deliver(first.endpoint);
  const placeholder = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === channel, 30_000);
  // Killed while the model writes.
  while (openai.chatRequests().length === requestsBefore) await new Promise((r) => setTimeout(r, 50));
  process.kill(-first.bot.child.pid!, 'SIGKILL');
  expect(await first.bot.exited).toBeNull();

  openai.defaultReply = { text: ANSWER };
  const second = await startBot();
  // Slack redelivers (it never got the first process's answer); until the dead attempt's lease is
  // over, the new process leaves the question alone, then it finishes it.
  let retry = 1;
  const answered = slack.waitFor((c) => c.method === 'chat.update' && c.params.channel === channel && String(c.params.text).includes('Sources:'), 90_000);
  const redeliver = setInterval(() => void deliver(second.endpoint, retry++), 1000);
  try {
    const final = await answered;
    expect(final.params.ts).toBe(placeholder.response?.ts);
    expect(String(final.params.text)).toContain(ANSWER);
  } finally {
    clearInterval(redeliver);
  }
  // More redeliveries change nothing, and the process shuts down cleanly.
  await deliver(second.endpoint, retry++);
  second.bot.child.kill('SIGTERM');
  expect(await second.bot.exited).toBe(0);
  const calls = slack.calls.filter((c) => c.params.channel === channel);
  expect(calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  expect(calls.every((c) => c.method !== 'chat.update' || c.params.ts === placeholder.response?.ts)).toBe(true);
  expect(second.bot.stderr()).not.toContain(BOT_TOKEN);
}
