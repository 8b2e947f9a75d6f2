/**
 * A hostile paper (as a daily refresh could pull in) asked about on both platforms through the real
 * clients: Bolt against the fake Slack API, discord.js against the fake Discord. Whatever reaches
 * the far side is read the way the platform would render it: no link but our own Sources, no mention.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot } from '../adapters/discord/create-discord-bot.ts';
import { createDiscordDigestPoster } from '../adapters/discord/digest-poster.ts';
import { createSlackApp } from '../adapters/slack/create-slack-app.ts';
import { createDigestWebClient, createSlackDigestPoster } from '../adapters/slack/digest-poster.ts';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { buildDigest } from '../src/digest/build-digest.ts';
import type { Digest } from '../src/digest/types.ts';
import { createLogger } from '../src/logger.ts';
import { startFakeDiscord, type FakeDiscord, type SentMessageBody } from './fakes/fake-discord.ts';
import { BOT_TOKEN, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, eventCallback, slashCommand } from './fakes/slack-payloads.ts';
import { postSigned } from './fakes/slack-sign.ts';
import { discordTexts, renderDiscord, renderSlack, type Rendered } from './helpers/rendered-links.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const EVIL = [
  '[click me](https://evil.example/phish) and [again](https://evil.example/two) on one line',
  'bare https://evil.example/bare <https://evil.example/angle|x> www.evil.example',
  '@everyone @here <!channel> <!here> <!subteam^S0TEAM|@team> <@U0VICTIM> <#C0SECRET>',
  '<@123456789012345678> <@&223456789012345678> <#323456789012345678>',
  '||spoiler|| *bold* _it_ ~~strike~~ `code`',
].join(' ');
const PAPERS = [
  {
    id: '2501.00666',
    title: `# Quokka routing for sparse transformers ${EVIL}`,
    abstract: `# Heading\n> quoted\n- listed\n1. numbered\nQuokka routing sends each token to one expert. ${EVIL}. Quokka routing improves throughput by forty percent over dense layers. ${EVIL}`,
    authors: ['<@U0VICTIM>', '@everyone', '[Mallory](https://evil.example/author)'],
    url: 'https://arxiv.org/abs/2501.00666',
  },
  {
    id: '2501.00667',
    title: `Quokka routing, revisited [x](https://evil.example/3)`,
    abstract: `We revisit quokka routing for mixture-of-experts layers. ${EVIL}. Quokka routing scales to many experts.`,
    authors: ['Eve'],
    url: 'https://arxiv.org/abs/2501.00667',
  },
  {
    id: '2501.00668',
    title: 'Dense layers for speech recognition',
    abstract: 'We train dense layers for speech recognition. The model reaches a low word error rate.',
    authors: ['Bob'],
    url: 'https://arxiv.org/abs/2501.00668',
  },
];
const SOURCES = new Set(PAPERS.map((p) => p.url));
const QUESTION = 'What does quokka routing improve?';
const SIGNING_SECRET = 'test-signing-secret-0123456789';
const TOKEN = 'hostile-token-Nzk5.discord-bot';
const silent = pino({ level: 'silent' });

let testEngine: Awaited<ReturnType<typeof makeTestEngine>>;
let digest: Digest;
let corpusDir: string;

beforeAll(async () => {
  corpusDir = await mkdtemp(join(tmpdir(), 'paperboy-hostile-'));
  const file = join(corpusDir, 'hostile.jsonl');
  await writeFile(file, PAPERS.map((p) => JSON.stringify(p)).join('\n'));
  // The bundled papers first, as a store would hold, then the day's hostile ones: the digest is theirs.
  testEngine = await makeTestEngine();
  const since = new Date();
  await ingestPapers(await readPaperFile(file), testEngine);
  digest = await buildDigest(testEngine, { since, until: new Date(Date.now() + 60_000), at: new Date(), timezone: 'UTC' });
  expect(digest.paperIds.sort()).toEqual(PAPERS.map((p) => p.id));
});
afterAll(async () => {
  await testEngine?.cleanup();
  await rm(corpusDir, { recursive: true, force: true });
});

/** Only the papers' own links (at least one, or the test would prove nothing) and no mention. */
function expectSafe(rendered: Rendered[]): void {
  const links = rendered.flatMap((r) => r.links);
  expect(links.length).toBeGreaterThan(0);
  expect(links.filter((url) => !SOURCES.has(url))).toEqual([]);
  expect(rendered.flatMap((r) => r.mentions)).toEqual([]);
}

describe('a hostile paper on Slack', () => {
  let fake: FakeSlackApi;
  let slack: ReturnType<typeof createSlackApp>;
  let endpoint: string;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    slack = createSlackApp({
      engine: testEngine.engine,
      claims: testEngine.claims,
      config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, slashCommand: '/papers' },
      limits: { ratePerMinute: 1000, maxQuestionChars: 2000 },
      logger: silent,
    });
    await slack.start();
    endpoint = `http://127.0.0.1:${slack.address()!.port}/slack/events`;
  });
  afterAll(async () => {
    await slack?.stop();
    await fake?.close();
  });

  async function command(text: string) {
    const responseUrl = fake.responseUrl();
    await postSigned(endpoint, { body: slashCommand({ text, responseUrl }), contentType: 'application/x-www-form-urlencoded', signingSecret: SIGNING_SECRET });
    return (await fake.waitFor((c) => c.method === 'response_url' && c.url === responseUrl && !c.params.delete_original)).params;
  }

  it('shows no link but the Sources and pings no one in answers, search, paper and digests', async () => {
    const mention = appMention({ text: `<@${BOT_USER_ID}> ${QUESTION}`, channel: 'C0HOSTILE' });
    await postSigned(endpoint, { body: eventCallback(mention), contentType: 'application/json', signingSecret: SIGNING_SECRET });
    const answer = (await fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === 'C0HOSTILE')).params;
    expect(JSON.stringify(answer.blocks)).toContain('Quokka routing improves throughput');

    const replies = [answer, await command(`ask ${QUESTION}`), await command('search quokka routing'), await command('paper 2501.00666')];
    expect(JSON.stringify(replies[3]!.blocks)).toContain('Quokka routing sends each token');
    // The Web API takes form fields (strings); a response URL takes JSON.
    const placeholder = fake.callsTo('chat.postMessage').find((c) => c.params.channel === 'C0HOSTILE')!.params;
    for (const message of [placeholder, replies[1]!]) {
      expect([message.unfurl_links, message.unfurl_media].map(String)).toEqual(['false', 'false']);
    }

    const poster = createSlackDigestPoster({ client: createDigestWebClient({ botToken: BOT_TOKEN, apiUrl: fake.apiUrl }, silent), logger: silent });
    await poster.post({ platform: 'slack', channelId: 'C0DIGEST' }, digest, 'slack:C0DIGEST|2030-01-07', { posted: {}, accepted: async () => undefined });
    const digestPosts = fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0DIGEST').map((c) => c.params);
    expect(digestPosts.length).toBeGreaterThan(1);

    expectSafe([...replies, ...digestPosts].map((params) => renderSlack(params as { text?: string; blocks?: unknown[] })));
  });
});

describe('a hostile paper on Discord', () => {
  let fake: FakeDiscord;
  let bot: ReturnType<typeof createDiscordBot>;
  const STRING = 3;

  beforeAll(async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    bot = createDiscordBot({
      engine: testEngine.engine,
      claims: testEngine.claims,
      config: { token: TOKEN, apiUrl: fake.apiUrl, messageContent: true },
      limits: { ratePerMinute: 100, maxQuestionChars: 2000 },
      logger: createLogger('silent'),
    });
    await bot.start();
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  const command = async (name: string, option: string, value: string) => {
    const { token } = fake.slashCommand({ name, options: [{ type: STRING, name: option, value }] });
    return (await fake.waitForRequest((r) => r.method === 'PATCH' && r.route === `/webhooks/${fake.appId}/${token}/messages/@original`)).body as SentMessageBody;
  };

  it('shows no link but the Sources and pings no one in answers, search, paper and digests', async () => {
    const replies = [await command('ask', 'question', QUESTION), await command('search', 'query', 'quokka routing'), await command('paper', 'title', '2501.00666')];
    expect(replies[0]!.embeds[0]!.description).toContain('Quokka routing improves throughput');

    fake.message({ content: `<@${fake.botUser.id}> ${QUESTION}`, mentionsBot: true });
    const mentionReply = await fake.waitForRequest((r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages`);
    replies.push(mentionReply.body as SentMessageBody);

    const before = fake.requests.length;
    await createDiscordDigestPoster(bot.client).post({ platform: 'discord', channelId: fake.channelId }, digest, `discord:${fake.channelId}|2030-01-07`, { posted: {}, accepted: async () => undefined });
    const digestPosts = fake.requests.slice(before).filter((r) => r.method === 'POST' && r.route.endsWith('/messages')).map((r) => r.body as SentMessageBody);
    expect(digestPosts.length).toBeGreaterThan(1);

    for (const body of [...replies, ...digestPosts]) expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expectSafe([...replies, ...digestPosts].flatMap((body) => discordTexts(body).map(renderDiscord)));
  });
});
