import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp } from '../adapters/slack/create-slack-app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { PaperboyError } from '../src/errors.ts';
import { APP_TOKEN, BOT_TOKEN, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, eventCallback } from './fakes/slack-payloads.ts';
import { postSigned } from './fakes/slack-sign.ts';
import { freePort } from './helpers/ports.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const silent = pino({ level: 'silent' });
const NO_DOTENV = '/nonexistent/.env';

let fake: FakeSlackApi;
let t: Awaited<ReturnType<typeof makeTestEngine>>;
beforeAll(async () => {
  [fake, t] = await Promise.all([startFakeSlackApi(), makeTestEngine()]);
});
afterAll(async () => {
  await Promise.all([fake?.close(), t?.cleanup()]);
});

const limits: Config['limits'] = { ratePerMinute: 6, maxQuestionChars: 2000 };

/** An HTTP-mode app on a free loopback port, talking to the fake API. */
function httpApp(config: Partial<NonNullable<Config['slack']>> = {}) {
  return createSlackApp({
    engine: t.engine, claims: t.claims,
    config: { botToken: BOT_TOKEN, signingSecret: 'secret', port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, slashCommand: '/papers', ...config },
    limits,
    logger: silent,
  });
}

/** The Slack settings exactly as `loadConfig` validates them from the environment. */
function slackFrom(env: Record<string, string>): NonNullable<Config['slack']> {
  return loadConfig(env, NO_DOTENV).slack!;
}

describe('Socket Mode', () => {
  it('is used when SLACK_APP_TOKEN is set: connects through apps.connections.open and answers over the socket', async () => {
    // No trailing slash on purpose: the adapter adds the one the Web API client needs.
    const config = slackFrom({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.apiUrl.replace(/\/$/, '') });
    const slack = createSlackApp({ engine: t.engine, claims: t.claims, config, limits, logger: silent });
    await slack.start();
    try {
      expect(slack.address()).toBeUndefined();
      expect(fake.socketClients()).toBe(1);
      expect(slack.connected()).toBe(true);
      expect(fake.callsTo('auth.test').at(-1)?.token).toBe(BOT_TOKEN);
      expect(fake.callsTo('apps.connections.open').at(-1)?.token).toBe(APP_TOKEN);

      const mention = appMention({ text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`, channel: 'C0SOCKET' });
      const ack = await fake.sendEnvelope({ envelope_id: 'env-1', type: 'events_api', payload: JSON.parse(eventCallback(mention)) });
      expect(ack).toEqual({});
      const update = await fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === 'C0SOCKET');
      expect(JSON.stringify(update.params.blocks)).toContain('Mistral-SPLADE');
      expect(fake.callsTo('chat.postMessage').find((c) => c.params.channel === 'C0SOCKET')?.params.thread_ts).toBe(mention.ts);
    } finally {
      await slack.stop();
    }
    expect(slack.connected()).toBe(false);
  });

  it('turns a rejected app token into a clear platform error', async () => {
    const rejecting = await startFakeSlackApi({ validTokens: [BOT_TOKEN] });
    try {
      const config = slackFrom({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-revoked', SLACK_API_URL: rejecting.apiUrl });
      const error = await createSlackApp({ engine: t.engine, claims: t.claims, config, limits, logger: silent }).start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaperboyError);
      expect(error).toMatchObject({ code: 'platform' });
      expect((error as Error).message).toMatch(/^Slack rejected SLACK_APP_TOKEN \(invalid_auth\)/);
      expect((error as Error).message).not.toContain('xapp-revoked');
    } finally {
      await rejecting.close();
    }
  });
});

describe('HTTP mode', () => {
  it('is used with SLACK_SIGNING_SECRET and listens on the configured host', async () => {
    const config = slackFrom({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: 'secret', SLACK_HOST: '127.0.0.1', SLACK_API_URL: fake.apiUrl });
    expect(config.appToken).toBeUndefined();
    const slack = createSlackApp({ engine: t.engine, claims: t.claims, config: { ...config, port: 0 }, limits, logger: silent });
    await slack.start();
    try {
      expect(slack.address()).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
      const res = await fetch(`http://127.0.0.1:${slack.address()!.port}/slack/events`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
    } finally {
      await slack.stop();
    }
    expect(slack.address()).toBeUndefined();
  });

  it('turns an invalid bot token at start into a clear platform error that names the setting, not the token', async () => {
    const slack = httpApp({ botToken: 'xoxb-wrong' });
    const error = await slack.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaperboyError);
    expect(error).toMatchObject({ code: 'platform' });
    expect((error as Error).message).toBe(
      'Slack rejected SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token (xoxb-…) under OAuth & Permissions into .env, and reinstall the app if it was changed.',
    );
    expect(slack.address()).toBeUndefined();
    await slack.stop();
  });

  it('names SLACK_API_URL, within a bounded retry, when Slack cannot be reached there', async () => {
    const closed = await freePort();
    const error = await httpApp({ apiUrl: `http://127.0.0.1:${closed}/api/` }).start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'platform' });
    expect((error as Error).message).toBe(
      `Cannot reach SLACK_API_URL (http://127.0.0.1:${closed}/api/) (ECONNREFUSED): check the network, a proxy, or SLACK_API_URL.`,
    );
  });

  it('names SLACK_API_URL when it is not the Web API base (no /api/)', async () => {
    const origin = fake.apiUrl.replace(/api\/$/, '');
    const error = await httpApp({ apiUrl: origin }).start().catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `SLACK_API_URL (${origin}) answered HTTP 404 for auth.test: it must be the Web API base, ending in /api/ (e.g. https://slack.com/api/).`,
    );
    // Three bounded attempts, not the client's default ten over half an hour.
    expect(fake.calls.filter((c) => c.method === '/auth.test')).toHaveLength(3);
  });

  it('gives up on an answer Slack keeps failing after three quick retries, then apologises the same way', async () => {
    const slack = httpApp();
    await slack.start();
    try {
      const inOutage = (p: Record<string, unknown>) => p.channel === 'C0OUTAGE';
      for (let i = 0; i < 8; i++) fake.failNext('chat.update', 'lose-response', inOutage);
      const mention = appMention({ text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`, channel: 'C0OUTAGE' });
      await postSigned(`http://127.0.0.1:${slack.address()!.port}/slack/events`, {
        body: eventCallback(mention),
        contentType: 'application/json',
        signingSecret: 'secret',
      });
      // Four attempts at the answer, four at the apology: the client's default would try eleven times over half an hour.
      const updates = () => fake.callsTo('chat.update').filter((c) => inOutage(c.params));
      await expect.poll(() => updates().length, { timeout: 40_000, interval: 200 }).toBe(8);
      expect(updates().slice(4).every((c) => c.params.text === updates()[4]!.params.text)).toBe(true);
      expect(String(updates()[4]!.params.text)).toMatch(/^Sorry/);
    } finally {
      await slack.stop();
    }
  }, 60_000);

  it('reports a port that is taken as a platform error naming the settings', async () => {
    const first = httpApp();
    await first.start();
    try {
      const error = await httpApp({ port: first.address()!.port }).start().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'platform', message: expect.stringMatching(/could not listen on 127\.0\.0\.1:\d+ \(SLACK_HOST\/SLACK_PORT\).*EADDRINUSE/) });
    } finally {
      await first.stop();
    }
  });

  it('refuses to build without a way to receive events', () => {
    expect(() => httpApp({ signingSecret: undefined })).toThrow(
      expect.objectContaining({ code: 'config' }),
    );
  });
});

describe('logs', () => {
  it('never contain the tokens, even at trace level with Bolt and the Web API client logging requests', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const config = slackFrom({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.apiUrl });
    const slack = createSlackApp({ engine: t.engine, claims: t.claims, config, limits, logger });
    await slack.start();
    try {
      const mention = appMention({ text: `<@${BOT_USER_ID}> sparse retrieval`, channel: 'C0LOGS' });
      await fake.sendEnvelope({ envelope_id: 'env-logs', type: 'events_api', payload: JSON.parse(eventCallback(mention)) });
      await fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === 'C0LOGS');
    } finally {
      await slack.stop();
    }
    const log = lines.join('');
    expect(log).toContain('http request url');
    expect(log).not.toContain(BOT_TOKEN);
    expect(log).not.toContain(APP_TOKEN);
  });
});
