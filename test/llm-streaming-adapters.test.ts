/**
 * Streaming LLM answers reach the platforms: the real Bolt app and discord.js client, over the
 * real engine with ChatOpenAI streaming from a fake OpenAI-compatible server, edit their
 * placeholder / deferred reply as text arrives (throttled), then finalise with the Sources.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { createDiscordBot } from '../adapters/discord/create-discord-bot.ts';
import { createSlackApp } from '../adapters/slack/create-slack-app.ts';
import { createEngine } from '../src/engine.ts';
import { createLlm } from '../src/llm/create-llm.ts';
import { createLogger } from '../src/logger.ts';
import type { Engine } from '../src/types.ts';
import { startFakeDiscord, type SentMessageBody } from './fakes/fake-discord.ts';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai.ts';
import { BOT_TOKEN, BOT_USER_ID, startFakeSlackApi, type SlackApiCall } from './fakes/fake-slack-api.ts';
import { appMention, eventCallback } from './fakes/slack-payloads.ts';
import { postSigned } from './fakes/slack-sign.ts';
import { discordTexts, renderDiscord, renderSlack } from './helpers/rendered-links.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const QUESTION = 'Which papers compare encoder-decoder and decoder-only language models?';
/** Six short sentences, 49 words, one SSE chunk each, 25 ms apart: about 1.2 s of streaming. */
const MODEL_ANSWER = [
  'Decoder-only language models can be analysed as regularized encoder-decoders [1].',
  'The paper unveils an attention degeneration problem [1].',
  'Less and less attention is focused on the source sequence [1].',
  'The authors conduct a theoretical sensitivity analysis of the attention output [1].',
  'They propose a partial attention language model [1].',
  'Experiments cover machine translation, summarization and data-to-text generation [1].',
].join(' ');
const CHUNK_DELAY_MS = 25;
const EDIT_INTERVAL_MS = 150;
const silent = createLogger('silent');

let openai: FakeOpenAi;
let bundled: Awaited<ReturnType<typeof makeTestEngine>>;
let engine: Engine;
/** When the engine offered each partial text, on the clock the edit throttle uses (Date.now). */
let offeredAt: number[];

beforeAll(async () => {
  [openai, bundled] = await Promise.all([startFakeOpenAi(), makeTestEngine()]);
  const llm = await createLlm({ baseURL: openai.baseURL, chatModel: 'fake-chat', timeoutMs: 10_000, maxRetries: 0 });
  const real = createEngine({ store: bundled.store, embedder: bundled.embedder, composer: llm.composer, condense: llm.condense });
  offeredAt = [];
  engine = {
    ...real,
    ask: (question, options = {}) =>
      real.ask(question, {
        ...options,
        onPartial: (text) => {
          offeredAt.push(Date.now());
          options.onPartial?.(text);
        },
      }),
  };
  openai.defaultReply = { text: MODEL_ANSWER, chunkDelayMs: CHUNK_DELAY_MS };
});
afterAll(async () => {
  await Promise.all([openai?.close(), bundled?.cleanup()]);
});

/**
 * Checks the partial edits: growing text, all before the final one, and throttled. Edits are at
 * least an interval apart and each after the first shows text offered after the one before it
 * started, so however slowly a loaded machine streams, their number is bounded by the span over
 * which text was actually offered (measured on the throttle's own clock), not by a nominal time.
 */
function expectThrottledPreviews(previews: string[]) {
  expect(previews.length).toBeGreaterThanOrEqual(2);
  const offeredSpan = offeredAt.at(-1)! - offeredAt[0]!;
  expect(previews.length).toBeLessThanOrEqual(Math.floor(offeredSpan / EDIT_INTERVAL_MS) + 2);
  for (let i = 1; i < previews.length; i++) expect(previews[i]!.length).toBeGreaterThan(previews[i - 1]!.length);
}

/** The real Bolt app (HTTP mode) against a fake Slack API; `ask` mentions the bot in `channel`. */
async function startSlack(streamEditIntervalMs: number) {
  const slackApi = await startFakeSlackApi();
  const signingSecret = 'test-signing-secret-0123456789';
  const slack = createSlackApp({
    engine,
    claims: bundled.claims,
    config: { botToken: BOT_TOKEN, signingSecret, port: 0, host: '127.0.0.1', apiUrl: slackApi.apiUrl, slashCommand: '/papers' },
    limits: { ratePerMinute: 100, maxQuestionChars: 2000 },
    logger: silent,
    streamEditIntervalMs,
  });
  onTestFinished(async () => {
    await slack.stop();
    await slackApi.close();
  });
  await slack.start();
  const ask = (channel: string) => {
    const body = eventCallback(appMention({ text: `<@${BOT_USER_ID}> ${QUESTION}`, channel }));
    return postSigned(`http://127.0.0.1:${slack.address()!.port}/slack/events`, { body, contentType: 'application/json', signingSecret });
  };
  return { slackApi, ask };
}

/** The real discord.js client against a fake Discord. */
async function startDiscord(streamEditIntervalMs: number) {
  const token = 'test-token-Nzk5.discord-bot';
  const discord = await startFakeDiscord({ token });
  const bot = createDiscordBot({
    engine,
    claims: bundled.claims,
    config: { token, apiUrl: discord.apiUrl, messageContent: false },
    limits: { ratePerMinute: 100, maxQuestionChars: 2000 },
    logger: silent,
    streamEditIntervalMs,
  });
  onTestFinished(async () => {
    await bot.stop();
    await discord.close();
  });
  await bot.start();
  return discord;
}

describe('streaming answers', () => {
  beforeEach(() => {
    offeredAt = [];
  });

  it('Slack: edits the placeholder as the model writes, then replaces it with the answer and its Sources', async () => {
    const { slackApi, ask } = await startSlack(EDIT_INTERVAL_MS);
    await ask('C0STREAM');
    const isFinal = (c: SlackApiCall) => c.method === 'chat.update' && String(c.params.text).includes('Sources:');
    const final = await slackApi.waitFor(isFinal, 10_000);

    const placeholder = slackApi.callsTo('chat.postMessage').find((c) => c.params.channel === 'C0STREAM');
    const updates = slackApi.callsTo('chat.update').filter((c) => c.params.channel === 'C0STREAM');
    expect(updates.every((u) => u.params.ts === placeholder?.response?.ts)).toBe(true);
    expect(updates.at(-1)).toBe(final);
    const previews = updates.slice(0, -1).map((u) => String(u.params.text));
    for (const p of previews) {
      expect(p).toMatch(/ …$/);
      expect(MODEL_ANSWER.startsWith(p.replace(/ …$/, ''))).toBe(true);
    }
    expectThrottledPreviews(previews);
    expect(String(final.params.text)).toContain(MODEL_ANSWER);
    expect(String(final.params.text)).toMatch(/Sources:\n\[1\] Decoder-Only or Encoder-Decoder/);
  });

  it('Discord: edits the deferred /ask reply as the model writes, then finalises it with the Sources', async () => {
    const discord = await startDiscord(EDIT_INTERVAL_MS);

    const interaction = discord.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: QUESTION }] });
    type Edit = { embeds: { title?: string; description?: string; fields?: { name: string }[]; footer?: { text: string } }[] };
    const isEdit = (r: { method: string; route: string }) =>
      r.method === 'PATCH' && r.route === `/webhooks/${discord.appId}/${interaction.token}/messages/@original`;
    await discord.waitForRequest((r) => isEdit(r) && (r.body as Edit).embeds[0]?.footer?.text === 'Mode: llm', 10_000);

    const edits = discord.requests.filter(isEdit).map((r) => r.body as Edit);
    const final = edits.at(-1)!.embeds[0]!;
    const previews = edits.slice(0, -1).map((e) => e.embeds[0]!.description ?? '');
    for (const [i, edit] of edits.slice(0, -1).entries()) {
      expect(edit.embeds[0]?.title).toBe(QUESTION);
      expect(previews[i]).toMatch(/ …$/);
      expect(MODEL_ANSWER.startsWith(previews[i]!.replace(/ …$/, ''))).toBe(true);
    }
    expectThrottledPreviews(previews);
    expect(final.description).toBe(MODEL_ANSWER);
    expect(final.fields?.map((f) => f.name).join(' ')).toContain('[1]');
  });
});

describe('a hostile model answer', () => {
  const HOSTILE_ANSWER =
    'Decoder-only models [click me](https://evil.example/x) are regularized encoder-decoders [1]. ' +
    'See https://evil.example/y <@123456789012345678> <@U0VICTIM> <!channel> @everyone [1].';

  // The claim check drops sentences carrying links or mentions their paper lacks, so nothing of this
  // answer survives to be rendered; what is shown (streamed or final) must still be clean.
  it('streams and ends with no link but the Sources and no mention, on Slack and Discord', async () => {
    openai.defaultReply = { text: HOSTILE_ANSWER, chunkDelayMs: 5 };
    onTestFinished(() => {
      openai.defaultReply = { text: MODEL_ANSWER, chunkDelayMs: CHUNK_DELAY_MS };
    });
    const sources = (await engine.ask(QUESTION)).citations.map((c) => c.url);
    const paperLink = (url: string) => sources.includes(url);

    const [{ slackApi, ask }, discord] = await Promise.all([startSlack(20), startDiscord(20)]);
    await ask('C0HOSTILE');
    await slackApi.waitFor((c) => c.method === 'chat.update' && String(c.params.text).includes('Sources:'), 10_000);
    const slackRendered = slackApi.callsTo('chat.update').map((c) => renderSlack(c.params as { text?: string; blocks?: unknown[] }));
    expect(slackRendered.length).toBeGreaterThan(0);

    const interaction = discord.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: QUESTION }] });
    const isEdit = (r: { method: string; route: string }) =>
      r.method === 'PATCH' && r.route === `/webhooks/${discord.appId}/${interaction.token}/messages/@original`;
    await discord.waitForRequest((r) => isEdit(r) && /^Mode:/.test((r.body as SentMessageBody).embeds[0]?.footer?.text ?? ''), 10_000);
    const discordRendered = discord.requests.filter(isEdit).flatMap((r) => discordTexts(r.body as SentMessageBody).map(renderDiscord));
    expect(discordRendered.length).toBeGreaterThan(0);

    const all = [...slackRendered, ...discordRendered];
    expect(all.flatMap((r) => r.links).filter((url) => !paperLink(url))).toEqual([]);
    expect(all.flatMap((r) => r.mentions)).toEqual([]);
    expect(JSON.stringify(all)).not.toContain('evil.example');
  });
});
