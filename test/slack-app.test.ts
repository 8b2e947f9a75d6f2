import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackAppOptions } from '../adapters/slack/create-slack-app.ts';
import { defaultSubcommands } from '../adapters/slack/subcommands.ts';
import type { Engine } from '../src/types.ts';
import { BOT_TOKEN, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi, type SlackApiCall } from './fakes/fake-slack-api.ts';
import { appMention, directMessage, eventCallback, nextTs, slashCommand, USER_ID } from './fakes/slack-payloads.ts';
import { postSigned, slackSignatureHeaders } from './fakes/slack-sign.ts';
import { SIGNING_SECRET, startSlackHarness } from './helpers/slack-harness.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

/** Anything Slack would turn into a notification for people other than the asker. */
const PING = /<!(channel|here|everyone)|<!subteam|<@[UW]|(^|[^\u2060])@(channel|here|everyone)\b/i;

let fake: FakeSlackApi;
let bundled: Awaited<ReturnType<typeof makeTestEngine>>;

beforeAll(async () => {
  [fake, bundled] = await Promise.all([startFakeSlackApi(), makeTestEngine()]);
});
afterAll(async () => {
  await Promise.all([fake?.close(), bundled?.cleanup()]);
});

function startApp(overrides: Partial<SlackAppOptions> = {}) {
  return startSlackHarness(fake, { engine: bundled.engine, claims: bundled.claims, ...overrides });
}

const inChannel = (channel: string) => (c: SlackApiCall) => c.params.channel === channel;

/** Waits for the placeholder posted in `channel` and the answer that replaced it. */
async function placeholderAndAnswer(channel: string) {
  const placeholder = await fake.waitFor((c) => c.method === 'chat.postMessage' && inChannel(channel)(c));
  const update = await fake.waitFor((c) => c.method === 'chat.update' && inChannel(channel)(c));
  expect(update.params.ts).toBe(placeholder.response?.ts);
  return { placeholder: placeholder.params, answer: update.params };
}

/** The reply sent through a response URL (not the removal of the acknowledgement's placeholder). */
async function responseFor(url: string): Promise<Record<string, unknown>> {
  return (await fake.waitFor((c) => c.method === 'response_url' && c.url === url && c.params.delete_original === undefined)).params;
}

function blockText(params: Record<string, unknown>): string {
  return (params.blocks as { text?: { text: string }; elements?: { text: string }[] }[])
    .map((b) => b.text?.text ?? b.elements?.map((e) => e.text).join(' ') ?? '')
    .join('\n');
}

describe('Slack app over HTTP, with the real engine', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => app.slack.stop());

  it('answers a channel mention in its thread: placeholder first, then the cited answer replaces it', async () => {
    const mention = appMention({ text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`, channel: 'C0MENTION' });
    expect((await app.sendEvent(mention)).status).toBe(200);

    const { placeholder, answer } = await placeholderAndAnswer('C0MENTION');
    expect(placeholder).toMatchObject({ channel: 'C0MENTION', thread_ts: mention.ts, text: 'Looking through 98 papers…' });
    expect(fake.callsTo('chat.postMessage').find(inChannel('C0MENTION'))?.token).toBe(BOT_TOKEN);
    expect(answer.ts).toMatch(/^\d+\.\d+$/);
    const text = blockText(answer);
    expect(text).toContain('*Mistral-SPLADE: LLMs for better Learned Sparse Retrieval*');
    expect(text).toMatch(/\[1\]/);
    expect(text).toContain('*Sources*\n[1] Mistral-SPLADE: LLMs for better Learned Sparse Retrieval — “');
    expect(answer.text).toContain('Sources:\n[1] Mistral-SPLADE');
    expect(fake.calls.filter(inChannel('C0MENTION')).map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
  });

  it('understands a follow-up in the thread from the earlier turns', async () => {
    const parentTs = nextTs();
    fake.addMessage({ channel: 'C0FOLLOW', ts: parentTs, user: USER_ID, text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?` });
    fake.addMessage({ channel: 'C0FOLLOW', ts: nextTs(), thread_ts: parentTs, user: BOT_USER_ID, bot_id: 'B0PAPERBOY', text: 'Mistral-SPLADE … [1]' });
    const followUp = appMention({ text: `<@${BOT_USER_ID}> and which of those is fastest?`, channel: 'C0FOLLOW', threadTs: parentTs });
    await app.sendEvent(followUp);

    const { placeholder, answer } = await placeholderAndAnswer('C0FOLLOW');
    expect(placeholder.thread_ts).toBe(parentTs);
    expect(fake.callsTo('conversations.replies').find(inChannel('C0FOLLOW'))?.params).toMatchObject({ channel: 'C0FOLLOW', ts: parentTs });
    expect(blockText(answer)).toContain('Mistral-SPLADE');

    // The same words without the thread have nothing to go on: the history is what made the difference.
    await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> and which of those is fastest?`, channel: 'C0NOTHREAD' }));
    const alone = await placeholderAndAnswer('C0NOTHREAD');
    expect(alone.answer.text).toBe('I found no paper about that.');
    expect(fake.callsTo('conversations.replies').filter(inChannel('C0NOTHREAD'))).toEqual([]);
  });

  it('answers a direct message inline in the DM, not in a new thread', async () => {
    const dm = directMessage({ text: 'Which papers compare encoder-decoder and decoder-only language models?', channel: 'D0DIRECT' });
    await app.sendEvent(dm);
    const { placeholder, answer } = await placeholderAndAnswer('D0DIRECT');
    expect(placeholder.channel).toBe('D0DIRECT');
    expect(placeholder).not.toHaveProperty('thread_ts');
    expect(blockText(answer)).toContain('Decoder-Only or Encoder-Decoder? Interpreting Language Model as a Regularized Encoder-Decoder');
  });

  it('ignores message edits, its own messages and other bots in DMs', async () => {
    await app.sendEvent({ ...directMessage({ text: 'edited', channel: 'D0IGNORED' }), subtype: 'message_changed' });
    await app.sendEvent({ ...directMessage({ text: 'from a bot', channel: 'D0IGNORED' }), bot_id: 'B0OTHER' });
    await app.sendEvent(directMessage({ text: 'a real question about speech recognition', channel: 'D0IGNORED2' }));
    await placeholderAndAnswer('D0IGNORED2');
    expect(fake.calls.filter(inChannel('D0IGNORED'))).toEqual([]);
  });

  it('answers an empty mention or an oversized question with a usage/limit note to the asker only', async () => {
    const empty = appMention({ text: `<@${BOT_USER_ID}>`, channel: 'C0EMPTY' });
    await app.sendEvent(empty);
    const usage = await fake.waitFor((c) => c.method === 'chat.postEphemeral' && inChannel('C0EMPTY')(c));
    expect(usage.params).toMatchObject({ channel: 'C0EMPTY', user: USER_ID, thread_ts: empty.ts });
    expect(usage.params.text).toMatch(/^Ask me something about research papers.*`\/papers help`/);

    await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> ${'why '.repeat(10_000)}`, channel: 'C0HUGE' }));
    const limit = await fake.waitFor((c) => c.method === 'chat.postEphemeral' && inChannel('C0HUGE')(c));
    expect(limit.params.text).toBe('That question is too long for me: please keep it under 2,000 characters.');
    expect(fake.callsTo('chat.postMessage').filter((c) => ['C0EMPTY', 'C0HUGE'].includes(String(c.params.channel)))).toEqual([]);
  });

  it('rejects requests with a bad, missing or stale signature without touching the API', async () => {
    const body = eventCallback(appMention({ text: `<@${BOT_USER_ID}> sparse retrieval`, channel: 'C0FORGED' }));
    const forged = await postSigned(app.endpoint, { body, contentType: 'application/json', signingSecret: 'not-the-secret' });
    const unsigned = await fetch(app.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const anHourAgo = Math.floor(Date.now() / 1000) - 60 * 60;
    const stale = await fetch(app.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...slackSignatureHeaders(body, SIGNING_SECRET, anHourAgo) },
      body,
    });
    expect([forged.status, unsigned.status, stale.status]).toEqual([401, 401, 401]);
    // A correctly signed event afterwards still works, so the rejections above were about the signature.
    await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> sparse retrieval`, channel: 'C0SIGNED' }));
    await placeholderAndAnswer('C0SIGNED');
    expect(fake.calls.filter(inChannel('C0FORGED'))).toEqual([]);
  });

  it('does not let a slow question hold up the others', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The real engine, with one question held back until the other is answered.
    const engine: Engine = {
      ...bundled.engine,
      ask: async (question, options) => {
        if (question.includes('speech')) await gate;
        return bundled.engine.ask(question, options);
      },
    };
    const gated = await startApp({ engine });
    try {
      await gated.sendEvent(appMention({ text: `<@${BOT_USER_ID}> speech recognition models?`, channel: 'C0SLOW' }));
      await fake.waitFor((c) => c.method === 'chat.postMessage' && inChannel('C0SLOW')(c));
      await gated.sendEvent(appMention({ text: `<@${BOT_USER_ID}> learned sparse retrieval`, channel: 'C0FAST' }));
      await placeholderAndAnswer('C0FAST');
      expect(fake.callsTo('chat.update').filter(inChannel('C0SLOW'))).toEqual([]);
      release();
      await placeholderAndAnswer('C0SLOW');
    } finally {
      release();
      await gated.slack.stop();
    }
  });
});

describe('Slack retries and duplicate deliveries', () => {
  it('answers an event once, however often Slack delivers it', async () => {
    const app = await startApp();
    const mention = appMention({ text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`, channel: 'C0RETRY' });
    const eventId = 'Ev0RETRIED01';
    const statuses = await Promise.all([
      app.sendEvent(mention, { eventId }),
      app.sendEvent(mention, { eventId, retryNum: 1 }),
      app.sendEvent(mention, { eventId }),
    ]);
    await app.sendEvent(mention, { eventId, retryNum: 2 });
    // stop() waits for every answer in progress, so nothing more can arrive after it.
    await app.slack.stop();
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(fake.calls.filter(inChannel('C0RETRY')).map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
  });
});

describe('per-user rate limit', () => {
  it('tells the user politely to wait, and lets them back in once the minute has passed', async () => {
    let now = Date.parse('2026-11-27T09:00:00Z');
    const app = await startApp({ limits: { ratePerMinute: 2, maxQuestionChars: 2000 }, clock: () => now });
    try {
      for (const channel of ['C0RATE1', 'C0RATE2']) {
        await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> sparse retrieval`, channel }));
        await placeholderAndAnswer(channel);
      }
      await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> sparse retrieval`, channel: 'C0RATE3' }));
      const refusal = await fake.waitFor((c) => c.method === 'chat.postEphemeral' && inChannel('C0RATE3')(c));
      expect(refusal.params.text).toBe("You're asking faster than I can read. Please try again in 60s.");
      expect(fake.callsTo('chat.postMessage').filter(inChannel('C0RATE3'))).toEqual([]);

      now += 61_000;
      await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> sparse retrieval`, channel: 'C0RATE4' }));
      await placeholderAndAnswer('C0RATE4');
    } finally {
      await app.slack.stop();
    }
  });
});

describe('engine failures', () => {
  it('become a short apology in the thread, logged with the event id, and the bot keeps answering', async () => {
    const broken = await makeTestEngine();
    await broken.engine.close();
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const app = await startApp({ engine: broken.engine, logger });
    try {
      await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> sparse retrieval`, channel: 'C0BROKEN' }), { eventId: 'Ev0BROKEN01' });
      const { placeholder, answer } = await placeholderAndAnswer('C0BROKEN');
      expect(placeholder.text).toBe('Looking through the papers…');
      expect(answer.text).toBe('Sorry, something went wrong while I was answering. Please try again in a moment.');
      const logged = lines.map((l) => JSON.parse(l) as { eventId?: string; msg: string; level: number });
      expect(logged).toContainEqual(expect.objectContaining({ eventId: 'Ev0BROKEN01', msg: 'answering a question failed', level: 50 }));

      await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> sparse retrieval`, channel: 'C0BROKEN2' }));
      expect((await placeholderAndAnswer('C0BROKEN2')).answer.text).toMatch(/^Sorry/);
    } finally {
      await app.slack.stop();
      await broken.cleanup().catch(() => undefined);
    }
  });
});

describe('hostile and linked paper text', () => {
  let dir: string;
  let hostile: Awaited<ReturnType<typeof makeTestEngine>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperboy-slack-'));
    const corpus = join(dir, 'papers.jsonl');
    const papers = [
      {
        id: '2401.00001',
        title: '<!channel> Sparse retrieval @here for everyone <@U0VICTIM>',
        abstract: 'We study learned sparse retrieval <!everyone> at scale. Sparse retrieval with @channel expansion terms beats BM25 & friends <b>.',
        url: 'https://arxiv.org/abs/2401.00001',
        authors: ['<@U0VICTIM>'],
      },
      {
        id: '2401.00002',
        title: 'Dense passage retrieval for open-domain QA',
        abstract: 'Dense retrieval uses learned embeddings for passages. It outperforms sparse retrieval on open-domain QA.',
        url: 'https://arxiv.org/abs/2401.00002',
      },
    ];
    await writeFile(corpus, papers.map((p) => JSON.stringify(p)).join('\n'));
    hostile = await makeTestEngine({ corpusPath: corpus });
  });
  afterAll(async () => {
    await hostile?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('links titles that have a URL and never pings, whatever the papers or the user wrote', async () => {
    const app = await startApp({ engine: hostile.engine });
    try {
      await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> <!here> learned sparse retrieval at scale?`, channel: 'C0HOSTILE' }));
      const { answer } = await placeholderAndAnswer('C0HOSTILE');
      const everything = `${String(answer.text)}\n${JSON.stringify(answer.blocks)}`;
      expect(everything).toContain('<https://arxiv.org/abs/2401.00001|&lt;!channel&gt; Sparse retrieval @\u2060here for everyone &lt;@U0VICTIM&gt;>');
      expect(everything).toContain('&amp; friends &lt;b&gt;');
      expect(everything).not.toMatch(PING);

      const paper = await responseFor((await app.sendCommand('paper 2401.00001')).responseUrl);
      expect(JSON.stringify(paper)).toContain('&lt;@U0VICTIM&gt;');
      expect(JSON.stringify(paper)).not.toMatch(PING);
    } finally {
      await app.slack.stop();
    }
  });
});

describe('the /papers slash command', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp({
      subcommands: {
        ...defaultSubcommands,
        // Shaped like a digest subcommand: posts to the channel itself, then confirms to the asker.
        announce: {
          argument: '<note>',
          summary: 'Post a note with the paper count to this channel',
          run: async ({ args, channelId, client, deps }) => {
            await client.chat.postMessage({ channel: channelId, text: `${args} (${await deps.engine.countPapers()} papers)` });
            return { visibility: 'ephemeral', text: 'Posted.', blocks: [] };
          },
        },
      },
    });
  });
  afterAll(async () => app.slack.stop());

  it('acknowledges `ask` at once with a placeholder, then shares the cited answer in the channel', async () => {
    const res = await app.sendCommand('ask what is new on learned sparse retrieval?');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ response_type: 'ephemeral', text: 'Looking through 98 papers…' });
    const reply = await responseFor(res.responseUrl);
    expect(reply.response_type).toBe('in_channel');
    expect(blockText(reply)).toContain('*Sources*\n[1] Mistral-SPLADE');
    // The ephemeral placeholder is removed before the shared answer goes out, not left behind.
    const toUrl = fake.calls.filter((c) => c.url === res.responseUrl).map((c) => c.params);
    expect(toUrl).toEqual([{ delete_original: true }, reply]);
  });

  it('`/papers <question>` without `ask` is a question too', async () => {
    const res = await app.sendCommand('what is new on learned sparse retrieval?');
    expect(JSON.parse(res.text)).toEqual({ response_type: 'ephemeral', text: 'Looking through 98 papers…' });
    const reply = await responseFor(res.responseUrl);
    expect(reply.response_type).toBe('in_channel');
    expect(blockText(reply)).toContain('*Sources*\n[1] Mistral-SPLADE');
  });

  it('`search` lists the top 5 with a one-line gist each', async () => {
    const res = await app.sendCommand('search speech recognition');
    expect(res.text).toBe('');
    const reply = await responseFor(res.responseUrl);
    expect(reply.response_type).toBe('ephemeral');
    const blocks = reply.blocks as { text: { text: string } }[];
    expect(blocks[0]!.text.text).toBe('*Top 5 for “speech recognition”*');
    expect(blocks.slice(1).map((b) => b.text.text.split('\n').length)).toEqual([2, 2, 2, 2, 2]);
    expect(blocks[1]!.text.text).toMatch(/^\*1\.\* .*Speech Recognition.* \(t-[0-9a-f]+\)\n\S/);
  });

  it('`paper` shows title, authors and abstract, found by title words', async () => {
    const reply = await responseFor((await app.sendCommand('paper selective state spaces mamba')).responseUrl);
    expect(blockText(reply)).toMatch(/^\*Mamba/);
    const missing = await responseFor((await app.sendCommand('paper zzzz qqqq')).responseUrl);
    expect(missing.text).toBe('No paper matches “zzzz qqqq”.');
  });

  it('`help` (and a bare command) lists every subcommand, including added ones', async () => {
    for (const text of ['help', '']) {
      const reply = await responseFor((await app.sendCommand(text)).responseUrl);
      const help = String(reply.text);
      expect(help).toContain('*Paperboy* answers questions about 98 papers, with citations.');
      for (const usage of ['/papers ask &lt;question&gt;', '/papers search &lt;terms&gt;', '/papers paper &lt;id or title words&gt;', '/papers help', '/papers announce &lt;note&gt;']) {
        expect(help).toContain(`\`${usage}\``);
      }
    }
  });

  it('runs an added subcommand with the bot client, as the digest subcommands will', async () => {
    const reply = await responseFor((await app.sendCommand('announce reading group at 3')).responseUrl);
    expect(reply).toEqual({ response_type: 'ephemeral', text: 'Posted.', blocks: [] });
    const posted = fake.callsTo('chat.postMessage').find((c) => c.params.text === 'reading group at 3 (98 papers)');
    expect(posted?.params.channel).toBe('C0RESEARCH');
  });

  it('acknowledges a slash command it does not know with help, and logs its name', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const other = await startApp({ logger });
    try {
      const body = new URLSearchParams(slashCommand({ command: '/paper', text: 'what is attention?', responseUrl: fake.responseUrl() })).toString();
      const res = await postSigned(other.endpoint, { body, contentType: 'application/x-www-form-urlencoded', signingSecret: SIGNING_SECRET });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ response_type: 'ephemeral', text: 'I only answer `/papers`: try `/papers help`, or mention me with a question.' });
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged).toContainEqual(expect.objectContaining({ level: 40, command: '/paper', msg: expect.stringContaining('SLACK_SLASH_COMMAND') }));
    } finally {
      await other.slack.stop();
    }
  });

  it('refuses in the acknowledgement: missing question, oversized text', async () => {
    const usage = await app.sendCommand('ask');
    expect(JSON.parse(usage.text)).toEqual({ response_type: 'ephemeral', text: 'Usage: `/papers ask &lt;question&gt;`' });
    const huge = await app.sendCommand(`ask ${'x'.repeat(40_000)}`);
    expect(JSON.parse(huge.text).text).toBe('That question is too long for me: please keep it under 2,000 characters.');
    const hugeWithoutAsk = await app.sendCommand('x'.repeat(40_000));
    expect(JSON.parse(hugeWithoutAsk.text).text).toBe('That question is too long for me: please keep it under 2,000 characters.');
    const urls = [usage, huge, hugeWithoutAsk].map((r) => r.responseUrl);
    expect(fake.calls.filter((c) => c.url !== undefined && urls.includes(c.url))).toEqual([]);
  });
});
