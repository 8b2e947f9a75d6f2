import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeduper } from '../adapters/slack/dedupe.ts';
import { fetchThreadHistory } from '../adapters/slack/thread-history.ts';
import { BOT_ID, BOT_TOKEN, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';

let fake: FakeSlackApi;
beforeAll(async () => {
  fake = await startFakeSlackApi();
});
afterAll(async () => fake.close());

describe('thread history for follow-ups', () => {
  it('maps the thread to turns: people as user, this bot as assistant; skips placeholders, other bots and later messages', async () => {
    const thread = (ts: string, m: { user?: string; bot_id?: string; text: string }) =>
      fake.addMessage({ channel: 'C0HIST', ts, thread_ts: '100.000001', ...m });
    fake.addMessage({ channel: 'C0HIST', ts: '100.000001', user: 'U0ANA', text: `<@${BOT_USER_ID}> what is new on sparse retrieval &amp; BM25?` });
    thread('100.000002', { user: BOT_USER_ID, bot_id: BOT_ID, text: 'Mistral-SPLADE [1]' });
    thread('100.000003', { user: BOT_USER_ID, bot_id: BOT_ID, text: 'Looking through 98 papers…' });
    thread('100.000004', { bot_id: 'B0OTHER', text: 'another bot chimes in' });
    thread('100.000005', { user: 'U0BEN', text: 'and <@U0ANA> asked about speed' });
    thread('100.000006', { user: 'U0ANA', text: `<@${BOT_USER_ID}> and which of those is fastest?` });
    thread('100.000007', { user: 'U0BEN', text: 'written after the question' });

    const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl });
    const turns = await fetchThreadHistory(client, { channel: 'C0HIST', threadTs: '100.000001', beforeTs: '100.000006', botUserId: BOT_USER_ID, botId: BOT_ID });
    expect(turns).toEqual([
      { role: 'user', text: 'what is new on sparse retrieval & BM25?' },
      { role: 'assistant', text: 'Mistral-SPLADE [1]' },
      { role: 'user', text: 'and @U0ANA asked about speed' },
    ]);
    expect(fake.callsTo('conversations.replies').at(-1)?.params).toMatchObject({ channel: 'C0HIST', ts: '100.000001' });
  });
});

describe('deduper', () => {
  it('says yes once per key and forgets the oldest keys beyond its capacity', () => {
    const seen = createDeduper({ capacity: 2 });
    expect(['a', 'a', 'b', 'c', 'b'].map((k) => seen.firstSeen(k))).toEqual([true, false, true, true, false]);
    expect(seen.firstSeen('a')).toBe(true);
  });
});
