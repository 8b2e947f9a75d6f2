/**
 * The real discord.js Client, built by createDiscordBot over the real engine, against a fake
 * Discord (REST + gateway) on 127.0.0.1. Assertions are on the REST calls Discord would receive.
 */
import * as lancedb from '@lancedb/lancedb';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { GatewayIntentBits, InteractionResponseType, MessageFlags } from 'discord.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createDiscordBot } from '../adapters/discord/create-discord-bot.ts';
import { digestRef } from '../adapters/discord/digest-poster.ts';
import { DISCORD_LIMITS, unescapeDiscord } from '../adapters/format/discord-markdown.ts';
import { rateLimitMessage } from '../src/chat/rate-limit.ts';
import { openQuestionClaims, type QuestionClaims } from '../src/store/question-claims.ts';
import type { Config } from '../src/config.ts';
import { createLogger, type Logger } from '../src/logger.ts';
import type { Answer, Engine } from '../src/types.ts';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions, type RecordedRequest, type SentMessageBody } from './fakes/fake-discord.ts';
import { freePort } from './helpers/ports.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const TOKEN = 'test-token-Nzk5.discord-bot';
const NO_PINGS = { parse: [], replied_user: false };
const STRING = 3;

type MessageBody = SentMessageBody;

async function startBot(
  engine: Engine,
  {
    messageContent = false,
    limits = { ratePerMinute: 100, maxQuestionChars: 2000 },
    token = TOKEN,
    logger = createLogger('silent'),
    start = true,
    fakeOptions = {},
  }: {
    messageContent?: boolean;
    limits?: Config['limits'];
    token?: string;
    logger?: Logger;
    start?: boolean;
    fakeOptions?: FakeDiscordOptions;
  } = {},
) {
  const fake = await startFakeDiscord({ token: TOKEN, ...fakeOptions });
  // Each bot its own question ledger, as a bot with its own store would have.
  const claimsDir = await mkdtemp(join(tmpdir(), 'paperboy-claims-'));
  const claims = await openQuestionClaims(await lancedb.connect(claimsDir));
  const bot = createDiscordBot({ engine, claims, config: { token, apiUrl: fake.apiUrl, messageContent }, limits, logger });
  onTestFinished(async () => {
    await bot.stop();
    await fake.close();
    claims.close();
    await rm(claimsDir, { recursive: true, force: true, maxRetries: 5 });
  });
  if (start) await bot.start();
  return { fake, bot, claims };
}

function callbacks(fake: FakeDiscord, token: string): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === 'POST' && r.route.endsWith(`/${token}/callback`));
}

const editOfOriginal = (fake: FakeDiscord, token: string) => (r: RecordedRequest) =>
  r.method === 'PATCH' && r.route === `/webhooks/${fake.appId}/${token}/messages/@original`;

const followUp = (fake: FakeDiscord, token: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.route === `/webhooks/${fake.appId}/${token}`;

/** A mention's reply: the placeholder posted in reply to `messageId`, and the edit that turned it into the answer. */
async function mentionReply(fake: FakeDiscord, messageId: string) {
  const placeholder = await fake.waitForRequest(
    (r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages` && (r.body as MessageBody).message_reference?.message_id === messageId,
  );
  const placeholderId = (placeholder.response.body as { id: string }).id;
  const answer = await fake.waitForRequest((r) => r.method === 'PATCH' && r.route === `/channels/${fake.channelId}/messages/${placeholderId}`);
  return { placeholder, placeholderId, answer };
}

/** The engine's answer to `followUp` after the exchange on `question`, checked to differ from the follow-up alone. */
async function answerInContext(engine: Engine, question: string, followUp: string): Promise<string> {
  const history = [
    { role: 'user' as const, text: question },
    { role: 'assistant' as const, text: (await engine.ask(question)).text },
  ];
  const withHistory = (await engine.ask(followUp, { history })).text;
  expect(withHistory).not.toBe((await engine.ask(followUp)).text);
  return withHistory;
}

const ask = (question: string) => ({ name: 'ask', options: [{ type: STRING, name: 'question', value: question }] });
const search = (query: string) => ({ name: 'search', options: [{ type: STRING, name: 'query', value: query }] });
const paper = (title: string) => ({ name: 'paper', options: [{ type: STRING, name: 'title', value: title }] });

describe('Discord bot over the real engine', () => {
  let engine: Engine;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ engine, cleanup } = await makeTestEngine());
  });
  afterAll(async () => {
    await cleanup();
  });

  it('logs in through the REST API and the gateway with only the Guilds intent, and heartbeats', async () => {
    const { fake, bot } = await startBot(engine);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', route: '/gateway/bot', headers: { authorization: `Bot ${TOKEN}` } });
    const identify = await fake.waitForFrame((f) => f.op === 2);
    expect(identify.d).toMatchObject({ token: TOKEN, intents: GatewayIntentBits.Guilds });
    expect(bot.client.user?.id).toBe(fake.botUser.id);
    await fake.waitForFrame((f) => f.op === 1);
  });

  it('/ask defers at once, then edits the reply into an embed with cited sources and the mode', async () => {
    const { fake } = await startBot(engine);
    const question = 'Which model does speech recognition with CTC? @everyone';
    const expected = await engine.ask(question);
    expect(expected.citations.length).toBeGreaterThan(0);

    const { token } = fake.slashCommand(ask(question));
    const edit = await fake.waitForRequest(editOfOriginal(fake, token));

    const [deferral, ...moreCallbacks] = callbacks(fake, token);
    expect(moreCallbacks).toEqual([]);
    expect(deferral!.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: 0 } });
    expect(fake.requests.indexOf(deferral!)).toBeLessThan(fake.requests.indexOf(edit));

    const body = edit.body as MessageBody;
    expect(body.allowed_mentions).toEqual(NO_PINGS);
    expect(body.embeds).toHaveLength(1);
    const [embed] = body.embeds;
    expect(embed!.title).toBe('Which model does speech recognition with CTC? @\u200beveryone');
    expect(embed!.description).toBe(expected.text);
    expect(embed!.description).toMatch(/\[1\]/);
    expect(embed!.fields!.map((f) => f.name)).toEqual(expected.citations.map((c) => `Source [${c.n}]`));
    for (const [i, c] of expected.citations.entries()) {
      expect(unescapeDiscord(embed!.fields![i]!.value)).toContain(c.title);
      expect(unescapeDiscord(embed!.fields![i]!.value)).toContain(c.quote.slice(0, 60));
    }
    expect(embed!.footer).toEqual({ text: `Mode: ${expected.mode}` });
    expect(fake.requests.filter(followUp(fake, token))).toEqual([]);
  });

  it('/search edits the reply into the top 5 papers with a gist each', async () => {
    const { fake } = await startBot(engine);
    const query = 'speech recognition';
    const expected = await engine.search(query, { k: 5 });
    expect(expected).toHaveLength(5);

    const { token } = fake.slashCommand(search(query));
    const edit = await fake.waitForRequest(editOfOriginal(fake, token));
    expect(callbacks(fake, token).map((r) => (r.body as { type: number }).type)).toEqual([
      InteractionResponseType.DeferredChannelMessageWithSource,
    ]);
    const body = edit.body as MessageBody;
    expect(body.allowed_mentions).toEqual(NO_PINGS);
    const entries = unescapeDiscord(body.embeds[0]!.description!).split('\n\n');
    expect(entries).toHaveLength(5);
    for (const [i, hit] of expected.entries()) {
      const [heading, gist] = entries[i]!.split('\n');
      expect(heading).toBe(`**${i + 1}.** ${hit.paper.title}`);
      expect(hit.evidence[0]!.startsWith(gist!.replace(/…$/, ''))).toBe(true);
    }
  });

  it('autocompletes paper titles ("owsm" suggests OWSM-CTC), and /paper shows the picked paper', async () => {
    const { fake } = await startBot(engine);
    const typing = fake.autocomplete({ name: 'paper', focused: { name: 'title', value: 'owsm' } });
    const suggestion = await fake.waitForRequest((r) => r.route.endsWith(`/${typing.token}/callback`));
    const { type, data } = suggestion.body as { type: number; data: { choices: { name: string; value: string }[] } };
    expect(type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const owsm = data.choices.find((c) => c.name.startsWith('OWSM-CTC'));
    expect(owsm).toBeDefined();
    expect(data.choices.length).toBeLessThanOrEqual(25);

    const expected = await engine.paper(owsm!.value);
    const { token } = fake.slashCommand(paper(owsm!.value));
    const edit = await fake.waitForRequest(editOfOriginal(fake, token));
    const body = edit.body as MessageBody;
    expect(body.allowed_mentions).toEqual(NO_PINGS);
    expect(unescapeDiscord(body.embeds[0]!.title!)).toBe(expected!.title);
    expect(body.embeds[0]!.url).toBe(expected!.url);
    expect(unescapeDiscord(body.embeds[0]!.description!)).toBe(expected!.abstract);
  });

  it('/paper with a title nothing matches answers with a short ephemeral note', async () => {
    const { fake } = await startBot(engine);
    const { token } = fake.slashCommand(paper('zzqx qqzz'));
    const note = await fake.waitForRequest(followUp(fake, token));
    expect(note.body).toMatchObject({
      content: 'No paper matches “zzqx qqzz”. Pick one of the suggestions as you type.',
      flags: MessageFlags.Ephemeral,
      allowed_mentions: NO_PINGS,
    });
    // The public "thinking…" placeholder is removed rather than left hanging.
    expect(fake.requests.some((r) => r.method === 'DELETE' && r.route === `/webhooks/${fake.appId}/${token}/messages/@original`)).toBe(true);
  });

  it('turns away a user over the rate limit politely and privately, while others are still served', async () => {
    const { fake } = await startBot(engine, { limits: { ratePerMinute: 1, maxQuestionChars: 2000 } });
    const first = fake.slashCommand(search('speech'));
    await fake.waitForRequest(editOfOriginal(fake, first.token));

    const second = fake.slashCommand(search('vision'));
    const refusal = await fake.waitForRequest((r) => r.route.endsWith(`/${second.token}/callback`));
    const { type, data } = refusal.body as { type: number; data: { content: string; flags: number; allowed_mentions: unknown } };
    expect(type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(data.flags).toBe(MessageFlags.Ephemeral);
    expect([rateLimitMessage(60), rateLimitMessage(59)]).toContain(data.content);
    expect(data.allowed_mentions).toEqual(NO_PINGS);

    const other = fake.slashCommand({ ...search('vision'), user: { id: '300000000000000002', username: 'other' } });
    await fake.waitForRequest(editOfOriginal(fake, other.token));
  });

  it('refuses an over-long question at once, privately, without a deferral', async () => {
    const { fake } = await startBot(engine, { limits: { ratePerMinute: 100, maxQuestionChars: 20 } });
    const question = 'Which of these papers is the best one overall?';
    const { token } = fake.slashCommand(ask(question));
    const refusal = await fake.waitForRequest((r) => r.route.endsWith(`/${token}/callback`));
    expect(refusal.body).toEqual({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: expect.objectContaining({
        content: 'That question is too long for me: please keep it under 20 characters.',
        flags: MessageFlags.Ephemeral,
      }) as unknown,
    });
    expect(callbacks(fake, token)).toHaveLength(1);
  });

  it('resumes the session after the gateway connection drops and answers the next command', async () => {
    const { fake } = await startBot(engine);
    fake.dropGatewayConnection();
    const resume = await fake.waitForFrame((f) => f.op === 6);
    expect(resume.d).toMatchObject({ token: TOKEN });
    expect(fake.gatewayFrames.filter((f) => f.op === 2)).toHaveLength(1);

    const { token } = fake.slashCommand(search('speech'));
    await fake.waitForRequest(editOfOriginal(fake, token));
  });

  it('answers a mention with a cited reply when the Message Content intent is on, pinging no one', async () => {
    const { fake } = await startBot(engine, { messageContent: true });
    const identify = await fake.waitForFrame((f) => f.op === 2);
    expect((identify.d as { intents: number }).intents).toBe(
      GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent,
    );

    fake.message({ content: 'Just chatting about CTC, no bot here' });
    const question = 'Which model does speech recognition with CTC?';
    const messageId = fake.message({ content: `<@${fake.botUser.id}> ${question}`, mentionsBot: true });
    const { placeholder, answer } = await mentionReply(fake, messageId);

    expect((placeholder.body as MessageBody).content).toBe('Looking through 98 papers…');
    expect((placeholder.body as MessageBody).allowed_mentions).toEqual(NO_PINGS);
    const body = answer.body as MessageBody;
    expect(body.allowed_mentions).toEqual(NO_PINGS);
    expect(body.embeds[0]!.title).toBe(question);
    expect(body.embeds[0]!.description).toBe((await engine.ask(question)).text);
    // The message without a mention came first and got no answer.
    expect(fake.requests.filter((r) => r.route === `/channels/${fake.channelId}/messages`)).toHaveLength(1);
  });

  it('marks a mention’s placeholder with a nonce from the question, so Discord drops a resend of it', async () => {
    const { fake } = await startBot(engine, { messageContent: true });
    const messageId = fake.message({ content: `<@${fake.botUser.id}> What is CTC?`, mentionsBot: true });
    const { placeholder } = await mentionReply(fake, messageId);
    const body = placeholder.body as MessageBody;
    expect(body).toMatchObject({ nonce: digestRef(`discord:${fake.guildId}:${fake.channelId}:${messageId}`), enforce_nonce: true });
  });

  it('takes over a mention whose attempt died after posting its placeholder: edits that placeholder, posts no second reply', async () => {
    const { fake, claims } = await startBot(engine, { messageContent: true });
    const question = 'Which model does speech recognition with CTC?';
    const messageId = fake.message({ content: `<@${fake.botUser.id}> ${question}`, mentionsBot: true, undelivered: true });
    // The dead attempt: it claimed the question (its lease long over) and posted its placeholder, then died before recording it.
    const key = `discord:${fake.guildId}:${fake.channelId}:${messageId}`;
    expect(await claims.claim({ key, owner: 'dead-process:1', now: new Date(Date.now() - 3_600_000), leaseMs: 1000 })).toBeDefined();
    const posted = await fetch(`${fake.apiUrl}/v10/channels/${fake.channelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Looking through 98 papers…', message_reference: { message_id: messageId } }),
    });
    const deadPlaceholderId = ((await posted.json()) as { id: string }).id;
    // Messages the bot wrote after the question, which the takeover must not mistake for its placeholder.
    await mentionReply(fake, fake.message({ content: `<@${fake.botUser.id}> What is CTC?`, mentionsBot: true }));

    fake.deliver(messageId);
    const answer = await fake.waitForRequest((r) => r.method === 'PATCH' && r.route === `/channels/${fake.channelId}/messages/${deadPlaceholderId}`);
    expect((answer.body as MessageBody).embeds[0]!.description).toBe((await engine.ask(question)).text);
    const repliesToQuestion = fake.channelMessages(fake.channelId).filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === messageId);
    expect(repliesToQuestion.map((m) => m.id)).toEqual([deadPlaceholderId]);
    // The ledger records the answer just after the edit that delivers it.
    await vi.waitFor(async () => expect((await claims.get(key))?.state).toBe('answered'));
  });

  /** A question whose claim a dead attempt held until `leaseEnd`; then `before` people's messages, its placeholder (when `placeholder`), `after` more. */
  async function diedAfterFlood({ before, after, placeholder, leaseEnd }: { before: number; after: number; placeholder: boolean; leaseEnd: Date }) {
    const { fake, claims } = await startBot(engine, { messageContent: true });
    const question = 'Which model does speech recognition with CTC?';
    const messageId = fake.message({ content: `<@${fake.botUser.id}> ${question}`, mentionsBot: true, undelivered: true });
    const key = `discord:${fake.guildId}:${fake.channelId}:${messageId}`;
    expect(await claims.claim({ key, owner: 'dead-process:1', now: new Date(leaseEnd.getTime() - 1000), leaseMs: 1000 })).toBeDefined();
    const chatter = (n: number) => {
      for (let i = 0; i < n; i++) fake.message({ content: `unrelated chatter ${i}`, undelivered: true });
    };
    chatter(before);
    let placeholderId: string | undefined;
    if (placeholder) {
      const posted = await fetch(`${fake.apiUrl}/v10/channels/${fake.channelId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'Looking through 98 papers…', message_reference: { message_id: messageId } }),
      });
      placeholderId = ((await posted.json()) as { id: string }).id;
    }
    chatter(after);
    fake.deliver(messageId);
    const repliesToQuestion = () => fake.channelMessages(fake.channelId).filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === messageId);
    const reads = () => fake.requests.filter((r) => r.method === 'GET' && r.route === `/channels/${fake.channelId}/messages`);
    return { fake, claims, key, question, placeholderId, repliesToQuestion, reads };
  }

  it('takes over a mention whose placeholder came after more than a page of other messages: finds and edits it', async () => {
    const { fake, claims, key, question, placeholderId, repliesToQuestion } = await diedAfterFlood({ before: 150, after: 150, placeholder: true, leaseEnd: new Date() });
    const answer = await fake.waitForRequest((r) => r.method === 'PATCH' && r.route === `/channels/${fake.channelId}/messages/${placeholderId}`);
    expect((answer.body as MessageBody).embeds[0]!.description).toBe((await engine.ask(question)).text);
    expect(repliesToQuestion().map((m) => m.id)).toEqual([placeholderId]);
    await vi.waitFor(async () => expect((await claims.get(key))?.state).toBe('answered'));
  });

  it('looks for a lost placeholder only among messages posted while the dead attempt held the question', async () => {
    // The lease ended an hour before any of these messages: the first page already lies past it.
    const { claims, key, repliesToQuestion, reads } = await diedAfterFlood({ before: 250, after: 0, placeholder: false, leaseEnd: new Date(Date.now() - 3_600_000) });
    await vi.waitFor(async () => expect((await claims.get(key))?.state).toBe('answered'));
    expect(repliesToQuestion()).toHaveLength(1);
    expect(reads()).toHaveLength(1);
  });

  it('replaces the placeholder of a mention whose process died mid-answer with a note to ask again, once it starts', async () => {
    const { fake, bot, claims } = await startBot(engine, { messageContent: true, start: false });
    const messageId = fake.message({ content: `<@${fake.botUser.id}> Which model does speech recognition with CTC?`, mentionsBot: true, undelivered: true });
    // The dead process claimed the question, posted and recorded its placeholder, and never came back.
    const key = `discord:${fake.guildId}:${fake.channelId}:${messageId}`;
    const claimedAt = new Date(Date.now() - 3_600_000);
    expect(await claims.claim({ key, owner: 'dead-process:1', now: claimedAt, leaseMs: 1000 })).toBeDefined();
    const posted = await fetch(`${fake.apiUrl}/v10/channels/${fake.channelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Looking through 98 papers…', message_reference: { message_id: messageId } }),
    });
    const placeholderId = ((await posted.json()) as { id: string }).id;
    const leaseUntil = new Date(claimedAt.getTime() + 1000).toISOString();
    expect(await claims.update({ key, state: 'answering', leaseOwner: 'dead-process:1', leaseUntil, updatedAt: claimedAt.toISOString(), placeholderRef: placeholderId })).toBe(true);

    await bot.start();
    const note = await fake.waitForRequest((r) => r.method === 'PATCH' && r.route === `/channels/${fake.channelId}/messages/${placeholderId}`);
    expect((note.body as MessageBody).content).toBe('Sorry, I was interrupted while answering this. Please ask again.');
    await vi.waitFor(async () => expect((await claims.get(key))?.state).toBe('failed'));
    expect(fake.requests.filter((r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages`)).toHaveLength(1);
  });

  it('answers a mention once when two bot processes share one store and both receive it', async () => {
    const fake = await startFakeDiscord({ token: TOKEN });
    const storeDir = await mkdtemp(join(tmpdir(), 'paperboy-claims-'));
    const lines: string[] = [];
    const bots = await Promise.all(
      [1, 2].map(async () => {
        // Each process its own connection to the one LanceDB directory.
        const claims = await openQuestionClaims(await lancedb.connect(storeDir));
        const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(String(chunk)), done()) }));
        const bot = createDiscordBot({ engine, claims, config: { token: TOKEN, apiUrl: fake.apiUrl, messageContent: true }, limits: { ratePerMinute: 100, maxQuestionChars: 2000 }, logger });
        return { bot, claims };
      }),
    );
    onTestFinished(async () => {
      for (const { bot, claims } of bots) {
        await bot.stop();
        claims.close();
      }
      await fake.close();
      await rm(storeDir, { recursive: true, force: true, maxRetries: 5 });
    });
    for (const { bot } of bots) await bot.start();

    const question = 'Which model does speech recognition with CTC?';
    const messageId = fake.message({ content: `<@${fake.botUser.id}> ${question}`, mentionsBot: true });
    const { answer } = await mentionReply(fake, messageId);
    expect((answer.body as MessageBody).embeds[0]!.description).toBe((await engine.ask(question)).text);
    // The other process saw the same event and left it to the claim holder.
    await vi.waitFor(() => expect(lines.filter((l) => l.includes('delivery ignored'))).toHaveLength(1));
    const replies = fake.requests.filter((r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages`);
    expect(replies).toHaveLength(1);
  });

  it('asks a follow-up without the Message Content intent: the answer’s button opens a modal, answered with that exchange as history', async () => {
    const { fake } = await startBot(engine);
    const question = 'Which model does speech recognition with CTC?';
    const first = fake.slashCommand(ask(question));
    const answer = await fake.waitForRequest((r) => editOfOriginal(fake, first.token)(r) && (r.body as { components?: unknown[] }).components !== undefined);
    const [row] = (answer.body as { components: { components: { custom_id: string; label: string }[] }[] }).components;
    expect(row!.components[0]).toMatchObject({ label: 'Ask a follow-up' });

    const answerId = (answer.response.body as { id: string }).id;
    const click = fake.clickButton({ messageId: answerId, customId: row!.components[0]!.custom_id });
    const modal = await fake.waitForRequest((r) => r.route.endsWith(`/${click.token}/callback`));
    const shown = modal.body as { type: number; data: { custom_id: string; components: { components: { custom_id: string }[] }[] } };
    expect(shown.type).toBe(InteractionResponseType.Modal);

    const followUpQuestion = 'and how much faster is it?';
    const inputId = shown.data.components[0]!.components[0]!.custom_id;
    const submitted = fake.submitModal({ customId: shown.data.custom_id, fields: { [inputId]: followUpQuestion }, messageId: answerId });
    const reply = await fake.waitForRequest((r) => editOfOriginal(fake, submitted.token)(r) && (r.body as MessageBody).embeds[0]?.footer !== undefined);

    const withHistory = await answerInContext(engine, question, followUpQuestion);
    expect((reply.body as MessageBody).embeds[0]!.description).toBe(withHistory);
    expect((reply.body as MessageBody).allowed_mentions).toEqual(NO_PINGS);
  });

  it('counts a mention of its managed role (@Paperboy picked from the role list) as a mention', async () => {
    const { fake } = await startBot(engine, { messageContent: true });
    const question = 'Which model does speech recognition with CTC?';
    const messageId = fake.message({ content: `<@&${fake.botRoleId}> ${question}`, mentionsBotRole: true });
    const { answer } = await mentionReply(fake, messageId);
    expect((answer.body as MessageBody).embeds[0]!.title).toBe(question);
    expect((answer.body as MessageBody).embeds[0]!.description).toBe((await engine.ask(question)).text);
  });

  it('handles an interaction that expired before its reply (10062) once: no second reply, one log line', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(String(chunk)), done()) }));
    const { fake } = await startBot(engine, { logger });
    const expired = { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
    for (const command of [ask('Which model does speech recognition with CTC?'), search('speech')]) {
      fake.failNext((r) => r.method === 'POST' && r.route.endsWith('/callback'), expired);
      const before = lines.length;
      const { token } = fake.slashCommand(command);
      await fake.waitForRequest((r) => r.route.endsWith(`/${token}/callback`));
      // The next command is answered, so the expired one has been handled by then.
      const next = fake.slashCommand(search('retrieval'));
      await fake.waitForRequest(editOfOriginal(fake, next.token));
      expect(fake.requests.filter((r) => r.route.includes(token))).toHaveLength(1);
      const logged = lines.slice(before).map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(logged.filter((l) => l.level >= 40)).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/gone/) })]);
    }
  });

  it('treats a reply to one of its answers as a follow-up, passing that exchange as history', async () => {
    const { fake } = await startBot(engine, { messageContent: true });
    const question = 'Which model does speech recognition with CTC?';
    const { placeholderId: answerId } = await mentionReply(fake, fake.message({ content: `<@${fake.botUser.id}> ${question}`, mentionsBot: true }));

    const followUpQuestion = 'and how much faster is it?';
    const replyId = fake.message({ content: `<@${fake.botUser.id}> ${followUpQuestion}`, mentionsBot: true, replyTo: answerId });
    const { answer: second } = await mentionReply(fake, replyId);

    const withHistory = await answerInContext(engine, question, followUpQuestion);
    expect((second.body as MessageBody).embeds[0]!.description).toBe(withHistory);
  });

  it('reports a rejected token clearly at start, without echoing it', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(String(chunk)), done()) }));
    const wrongToken = 'wrong-token-abcdef123456';
    const { bot } = await startBot(engine, { token: wrongToken, logger, start: false });
    const failure = await bot.start().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toBe(
      'Discord rejected DISCORD_TOKEN. Copy the bot token from the Developer Portal (your app → Bot → Reset Token).',
    );
    expect(lines.join('')).not.toContain(wrongToken);
  });

  it('says how to fix a refused Message Content intent at start', async () => {
    const { bot } = await startBot(engine, { messageContent: true, start: false, fakeOptions: { messageContentAllowed: false } });
    await expect(bot.start()).rejects.toThrow(
      'Discord refused the Message Content intent. Turn it on in the Developer Portal (your app → Bot → Privileged Gateway Intents) or set DISCORD_MESSAGE_CONTENT=false.',
    );
  });
});

describe('Discord start-up and fatal closes', () => {
  const limits = { ratePerMinute: 100, maxQuestionChars: 2000 };

  async function failedStart(apiUrl: string): Promise<string | undefined> {
    const bot = createDiscordBot({ engine: {} as Engine, claims: {} as QuestionClaims, config: { token: TOKEN, apiUrl, messageContent: false }, limits, logger: createLogger('silent') });
    onTestFinished(() => bot.stop());
    return bot.start().then(() => undefined, (error: unknown) => (error as Error).message);
  }

  it('names DISCORD_API_URL when Discord cannot be reached there', async () => {
    const port = await freePort();
    expect(await failedStart(`http://127.0.0.1:${port}/api`)).toBe(
      `Cannot reach DISCORD_API_URL (http://127.0.0.1:${port}/api) (ECONNREFUSED): check the network, a proxy, or DISCORD_API_URL.`,
    );
  });

  it('names DISCORD_API_URL when it is not the REST base', async () => {
    const fake = await startFakeDiscord({ token: TOKEN });
    onTestFinished(() => fake.close());
    const origin = fake.apiUrl.replace(/\/api$/, '');
    expect(await failedStart(origin)).toBe(
      `DISCORD_API_URL (${origin}) answered HTTP 404 for /gateway/bot: it must be the REST base, ending in /api (e.g. https://discord.com/api).`,
    );
  });

  it('reports a token revoked mid-session (gateway close 4004) once, as fatal, naming DISCORD_TOKEN', async () => {
    const fake = await startFakeDiscord({ token: TOKEN });
    const fatal: Error[] = [];
    const bot = createDiscordBot({
      engine: {} as Engine,
      claims: {} as QuestionClaims,
      config: { token: TOKEN, apiUrl: fake.apiUrl, messageContent: false },
      limits,
      logger: createLogger('silent'),
      onFatal: (error) => fatal.push(error),
    });
    onTestFinished(async () => {
      await bot.stop();
      await fake.close();
    });
    await bot.start();
    expect(bot.connected()).toBe(true);

    fake.closeGateway(4004, 'Authentication failed.');
    await expect.poll(() => fatal.length).toBe(1);
    expect(fatal[0]!.message).toBe(
      'Discord rejected DISCORD_TOKEN. Copy the bot token from the Developer Portal (your app → Bot → Reset Token). (The gateway closed with 4004 mid-session.)',
    );
    expect(bot.connected()).toBe(false);
  });
});

describe('Discord bot when the engine fails', () => {
  it('answers with a short ephemeral error and keeps serving', async () => {
    const { engine, cleanup } = await makeTestEngine();
    onTestFinished(cleanup);
    const { fake } = await startBot(engine);
    // A closed store makes every retrieval fail inside the real engine.
    await engine.close();

    const { token } = fake.slashCommand(ask('Which model does speech recognition with CTC?'));
    const note = await fake.waitForRequest(followUp(fake, token));
    expect(note.body).toMatchObject({
      content: 'Sorry, something went wrong while I was answering. Please try again in a moment.',
      flags: MessageFlags.Ephemeral,
      allowed_mentions: NO_PINGS,
    });

    const typing = fake.autocomplete({ name: 'paper', focused: { name: 'title', value: 'owsm' } });
    const suggestion = await fake.waitForRequest((r) => r.route.endsWith(`/${typing.token}/callback`));
    expect((suggestion.body as { type: number }).type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
  });
});

/** Five papers of long, near-identical sentences: the extractive answer quotes ~15,000 characters. */
async function writeVerboseCorpus(dir: string): Promise<string> {
  const words = ['quantum', 'kitten', 'teleportation', 'lattice', 'entangled', 'whiskers', 'photon', 'purring', 'coherence'];
  const sentence = (p: number, s: number) =>
    `Paper ${p} finding ${s}: ${Array.from({ length: 170 }, (_, i) => words[(i * 7 + p + s) % words.length]).join(' ')}.`;
  const papers = Array.from({ length: 5 }, (_, p) => `Quantum Kitten Teleportation Study ${p + 1}\n\n${[0, 1, 2].map((s) => sentence(p, s)).join(' ')}\n`);
  const file = join(dir, 'papers.txt');
  // The papers.txt format starts with five lines of page furniture.
  await writeFile(file, `a\nb\nc\nd\ne\n${papers.join('\n')}`);
  return file;
}

describe('Discord bot with answers longer than one message', () => {
  let engine: Engine;
  let cleanup: () => Promise<void>;
  let dir: string;
  const question = 'quantum kitten teleportation with entangled whiskers';
  const CITATION = /\[\d+\]/g;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperboy-discord-'));
    ({ engine, cleanup } = await makeTestEngine({ corpusPath: await writeVerboseCorpus(dir) }));
  });
  afterAll(async () => {
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  function expectSplitAnswer(bodies: MessageBody[], expected: Answer): void {
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      expect(body.allowed_mentions).toEqual(NO_PINGS);
      const chars = body.embeds.reduce(
        (n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) +
          (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
        0,
      );
      expect(chars).toBeLessThanOrEqual(DISCORD_LIMITS.embedCharsPerMessage);
      for (const e of body.embeds) expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    }
    const embeds = bodies.flatMap((b) => b.embeds);
    const text = embeds.map((e) => e.description ?? '').join(' ');
    expect(text.match(CITATION)).toEqual(expected.text.match(CITATION));
    expect(text.split(/\s+/)).toEqual(expected.text.split(/\s+/));
    expect(embeds.flatMap((e) => e.fields ?? []).map((f) => f.name)).toEqual(expected.citations.map((c) => `Source [${c.n}]`));
    expect(embeds.at(-1)!.footer).toEqual({ text: 'Mode: extractive' });
  }

  it('/ask edits the reply with the first part and follows up with the rest', async () => {
    const expected = await engine.ask(question);
    expect(expected.text.length).toBeGreaterThan(DISCORD_LIMITS.embedCharsPerMessage);

    const { fake } = await startBot(engine);
    const { token } = fake.slashCommand(ask(question));
    const edit = await fake.waitForRequest(editOfOriginal(fake, token));
    // Wait until every part has arrived: the footer marks the last one.
    await fake.waitForRequest((r) => followUp(fake, token)(r) && (r.body as MessageBody).embeds.some((e) => e.footer));
    const followUps = fake.requests.filter(followUp(fake, token));
    // The answer itself is public; only notes are ephemeral.
    for (const r of followUps) expect((r.body as MessageBody).flags ?? 0).toBe(0);
    expectSplitAnswer([edit, ...followUps].map((r) => r.body as MessageBody), expected);
  });

  it('a mention gets the long answer as a chain of replies', async () => {
    const expected = await engine.ask(question);
    const { fake } = await startBot(engine, { messageContent: true });
    const messageId = fake.message({ content: `<@${fake.botUser.id}> ${question}`, mentionsBot: true });
    const toChannel = (r: RecordedRequest) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages`;
    const { placeholderId, answer: first } = await mentionReply(fake, messageId);
    await fake.waitForRequest((r) => toChannel(r) && (r.body as MessageBody).embeds.some((e) => e.footer));
    const [placeholder, ...rest] = fake.requests.filter(toChannel);
    expectSplitAnswer([first, ...rest].map((r) => r.body as MessageBody), expected);
    // The first part replaces the placeholder (a reply to the question); each further part replies to the one before it.
    expect((placeholder!.body as MessageBody).message_reference?.message_id).toBe(messageId);
    const repliedTo = rest.map((r) => (r.body as MessageBody).message_reference?.message_id);
    const ids = rest.map((r) => (r.response.body as { id: string }).id);
    expect(repliedTo).toEqual([placeholderId, ...ids.slice(0, -1)]);
  });
});
