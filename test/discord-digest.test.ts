/**
 * Discord digests end to end: the real discord.js Client (createDiscordBot) and the Discord digest
 * poster against the fake Discord REST + gateway, a real digest service and scheduler over the real
 * engine (makeTestEngine), and the Hugging Face daily list served by the fake paper sources.
 * Time is an injected clock; assertions are on the REST calls Discord would receive.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { ingestPapers } from '../ingest/pipeline.ts';
import { createRateGate } from '../ingest/sources/arxiv-rate-gate.ts';
import { createHttpClient } from '../ingest/sources/http-client.ts';
import { sourceFetcher } from '../ingest/sources/source-spec.ts';
import { createDiscordBot } from '../adapters/discord/create-discord-bot.ts';
import { createDiscordDigestPoster, digestRef } from '../adapters/discord/digest-poster.ts';
import { registerCommands } from '../adapters/discord/register-commands.ts';
import type { Config } from '../src/config.ts';
import type { DigestDeps } from '../src/digest/delivery.ts';
import { createDigestService } from '../src/digest/digest-service.ts';
import { openDigestStore, type DigestStore } from '../src/digest/digest-store.ts';
import { ChannelGoneError } from '../src/digest/errors.ts';
import { refreshSources } from '../src/digest/refresh-sources.ts';
import { createDigestScheduler } from '../src/digest/scheduler.ts';
import type { PostProgress } from '../src/digest/types.ts';
import { createLogger } from '../src/logger.ts';
import type { Engine } from '../src/types.ts';
import { MEMBER_PERMISSIONS, startFakeDiscord, type FakeDiscord, type FakeDiscordOptions, type FakeUser, type RecordedRequest, type SentMessageBody } from './fakes/fake-discord.ts';
import { loadFixture, startFakePaperSources, type FakePaperSources } from './fakes/fake-paper-sources.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const TOKEN = 'digest-token-Nzk5.discord-bot';
const NO_PINGS = { parse: [], replied_user: false };
const ADMIN: FakeUser = { id: '300000000000000009', username: 'admin' };
/** A member with Manage Channels (16) besides the usual permissions. */
const MODERATOR: FakeUser = { id: '300000000000000007', username: 'moderator', permissions: String(BigInt(MEMBER_PERMISSIONS) | 16n) };
const [SUBCOMMAND, STRING] = [1, 3];
/** The fixture's list: four papers, ingested by the first scheduled run. */
const HF_DAY = JSON.parse(loadFixture('hf-daily-2026-11-26.json')) as { paper: { id: string; title: string } }[];
const HF_IDS = HF_DAY.map((e) => e.paper.id).sort();
/** Monday 08:00 UTC; the default schedule posts at 09:00 on weekdays. */
const START = '2030-01-07T08:00:00.000Z';
const FIRST_RUN = '2030-01-07T09:00:00.000Z';
const PAPERS_ARRIVE = '2030-01-07T07:30:00.000Z';

type MessageBody = SentMessageBody;
/** Progress for a poster called directly: nothing posted yet, nothing to record. */
const fresh = (): PostProgress => ({ posted: {}, accepted: async () => undefined });

const digest = (name: string, options: unknown[] = []) => ({ name: 'digest', options: [{ type: SUBCOMMAND, name, options }] });
const stringOption = (name: string, value: string) => ({ type: STRING, name, value });

describe('Discord digests', () => {
  let testEngine: Awaited<ReturnType<typeof makeTestEngine>>;
  let engine: Engine;
  let sources: FakePaperSources;
  const clock = { now: new Date(START) };
  const logger = createLogger('silent');

  beforeAll(async () => {
    testEngine = await makeTestEngine();
    engine = testEngine.engine;
    sources = await startFakePaperSources({ hfDays: { '2026-11-26': HF_DAY } });
    // The day's papers arrive before the first run, so previews see them too; runs re-fetch and find them stored.
    const fetchSource = sourceFetcher({ http: createHttpClient({ logger, retries: 0, timeoutMs: 5_000 }), hfApiBase: sources.baseUrl, arxivApiBase: sources.baseUrl });
    const { added } = await refreshSources({ ...testEngine, fetchSource, ingestPapers, logger }, [{ kind: 'hf-daily' }], { now: new Date(PAPERS_ARRIVE) });
    expect(added).toBe(HF_DAY.length);
  });
  afterAll(async () => {
    await testEngine.cleanup();
    await sources.close();
  });
  beforeEach(() => {
    clock.now = new Date(START);
  });

  /**
   * Subscriptions and the delivery ledger (with its run lease) of one test, in a LanceDB of its own,
   * so no test finds another's channels due or its lease held; the papers stay in the shared store.
   */
  async function freshDigestStore(): Promise<{ digestStore: DigestStore; close(): Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), 'paperboy-digest-'));
    const digestStore = await openDigestStore(await connect(dir));
    return {
      digestStore,
      async close() {
        digestStore.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  /**
   * The wiring `src/main.ts` uses: the service and scheduler share deps whose `posters` gets the
   * Discord poster once the bot (and so its REST client) exists. Each test gets a fresh fake, so a
   * fresh channel id and ledger; papers stay in the shared store.
   */
  async function start({ fakeOptions = {}, messageContent = false, withDigests = true }: { fakeOptions?: FakeDiscordOptions; messageContent?: boolean; withDigests?: boolean } = {}) {
    const fake = await startFakeDiscord({ token: TOKEN, ...fakeOptions });
    const ledger = await freshDigestStore();
    const config: Config['digest'] = {
      cron: '0 9 * * 1-5',
      timezone: 'UTC',
      sendEmpty: false,
      adminUserIds: [ADMIN.id],
      sources: [{ kind: 'hf-daily' }],
      hfApiBase: sources.baseUrl,
      arxivApiBase: sources.baseUrl,
    };
    const deps: DigestDeps = {
      engine,
      store: testEngine.store,
      embedder: testEngine.embedder,
      digestStore: ledger.digestStore,
      posters: {},
      config,
      fetchSource: sourceFetcher({
        http: createHttpClient({ logger, retries: 0, timeoutMs: 5_000 }),
        hfApiBase: config.hfApiBase,
        arxivApiBase: config.arxivApiBase,
        arxivGate: createRateGate({ intervalMs: 0 }),
      }),
      ingestPapers,
      logger,
      clock: () => clock.now,
    };
    const digests = createDigestService(deps);
    const bot = createDiscordBot({
      engine,
      claims: testEngine.claims,
      config: { token: TOKEN, apiUrl: fake.apiUrl, messageContent },
      limits: { ratePerMinute: 100, maxQuestionChars: 2000 },
      logger,
      ...(withDigests && { digests }),
    });
    deps.posters.discord = createDiscordDigestPoster(bot.client, { logger });
    onTestFinished(async () => {
      await bot.stop();
      await fake.close();
      await ledger.close();
    });
    await bot.start();
    const tick = (iso: string) => {
      clock.now = new Date(iso);
      return createDigestScheduler(deps).tick();
    };
    return { fake, bot, digests, deps, poster: deps.posters.discord, tick, channel: { platform: 'discord' as const, channelId: fake.channelId } };
  }

  const channelPosts = (fake: FakeDiscord, channelId = fake.channelId) =>
    fake.requests.filter((r) => r.method === 'POST' && r.route === `/channels/${channelId}/messages`);

  const callback = (fake: FakeDiscord, token: string) =>
    fake.waitForRequest((r) => r.method === 'POST' && r.route.endsWith(`/${token}/callback`));

  const editOfOriginal = (fake: FakeDiscord, token: string) =>
    fake.waitForRequest((r) => r.method === 'PATCH' && r.route === `/webhooks/${fake.appId}/${token}/messages/@original`);

  /** Runs the slash command and returns the interaction's reply (callback data, or the edit of a deferred reply). */
  async function reply(fake: FakeDiscord, command: { name: string; options: unknown[] }, user?: FakeUser) {
    const { token } = fake.slashCommand({ ...command, ...(user && { user }) });
    const first = (await callback(fake, token)).body as { type: number; data: MessageBody };
    if (first.type !== InteractionResponseType.DeferredChannelMessageWithSource) return { deferred: undefined, message: first.data, type: first.type };
    return { deferred: first.data, message: (await editOfOriginal(fake, token)).body as MessageBody, type: first.type };
  }

  it('posts the scheduled digest as an embed, then the full list in a thread started from it', async () => {
    const { fake, digests, tick } = await start();
    await digests.subscribe('discord', fake.channelId, { userId: 'U1' });

    expect((await tick('2030-01-07T08:59:00Z')).deliveries).toEqual([]);
    const key = `discord:${fake.channelId}|2030-01-07`;
    expect((await tick(FIRST_RUN)).deliveries).toEqual([{ key, outcome: 'posted' }]);

    const writes = fake.requests.filter((r) => r.method !== 'GET');
    const [top, threadStart, ...listed] = writes;
    expect(top).toMatchObject({ method: 'POST', route: `/channels/${fake.channelId}/messages`, response: { status: 200 } });
    const body = top!.body as MessageBody;
    expect(body.allowed_mentions).toEqual(NO_PINGS);
    expect(body).toMatchObject({ nonce: digestRef(key), enforce_nonce: true });
    expect(body.nonce!.length).toBeLessThanOrEqual(25);
    expect(body.embeds).toHaveLength(1);
    const [embed] = body.embeds;
    expect(embed!.title).toMatch(/^Paperboy daily · 7 Jan · 4 new papers · \d themes?$/);
    expect(embed!.footer!.text).toBe(`Ask about these papers in the thread · ref ${digestRef(key)}`);
    const lines = embed!.fields!.flatMap((f) => f.value.split('\n'));
    const paperLines = lines.filter((l) => l.startsWith('• '));
    const more = lines.map((l) => /^…and (\d+) more papers? in the thread$/.exec(l)?.[1]).filter((n) => n !== undefined);
    expect(paperLines.length + more.reduce((sum, n) => sum + Number(n), 0)).toBe(HF_DAY.length);
    for (const line of paperLines) expect(line).toMatch(/^• \[[^\]]+\]\(https:\/\/\S+\) — .+ · ▲ \d+$/);
    expect(paperLines).toContainEqual(expect.stringMatching(/^• \[Streaming Speech Translation with Monotonic Chunk Attention\]\(https:\/\/huggingface\.co\/papers\/2611\.18342\) — .+ · ▲ 87$/));

    const rootId = (top!.response.body as { id: string }).id;
    expect(threadStart).toMatchObject({
      method: 'POST',
      route: `/channels/${fake.channelId}/messages/${rootId}/threads`,
      body: { name: embed!.title, auto_archive_duration: 1440 },
    });
    expect(listed.length).toBeGreaterThan(0);
    for (const [i, message] of listed.entries()) {
      expect(message).toMatchObject({ method: 'POST', route: `/channels/${rootId}/messages` });
      expect((message.body as MessageBody).allowed_mentions).toEqual(NO_PINGS);
      // The part label: readers see where they are, and recovery which parts the thread has.
      expect((message.body as MessageBody).content).toBe(`-# Part ${i + 1} of ${listed.length}`);
    }
    const fullList = listed.flatMap((m) => (m.body as MessageBody).embeds.map((e) => e.description)).join('\n');
    for (const id of HF_IDS) expect(fullList).toContain(`/${id})`);

    const status = await digests.status('discord', fake.channelId);
    expect(status.lastDelivery).toMatchObject({ day: '2030-01-07', state: 'posted', messageRef: rootId, paperCount: 4 });
    expect((await digests.papersForThread('discord', fake.channelId, rootId))?.sort()).toEqual(HF_IDS);
    // Later ticks the same day post nothing more.
    await tick('2030-01-07T12:00:00Z');
    expect(channelPosts(fake)).toHaveLength(1);
  });

  it('finds a digest that reached Discord although its delivery failed, and posts only its missing thread', async () => {
    const { fake, digests, tick, poster, channel } = await start();
    await digests.subscribe('discord', fake.channelId, { userId: 'U1' });
    // The top message and thread go out; the list is refused, so the delivery counts as failed.
    fake.failNext((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.route) && r.route !== `/channels/${fake.channelId}/messages`, {
      status: 403,
      body: { message: 'Missing Access', code: 50001 },
    });
    const key = `discord:${fake.channelId}|2030-01-07`;
    expect((await tick(FIRST_RUN)).deliveries).toEqual([{ key, outcome: 'failed' }]);
    const rootId = (channelPosts(fake)[0]!.response.body as { id: string }).id;

    expect((await tick('2030-01-07T09:16:00Z')).deliveries).toEqual([{ key, outcome: 'recovered' }]);
    // The ledger recorded the top message; the thread is read for the parts already there.
    const lookup = fake.requests.find((r) => r.method === 'GET' && r.route === `/channels/${rootId}/messages`);
    expect(lookup?.query.get('limit')).toBe('100');
    expect(channelPosts(fake)).toHaveLength(1);
    expect(await digests.status('discord', fake.channelId)).toMatchObject({ lastDelivery: { state: 'posted', messageRef: rootId } });
    const inThread = fake.channelMessages(rootId);
    expect(inThread.map((m) => m.content)).toEqual(inThread.map((_, i) => `-# Part ${i + 1} of ${inThread.length}`));
    expect(fake.requests.filter((r) => r.route.endsWith('/threads'))).toHaveLength(2);

    expect(await poster.findExisting(channel, key)).toEqual({ 0: rootId, ...Object.fromEntries(inThread.map((m, i) => [i + 1, m.id])) });
    expect(await poster.findExisting(channel, `${key}|now-2030-01-07T10:00:00.000Z`)).toEqual({});
  });

  it('a resend with the same key inside Discord’s nonce window returns the first message', async () => {
    const { fake, poster, digests, channel } = await start();
    const built = await digests.preview('discord', fake.channelId);
    expect(built.paperIds.length).toBeGreaterThan(0);
    const first = await poster.post(channel, built, 'discord:x|2030-01-07', fresh());
    const again = await poster.post(channel, built, 'discord:x|2030-01-07', fresh());
    expect(again).toEqual(first);
    expect(fake.channelMessages(fake.channelId).filter((m) => (m.author as { bot: boolean }).bot && m.nonce !== undefined)).toHaveLength(1);
  });

  it.each([
    [10003, 'Unknown Channel'],
    [50001, 'Missing Access'],
    [50013, 'Missing Permissions'],
  ] as const)('turns Discord error %i (%s) into ChannelGoneError, from post and from findExisting', async (code, text) => {
    const { fake, poster, digests, channel } = await start();
    const built = await digests.preview('discord', fake.channelId);
    const target = code === 10003 ? { platform: 'discord' as const, channelId: '1234567890' } : channel;
    if (code !== 10003) fake.denyChannel(fake.channelId, code);

    const posting = poster.post(target, built, 'discord:gone|2030-01-07', fresh());
    await expect(posting).rejects.toBeInstanceOf(ChannelGoneError);
    await expect(posting).rejects.toThrow(`${code} ${text}`);
    await expect(poster.findExisting(target, 'discord:gone|2030-01-07')).rejects.toBeInstanceOf(ChannelGoneError);
  });

  it('marks a channel it lost access to as removed and never posts there again', async () => {
    const { fake, digests, tick } = await start();
    await digests.subscribe('discord', fake.channelId, { userId: 'U1' });
    fake.denyChannel(fake.channelId, 50001);
    const key = `discord:${fake.channelId}|2030-01-07`;
    expect((await tick(FIRST_RUN)).deliveries).toEqual([{ key, outcome: 'channel-gone' }]);
    expect(await digests.status('discord', fake.channelId)).toMatchObject({ subscribed: false, status: 'removed' });

    const calls = fake.requests.length;
    await tick('2030-01-07T10:00:00Z');
    await tick('2030-01-08T09:00:00Z');
    expect(fake.requests.slice(calls).filter((r) => r.route.startsWith('/channels/'))).toEqual([]);

    const { message } = await reply(fake, digest('status'));
    expect(message.content).toContain('50001 Missing Access');
  });

  it('replies to the digest with the full list where it may not start threads', async () => {
    const { fake, digests, tick } = await start({ fakeOptions: { threadsAllowed: false } });
    await digests.subscribe('discord', fake.channelId, { userId: 'U1' });
    expect((await tick(FIRST_RUN)).deliveries).toEqual([{ key: `discord:${fake.channelId}|2030-01-07`, outcome: 'posted' }]);

    const [top, ...replies] = channelPosts(fake);
    const rootId = (top!.response.body as { id: string }).id;
    expect(fake.requests.find((r) => r.route.endsWith('/threads'))?.response).toMatchObject({ status: 403, body: { code: 50013 } });
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies) expect(r.body).toMatchObject({ message_reference: { message_id: rootId }, allowed_mentions: NO_PINGS });
  });

  describe('/digest', () => {
    it('subscribe says so in the channel, with the topics; status shows them privately with the next run', async () => {
      const { fake, digests } = await start();
      const subscribed = await reply(fake, digest('subscribe', [stringOption('topics', 'Speech, retrieval ,speech')]), MODERATOR);
      expect(subscribed.type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(subscribed.message.flags ?? 0).toBe(0);
      expect(subscribed.message.allowed_mentions).toEqual(NO_PINGS);
      const next = Date.parse(FIRST_RUN) / 1000;
      expect(subscribed.message.content).toBe(
        `This channel now gets a daily digest of new papers about speech, retrieval. The next one comes <t:${next}:R>. Ask about the papers in each digest's thread.`,
      );
      expect(await digests.status('discord', fake.channelId)).toMatchObject({ subscribed: true, topics: ['speech', 'retrieval'] });

      const status = await reply(fake, digest('status'));
      expect(status.message.flags).toBe(MessageFlags.Ephemeral);
      expect(status.message.content).toBe(
        ['**Daily digest: on**', 'Topics: speech, retrieval', 'Schedule: `0 9 * * 1-5` (UTC)', `Next digest: <t:${next}:F> (<t:${next}:R>)`].join('\n'),
      );
    });

    it('subscribe with a cron override uses it, and a bad one is refused privately', async () => {
      const { fake, digests } = await start();
      const bad = await reply(fake, digest('subscribe', [stringOption('cron', 'every morning')]), MODERATOR);
      expect(bad.message.flags).toBe(MessageFlags.Ephemeral);
      expect(bad.message.content).toContain('"every morning" is not a cron schedule');
      expect((await digests.status('discord', fake.channelId)).subscribed).toBe(false);

      await reply(fake, digest('subscribe', [stringOption('cron', '30 7 * * *')]), MODERATOR);
      expect(await digests.status('discord', fake.channelId)).toMatchObject({ subscribed: true, cron: '30 7 * * *', nextRun: new Date('2030-01-08T07:30:00Z') });
    });

    it('unsubscribe turns it off in the channel, and says privately when there was nothing to turn off', async () => {
      const { fake, digests } = await start();
      await digests.subscribe('discord', fake.channelId, { userId: 'U1' });
      const off = await reply(fake, digest('unsubscribe'), MODERATOR);
      expect(off.message).toMatchObject({ content: 'This channel no longer gets a daily digest.', allowed_mentions: NO_PINGS });
      expect(off.message.flags ?? 0).toBe(0);
      expect((await digests.status('discord', fake.channelId)).subscribed).toBe(false);

      const again = await reply(fake, digest('unsubscribe'), MODERATOR);
      expect(again.message).toMatchObject({ content: 'This channel was not getting a daily digest.', flags: MessageFlags.Ephemeral });
    });

    it('subscribe and unsubscribe need Manage Channels (or a Paperboy admin), and only in a server', async () => {
      const { fake, digests } = await start();
      const refused = await reply(fake, digest('subscribe'));
      expect(refused.message).toMatchObject({ content: "Changing this channel's digest needs the Manage Channels permission.", flags: MessageFlags.Ephemeral });
      expect((await digests.status('discord', fake.channelId)).subscribed).toBe(false);

      await reply(fake, digest('subscribe'), ADMIN);
      expect((await digests.status('discord', fake.channelId)).subscribed).toBe(true);
      expect((await reply(fake, digest('unsubscribe'))).message.content).toBe("Changing this channel's digest needs the Manage Channels permission.");
      expect((await digests.status('discord', fake.channelId)).subscribed).toBe(true);

      const { token } = fake.slashCommand({ ...digest('status'), user: MODERATOR, inDm: true });
      const inDm = (await callback(fake, token)).body as { data: MessageBody };
      expect(inDm.data).toMatchObject({ content: 'Digests are for server channels: run `/digest` in the channel that should get one.', flags: MessageFlags.Ephemeral });
    });

    it('subscribe says how to let Paperboy post when it cannot post in the channel', async () => {
      // View Channel and Read Message History only.
      const { fake, digests } = await start({ fakeOptions: { appPermissions: String(1024n | 65536n) } });
      const refused = await reply(fake, digest('subscribe'), MODERATOR);
      expect(refused.message).toMatchObject({
        content: 'I cannot post in this channel: give me Send Messages, Embed Links here (channel settings → Permissions → add Paperboy), then subscribe again.',
        flags: MessageFlags.Ephemeral,
      });
      expect((await digests.status('discord', fake.channelId)).subscribed).toBe(false);
    });

    it('preview shows the digest only to the asker and posts or records nothing', async () => {
      const { fake, digests } = await start();
      await reply(fake, digest('subscribe'), MODERATOR);

      const { deferred, message } = await reply(fake, digest('preview'));
      expect(deferred).toEqual({ flags: MessageFlags.Ephemeral });
      expect(message.content).toBe('Preview: only you can see this, and nothing was posted.');
      expect(message.allowed_mentions).toEqual(NO_PINGS);
      expect(message.embeds[0]!.title).toMatch(/^Paperboy daily · 7 Jan · 4 new papers · \d themes?$/);
      expect(channelPosts(fake)).toEqual([]);
      expect((await digests.status('discord', fake.channelId)).lastDelivery).toBeUndefined();
    });

    it('now is refused politely, and privately, for anyone but an admin', async () => {
      const { fake, digests } = await start();
      await digests.subscribe('discord', fake.channelId, { userId: 'U1' });
      const { deferred, message } = await reply(fake, digest('now'));
      expect(deferred).toEqual({ flags: MessageFlags.Ephemeral });
      expect(message.content).toBe('Only Paperboy admins (ADMIN\\_USER\\_IDS) can post a digest now.');
      expect(channelPosts(fake)).toEqual([]);
    });

    it('now posts a digest at once for an admin', async () => {
      const { fake, digests } = await start();
      await digests.subscribe('discord', fake.channelId, { userId: 'U1' });
      const { message } = await reply(fake, digest('now'), ADMIN);
      expect(message.content).toBe('Posted a digest in this channel.');
      const [top] = channelPosts(fake);
      expect((top!.body as MessageBody).embeds[0]!.title).toMatch(/^Paperboy daily · 7 Jan/);
      expect((top!.body as MessageBody).nonce).toMatch(/^[0-9a-f]{25}$/);
    });

    it('says digests are off when the bot was built without them', async () => {
      const { fake } = await start({ withDigests: false });
      const { message } = await reply(fake, digest('status'));
      expect(message).toMatchObject({ content: 'Daily digests are not enabled on this Paperboy.', flags: MessageFlags.Ephemeral });
    });
  });

  describe('questions in a digest thread are answered from that digest’s papers', () => {
    // A digest paper is about speech translation; none is about speech recognition (one shared word is no answer).
    const QUESTION = 'Which approach improves speech translation?';

    async function postedDigest(options: Parameters<typeof start>[0] = {}) {
      const started = await start(options);
      await started.digests.subscribe('discord', started.fake.channelId, { userId: 'U1' });
      await started.tick(FIRST_RUN);
      const rootId = (channelPosts(started.fake)[0]!.response.body as { id: string }).id;
      const paperIds = (await started.digests.papersForThread('discord', started.fake.channelId, rootId))!;
      // Unrestricted, the question draws on the corpus too: the restriction is what the test checks.
      const everywhere = await engine.ask(QUESTION);
      expect(everywhere.citations.some((c) => !paperIds.includes(c.paperId))).toBe(true);
      const expected = await engine.ask(QUESTION, { paperIds });
      expect(expected.citations.length).toBeGreaterThan(0);
      return { ...started, rootId, paperIds, expectedSources: expected.citations.map((c) => c.title) };
    }

    const sourcesOf = (body: MessageBody) =>
      body.embeds.flatMap((e) => e.fields ?? []).filter((f) => f.name.startsWith('Source')).map((f) => f.value);

    it('/ask inside the thread', async () => {
      const { fake, rootId, expectedSources } = await postedDigest();
      const { token } = fake.slashCommand({ name: 'ask', options: [stringOption('question', QUESTION)], channelId: rootId });
      const edit = await editOfOriginal(fake, token);
      const sources = sourcesOf(edit.body as MessageBody);
      expect(sources).toHaveLength(expectedSources.length);
      expectedSources.forEach((title, i) => expect(sources[i]).toContain(title.replace(/\s+/g, ' ').slice(0, 20)));
    });

    it('a mention inside the thread', async () => {
      const { fake, rootId, expectedSources } = await postedDigest({ messageContent: true });
      fake.message({ content: `<@${fake.botUser.id}> ${QUESTION}`, mentionsBot: true, channelId: rootId });
      // The placeholder replies to the question; the answer is its edit.
      const answer = await fake.waitForRequest((r) => r.method === 'PATCH' && r.route.startsWith(`/channels/${rootId}/messages/`) && sourcesOf(r.body as MessageBody).length > 0);
      const sources = sourcesOf(answer.body as MessageBody);
      expect(sources).toHaveLength(expectedSources.length);
      expectedSources.forEach((title, i) => expect(sources[i]).toContain(title.replace(/\s+/g, ' ').slice(0, 20)));
    });

    it('a mention replying to the digest where it went out as replies', async () => {
      const { fake, rootId, expectedSources } = await postedDigest({ messageContent: true, fakeOptions: { threadsAllowed: false } });
      fake.message({ content: `<@${fake.botUser.id}> ${QUESTION}`, mentionsBot: true, replyTo: rootId });
      const answer = await fake.waitForRequest(
        (r) => r.method === 'PATCH' && r.route.startsWith(`/channels/${fake.channelId}/messages/`) && sourcesOf(r.body as MessageBody).length > 0,
      );
      const sources = sourcesOf(answer.body as MessageBody);
      expect(sources).toHaveLength(expectedSources.length);
      expectedSources.forEach((title, i) => expect(sources[i]).toContain(title.replace(/\s+/g, ' ').slice(0, 20)));
    });
  });

  it('registers /digest with its five subcommands next to the other commands', async () => {
    const fake = await startFakeDiscord({ token: TOKEN });
    onTestFinished(() => fake.close());
    const names = await registerCommands({ token: TOKEN, appId: fake.appId, guildId: fake.guildId, apiUrl: fake.apiUrl });
    expect(names).toEqual(['ask', 'search', 'paper', 'digest']);
    const put = fake.requests.find((r: RecordedRequest) => r.method === 'PUT')!;
    const command = (put.body as { name: string; description: string; options: { type: number; name: string; description: string; options?: { type: number; name: string; required?: boolean }[] }[] }[]).find(
      (c) => c.name === 'digest',
    )!;
    expect(command.options.map((o) => [o.type, o.name])).toEqual([
      [SUBCOMMAND, 'subscribe'],
      [SUBCOMMAND, 'unsubscribe'],
      [SUBCOMMAND, 'status'],
      [SUBCOMMAND, 'preview'],
      [SUBCOMMAND, 'now'],
    ]);
    expect(command.options[0]!.options).toEqual([
      expect.objectContaining({ type: STRING, name: 'topics' }),
      expect.objectContaining({ type: STRING, name: 'cron' }),
    ]);
    expect(command.options[0]!.options!.some((o) => o.required)).toBe(false);
    for (const text of [command.description, ...command.options.map((o) => o.description)]) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThanOrEqual(100);
    }
  });
});
