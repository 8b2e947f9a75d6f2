import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BOT_ID, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi, type SlackApiCall } from './fakes/fake-slack-api.ts';
import { appMention, directMessage, nextTs, USER_ID } from './fakes/slack-payloads.ts';
import { startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

/** Slack's page for apps created outside the Marketplace since 2025: 15 messages, whatever `limit` asks. */
const PAGE = 15;

let fake: FakeSlackApi;
let bundled: Awaited<ReturnType<typeof makeTestEngine>>;
let app: SlackHarness | undefined;

beforeAll(async () => {
  [fake, bundled] = await Promise.all([startFakeSlackApi({ pageLimit: PAGE }), makeTestEngine()]);
});
afterEach(async () => {
  await app?.slack.stop();
  app = undefined;
});
afterAll(async () => {
  await Promise.all([fake?.close(), bundled?.cleanup()]);
});

const inChannel = (channel: string) => (c: SlackApiCall) => c.params.channel === channel;

/** A thread: the question the bot answered about sparse retrieval, then `chatter` replies between people. */
function threadAbout(channel: string, chatter: number): string {
  const parentTs = nextTs();
  fake.addMessage({ channel, ts: parentTs, user: USER_ID, text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?` });
  fake.addMessage({ channel, ts: nextTs(), thread_ts: parentTs, user: BOT_USER_ID, bot_id: BOT_ID, text: 'Mistral-SPLADE … [1]' });
  for (let i = 0; i < chatter; i++) fake.addMessage({ channel, ts: nextTs(), thread_ts: parentTs, user: 'U0COLLEAGUE', text: `side remark ${i}` });
  return parentTs;
}

/** Asks `text` in the thread and resolves with the answer that replaced its placeholder (its blocks, as JSON). */
async function askInThread(channel: string, threadTs: string, text: string): Promise<string> {
  const mention = appMention({ text: `<@${BOT_USER_ID}> ${text}`, channel, threadTs });
  const before = fake.calls.length;
  await app!.sendEvent(mention);
  const answered = await fake.waitFor((c) => c.method === 'chat.update' && inChannel(channel)(c) && fake.calls.indexOf(c) >= before);
  return JSON.stringify(answered.params.blocks);
}

describe('conversation history under Slack rate limits (apps outside the Marketplace)', () => {
  it('answers from the pages read when the next one is limited for a minute, and reads no history until the limit passes', async () => {
    app = await startSlackHarness(fake, { engine: bundled.engine, claims: bundled.claims });
    const parentTs = threadAbout('C0LIMITED', 2 * PAGE);
    fake.failNext('conversations.replies', { retryAfterSeconds: 60 }, (p) => Boolean(p.cursor));

    // The first page holds the question and the bot's answer: the follow-up still finds its paper.
    expect(await askInThread('C0LIMITED', parentTs, 'and which of those is fastest?')).toContain('Mistral-SPLADE');
    const replies = () => fake.callsTo('conversations.replies').filter(inChannel('C0LIMITED'));
    expect(replies().map((c) => c.response?.ok ?? true)).toEqual([true, false]);

    // Within the minute, the same follow-up reads no replies: only the thread's question, through
    // conversations.history (limited on its own), so it is answered without the earlier answer's papers.
    expect(await askInThread('C0LIMITED', parentTs, 'and which of those is fastest?')).toContain('I found no paper about that');
    expect(replies()).toHaveLength(2);
    expect(fake.callsTo('conversations.history').filter(inChannel('C0LIMITED')).map((c) => c.params.latest)).toEqual([parentTs]);
  });

  it('waits out a short Retry-After within the answer\'s budget and reads the whole thread', async () => {
    app = await startSlackHarness(fake, { engine: bundled.engine, claims: bundled.claims });
    const parentTs = threadAbout('C0BRIEF', PAGE + 3);
    fake.failNext('conversations.replies', { retryAfterSeconds: 1 }, (p) => Boolean(p.cursor));

    expect(await askInThread('C0BRIEF', parentTs, 'and which of those is fastest?')).toContain('Mistral-SPLADE');
    const pages = fake.callsTo('conversations.replies').filter(inChannel('C0BRIEF'));
    // The limited second page was asked again once, after the wait, and read.
    expect(pages.map((c) => [c.params.cursor ?? '', c.response?.ok ?? true])).toEqual([['', true], [String(PAGE), false], [String(PAGE), true]]);
  });

  it("answers a DM without its history when Slack answers 'ratelimited'", async () => {
    app = await startSlackHarness(fake, { engine: bundled.engine, claims: bundled.claims });
    fake.failNext('conversations.history', { error: 'ratelimited' }, (p) => p.channel === 'D0LIMITED');
    await app.sendEvent(directMessage({ text: 'Which papers compare encoder-decoder and decoder-only language models?', channel: 'D0LIMITED' }));
    const answer = await fake.waitFor((c) => c.method === 'chat.update' && inChannel('D0LIMITED')(c));
    expect(String(answer.params.text)).toMatch(/\[1\]/);
    expect(fake.callsTo('conversations.history').filter(inChannel('D0LIMITED'))).toHaveLength(1);
  });
});
