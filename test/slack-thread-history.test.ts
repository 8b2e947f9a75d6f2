import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createThreadMemory } from '../adapters/slack/thread-memory.ts';
import { createLogger } from '../src/logger.ts';
import { BOT_USER_ID, startFakeSlackApi, type FakeSlackApi, type SlackApiCall } from './fakes/fake-slack-api.ts';
import { appMention, USER_ID } from './fakes/slack-payloads.ts';
import { startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

/** Slack's page for apps created outside the Marketplace since 2025: 15 messages, whatever `limit` asks. */
const PAGE = 15;
const CHANNEL = 'C0LONGTHREAD';

let fake: FakeSlackApi;
let bundled: Awaited<ReturnType<typeof makeTestEngine>>;
let app: SlackHarness;
const logLines: string[] = [];
// One clock for the messages people write here and those the fake posts for the bot, so their ts order is the order they were written.
let seconds = 1_764_230_400;
const userTs = () => `${++seconds}.000000`;

beforeAll(async () => {
  [fake, bundled] = await Promise.all([startFakeSlackApi({ pageLimit: PAGE, clock: () => new Date(++seconds * 1000) }), makeTestEngine()]);
  app = await startSlackHarness(fake, { engine: bundled.engine, claims: bundled.claims, logger: createLogger('info', [], { write: (line: string) => void logLines.push(line) }) });
});
afterAll(async () => {
  await app?.slack.stop();
  await Promise.all([fake?.close(), bundled?.cleanup()]);
});

const inChannel = (c: SlackApiCall) => c.params.channel === CHANNEL;

/** Writes `text` to the bot (as Slack stores the message and delivers its event) and resolves with the answer's blocks, as JSON. */
async function ask(text: string, threadTs?: string): Promise<{ ts: string; answer: string }> {
  const ts = userTs();
  const mentioned = `<@${BOT_USER_ID}> ${text}`;
  fake.addMessage({ channel: CHANNEL, ts, user: USER_ID, text: mentioned, ...(threadTs !== undefined && { thread_ts: threadTs }) });
  const before = fake.calls.length;
  await app.sendEvent(appMention({ text: mentioned, channel: CHANNEL, ts, ...(threadTs !== undefined && { threadTs }) }));
  const answered = await fake.waitFor((c) => c.method === 'chat.update' && inChannel(c) && fake.calls.indexOf(c) >= before, 30_000);
  return { ts, answer: JSON.stringify(answered.params.blocks) };
}

/** Slack's one call a minute: from now on, the first call to `method` goes through and the next one is refused with 429. */
function allowOneCallThisMinute(method: string) {
  const made = fake.callsTo(method).length;
  fake.failNext(method, { retryAfterSeconds: 60 }, () => fake.callsTo(method).length > made);
}

describe('a follow-up in a Slack thread longer than a page', () => {
  it('reads the latest exchange and the thread’s question, not the thread’s first page', async () => {
    const { ts: threadTs, answer: first } = await ask('what is new on learned sparse retrieval?');
    expect(first).toContain('Mistral-SPLADE');
    // Colleagues talk on in the thread: its first page now ends long before its latest turns.
    for (let i = 0; i < 2 * PAGE; i++) fake.addMessage({ channel: CHANNEL, ts: userTs(), thread_ts: threadTs, user: 'U0COLLEAGUE', text: `side remark ${i}` });
    const { ts: latestTs, answer: latest } = await ask('any work on implicit neural representations for video compression?', threadTs);
    expect(latest).toContain('NERV++');

    allowOneCallThisMinute('conversations.replies');
    const readsBefore = fake.callsTo('conversations.replies').length;
    const { answer: followUp } = await ask('and which of those is fastest?', threadTs);

    // "Those" are the papers of the latest answer, not of the thread's first one; of them, HNeRV
    // alone speaks of speed ("16times faster", "decoding advantages for speed").
    expect(latest).toContain('HNeRV');
    expect(followUp).toContain('HNeRV');
    expect(followUp).not.toContain('Mistral-SPLADE');
    // The minute's one page was the latest exchange: it held the video question and its answer.
    const [page] = fake.callsTo('conversations.replies').slice(readsBefore);
    expect((page!.response as { messages: { ts: string }[] }).messages.map((m) => m.ts)[0]).toBe(latestTs);
    // The engine saw the thread's question, the latest question and its answer (logged once the answer is recorded).
    const answered = () => logLines.map((l) => JSON.parse(l) as { msg?: string; turns?: number }).filter((l) => l.msg === 'answered');
    await vi.waitFor(() => expect(answered()).toHaveLength(3));
    expect(answered().map((l) => l.turns)).toEqual([0, 2, 3]);
  }, 60_000);
});

describe('the thread memory', () => {
  it('gives an asker’s last exchanges before a question, oldest first, and forgets who asked least recently', () => {
    const threads = createThreadMemory({ exchanges: 2, askers: 2 });
    const reader = { channel: 'C1', threadTs: '10.000001', userId: 'U1' };
    for (const ts of ['10.000001', '12.000001', '11.000001', '13.000001']) threads.answering(reader, ts);
    threads.answering({ ...reader, userId: 'U2' }, '12.500000');
    expect(threads.askedBefore(reader, '13.000001')).toEqual(['11.000001', '12.000001']);
    expect(threads.askedBefore(reader, '12.000001')).toEqual(['11.000001']);
    expect(threads.askedBefore({ ...reader, userId: 'U2' }, '99.000000')).toEqual(['12.500000']);
    threads.answering({ ...reader, threadTs: '20.000001' }, '20.000001');
    expect(threads.askedBefore(reader, '99.000000')).toEqual([]);
  });
});
