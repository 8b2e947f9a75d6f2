/**
 * History that means the conversation: the asker's own turns with the bot and the bot's answers,
 * newest first and bounded, read through the real Bolt app from the fake Slack API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationTurns } from '../src/chat/conversation.ts';
import type { ConversationMessage } from '../src/chat/transport.ts';
import type { AskOptions, Engine, Turn } from '../src/types.ts';
import { BOT_ID, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, directMessage, nextTs, USER_ID } from './fakes/slack-payloads.ts';
import { startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const COLLEAGUE = 'U0COLLEAGUE';

describe('conversationTurns', () => {
  const asker = (text: string): ConversationMessage => ({ fromBot: false, userId: 'U1', toBot: true, text });
  const bot = (text: string): ConversationMessage => ({ fromBot: true, toBot: false, text });

  it('keeps the asker’s turns with the bot and its answers, oldest first; drops chatter, others’ exchanges and notices', () => {
    const newestFirst: ConversationMessage[] = [
      { fromBot: false, userId: 'U1', toBot: false, text: 'brb, coffee' },
      bot('Dense retrieval [1]'),
      { fromBot: false, userId: 'U2', toBot: true, text: 'what about dense retrieval?' },
      { fromBot: false, userId: 'U2', toBot: false, text: 'cool, thanks!' },
      bot('Sorry, something went wrong while I was answering. Please try again in a moment.'),
      bot('Mistral-SPLADE [1]'),
      bot('Looking through 98 papers…'),
      asker('what is new on learned sparse retrieval?'),
      bot('Paperboy daily · 27 Nov · 12 new papers'),
    ];
    expect(conversationTurns(newestFirst, 'U1')).toEqual([
      { role: 'assistant', text: 'Paperboy daily · 27 Nov · 12 new papers' },
      { role: 'user', text: 'what is new on learned sparse retrieval?' },
      { role: 'assistant', text: 'Mistral-SPLADE [1]' },
    ]);
  });

  it('keeps only the newest turns of a long conversation', () => {
    const newestFirst = Array.from({ length: 30 }, (_, i) => asker(`question ${30 - i}`));
    expect(conversationTurns(newestFirst, 'U1', 3).map((t) => t.text)).toEqual(['question 28', 'question 29', 'question 30']);
  });
});

describe('Slack conversations through the real Bolt app', () => {
  let fake: FakeSlackApi;
  let bundled: Awaited<ReturnType<typeof makeTestEngine>>;
  let app: SlackHarness;
  /** What the engine was asked with, by question. */
  const histories = new Map<string, Turn[]>();

  beforeAll(async () => {
    [fake, bundled] = await Promise.all([startFakeSlackApi(), makeTestEngine()]);
    // The real engine; the history it receives is recorded so the test can say what it was.
    const engine: Engine = {
      ...bundled.engine,
      ask: (question: string, options?: AskOptions) => {
        histories.set(question, options?.history ?? []);
        return bundled.engine.ask(question, options);
      },
    };
    app = await startSlackHarness(fake, { engine, claims: bundled.claims });
  });
  afterAll(async () => {
    await app?.slack.stop();
    await Promise.all([fake?.close(), bundled?.cleanup()]);
  });

  const answered = (channel: string) => fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === channel);

  it('a follow-up sees the asker’s question and the answer, not a colleague’s “cool, thanks!” in between', async () => {
    const root = nextTs();
    fake.addMessage({ channel: 'C0CHAT', ts: root, user: USER_ID, text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?` });
    fake.addMessage({ channel: 'C0CHAT', ts: nextTs(), thread_ts: root, user: BOT_USER_ID, bot_id: BOT_ID, text: 'Mistral-SPLADE uses an LLM for sparse retrieval [1]' });
    fake.addMessage({ channel: 'C0CHAT', ts: nextTs(), thread_ts: root, user: COLLEAGUE, text: 'cool, thanks!' });
    fake.addMessage({ channel: 'C0CHAT', ts: nextTs(), thread_ts: root, user: COLLEAGUE, text: `<@${BOT_USER_ID}> and for images?` });
    fake.addMessage({ channel: 'C0CHAT', ts: nextTs(), thread_ts: root, user: BOT_USER_ID, bot_id: BOT_ID, text: 'An answer to the colleague [1]' });
    await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> which of those is fastest?`, channel: 'C0CHAT', threadTs: root }));
    await answered('C0CHAT');
    expect(histories.get('which of those is fastest?')).toEqual([
      { role: 'user', text: 'what is new on learned sparse retrieval?' },
      { role: 'assistant', text: 'Mistral-SPLADE uses an LLM for sparse retrieval [1]' },
    ]);
  });

  it('reads the newest messages of a long thread, not its oldest page', async () => {
    const root = nextTs();
    fake.addMessage({ channel: 'C0LONG', ts: root, user: COLLEAGUE, text: 'reading group thread' });
    for (let i = 0; i < 450; i++) fake.addMessage({ channel: 'C0LONG', ts: nextTs(), thread_ts: root, user: COLLEAGUE, text: `chatter ${i}` });
    fake.addMessage({ channel: 'C0LONG', ts: nextTs(), thread_ts: root, user: USER_ID, text: `<@${BOT_USER_ID}> which papers study speech recognition?` });
    fake.addMessage({ channel: 'C0LONG', ts: nextTs(), thread_ts: root, user: BOT_USER_ID, bot_id: BOT_ID, text: 'OWSM-CTC [1]' });
    await app.sendEvent(appMention({ text: `<@${BOT_USER_ID}> and the fastest of them?`, channel: 'C0LONG', threadTs: root }));
    await answered('C0LONG');
    expect(histories.get('and the fastest of them?')).toEqual([
      { role: 'user', text: 'which papers study speech recognition?' },
      { role: 'assistant', text: 'OWSM-CTC [1]' },
    ]);
    expect(fake.callsTo('conversations.replies').filter((c) => c.params.channel === 'C0LONG').length).toBeGreaterThan(1);
  });

  it('answers a DM follow-up inline, with the DM’s recent turns as history', async () => {
    const first = directMessage({ text: 'what is new on learned sparse retrieval?', channel: 'D0CHAT' });
    fake.addMessage({ channel: 'D0CHAT', ts: first.ts, user: USER_ID, text: first.text });
    await app.sendEvent(first);
    await answered('D0CHAT');
    // Typed after the answer arrived (the fake stamps the bot's messages on its own clock).
    const answerTs = String(fake.callsTo('chat.postMessage').find((c) => c.params.channel === 'D0CHAT')?.response?.ts);
    const followUp = directMessage({ text: 'and which of those is fastest?', channel: 'D0CHAT', ts: `${Number(answerTs.split('.')[0]) + 1}.000001` });
    await app.sendEvent(followUp);
    await fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === 'D0CHAT' && fake.callsTo('chat.update').filter((u) => u.params.channel === 'D0CHAT').length >= 2);

    const placeholders = fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'D0CHAT');
    expect(placeholders.map((c) => c.params.thread_ts)).toEqual([undefined, undefined]);
    const history = histories.get('and which of those is fastest?')!;
    expect(history[0]).toEqual({ role: 'user', text: 'what is new on learned sparse retrieval?' });
    expect(history[1]?.role).toBe('assistant');
    expect(history[1]?.text).toContain('Mistral-SPLADE');
    expect(history).toHaveLength(2);
  });
});
