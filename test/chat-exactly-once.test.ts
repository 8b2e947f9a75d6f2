/**
 * Exactly-once answers across restarts and replicas: real Bolt apps over real engines that share
 * one LanceDB directory (each with its own connection, as separate processes have), against the
 * fake Slack API. Redeliveries carry Slack's retry headers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../src/app.ts';
import { openQuestionClaims } from '../src/store/question-claims.ts';
import type { Engine } from '../src/types.ts';
import { BOT_ID, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi, type SlackApiCall } from './fakes/fake-slack-api.ts';
import { USER_ID, appMention, directMessage } from './fakes/slack-payloads.ts';
import { startSlackHarness } from './helpers/slack-harness.ts';
import { BUNDLED_CORPUS, makeTestEngine } from './helpers/test-engine.ts';

let fake: FakeSlackApi;
let first: Awaited<ReturnType<typeof makeTestEngine>>;

beforeAll(async () => {
  [fake, first] = await Promise.all([startFakeSlackApi(), makeTestEngine()]);
});
afterAll(async () => {
  await Promise.all([fake?.close(), first?.cleanup()]);
});

/** Another process's view of the same store: its own connection, engine and question ledger. */
async function sameStore() {
  const opened = await openEngine({ store: { uri: join(first.dir, 'db') }, embeddings: { kind: 'builtin' }, corpusPath: BUNDLED_CORPUS });
  const claims = await openQuestionClaims(opened.store.connection);
  return { ...opened, claims, close: async () => (claims.close(), await opened.engine.close()) };
}

const inChannel = (channel: string) => (c: SlackApiCall) => c.params.channel === channel;
const methodsIn = (channel: string) => fake.calls.filter(inChannel(channel)).map((c) => c.method);

/**
 * A first process that claims a question in `channel`, posts its placeholder and then works on
 * forever, as if it had died there. `die` ends its engine call late, as a paused process would wake.
 */
async function dyingAttempt(channel: string) {
  let die!: (error: Error) => void;
  const hanging: Engine = { ...first.engine, ask: () => new Promise((_, reject) => (die = reject)) };
  const dying = await startSlackHarness(fake, { engine: hanging, claims: first.claims, claimLeaseMs: 300 });
  const mention = appMention({ text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`, channel });
  await dying.sendEvent(mention, { eventId: `Ev${channel}` });
  const placeholder = await fake.waitFor((c) => c.method === 'chat.postMessage' && inChannel(channel)(c));
  return { dying, mention, placeholder, die: (error: Error) => die(error) };
}

describe('a question redelivered after the first attempt died', () => {
  it('is finished by the restarted process into the first attempt’s placeholder, never answered twice', async () => {
    // The first process claims the question, posts its placeholder and dies while the engine works.
    const { dying, mention, placeholder, die } = await dyingAttempt('C0CRASH');

    // Slack's immediate retry reaches a replica while the first attempt's lease is alive: ignored.
    const restarted = await sameStore();
    const next = await startSlackHarness(fake, { engine: restarted.engine, claims: restarted.claims, claimLeaseMs: 300 });
    try {
      await next.sendEvent(mention, { eventId: 'EvC0CRASH', retryNum: 1 });
      await new Promise((r) => setTimeout(r, 400));
      // The later retry finds the lease run out and finishes into the same placeholder.
      await next.sendEvent(mention, { eventId: 'EvC0CRASH', retryNum: 2 });
      const answer = await fake.waitFor((c) => c.method === 'chat.update' && inChannel('C0CRASH')(c));
      expect(answer.params.ts).toBe(placeholder.response?.ts);
      expect(String(answer.params.text)).toContain('Mistral-SPLADE');

      // The first attempt wakes up late (here: fails); it must not overwrite the answer with an apology.
      die(new Error('the first process was gone'));
      await dying.slack.stop();
      await next.sendEvent(mention, { eventId: 'EvC0CRASH', retryNum: 3 });
      await next.slack.stop();
      expect(methodsIn('C0CRASH')).toEqual(['chat.postMessage', 'chat.update']);
      expect(await restarted.claims.get(`slack:T0PAPERS:C0CRASH:${mention.ts}`)).toMatchObject({ state: 'answered', placeholderRef: placeholder.response?.ts });
    } finally {
      await restarted.close();
    }
  });
});

/**
 * A first attempt posts its placeholder and dies before recording it; `busy` then fills the
 * conversation around it. The redelivered question must be finished into that placeholder.
 * Resolves with the placeholder's post.
 */
async function finishedIntoLostPlaceholder(question: Record<string, unknown> & { channel: string; ts: string }, busy: (placeholderTs: string) => StoredMessageInput[] = () => []) {
  // Slack carries the post out but the answer never comes back: the attempt is stuck there, as if dead.
  const slack = await startFakeSlackApi();
  slack.failNext('chat.postMessage', 'no-response');
  const dying = await startSlackHarness(slack, { engine: first.engine, claims: first.claims, claimLeaseMs: 300 });
  await dying.sendEvent(question);
  const placeholder = await slack.waitFor((c) => c.method === 'chat.postMessage');
  for (const message of busy(String(placeholder.response?.ts))) slack.addMessage(message);
  await new Promise((r) => setTimeout(r, 400));

  const restarted = await sameStore();
  const next = await startSlackHarness(slack, { engine: restarted.engine, claims: restarted.claims, claimLeaseMs: 300 });
  try {
    await next.sendEvent(question, { retryNum: 1 });
    await next.slack.stop();
    const fromBot = slack.messages.filter((m) => m.channel === question.channel && m.bot_id === BOT_ID);
    expect(fromBot.map((m) => m.ts)).toEqual([placeholder.response?.ts]);
    expect(fromBot[0]!.text).toContain('Mistral-SPLADE');
    expect(slack.callsTo('chat.update').map((c) => c.params.ts)).toEqual([placeholder.response?.ts]);
    return placeholder;
  } finally {
    // The stuck attempt stands for a dead process: its receiver stops, its request is never answered.
    await dying.slack.app.stop();
    await slack.close();
    await restarted.close();
  }
}

type StoredMessageInput = Parameters<FakeSlackApi['addMessage']>[0];

/** `count` messages from the asker within the second `second`. */
const chatter = (count: number, second: number, where: { channel: string; thread_ts?: string }): StoredMessageInput[] =>
  Array.from({ length: count }, (_, i) => ({ ...where, ts: `${second}.${String(i + 1).padStart(6, '0')}`, user: USER_ID, text: `unrelated message ${i}` }));

describe('a question whose first attempt died right after posting its placeholder', () => {
  it('is finished into that placeholder, found by the question key in its metadata', async () => {
    const mention = appMention({ text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`, channel: 'C0STUCK' });
    const placeholder = await finishedIntoLostPlaceholder(mention);
    expect(placeholder.params.metadata).toEqual({ event_type: 'paperboy_question', event_payload: { key: `slack:T0PAPERS:C0STUCK:${mention.ts}` } });
  });
});

describe('a redelivered question whose placeholder is more than a page away', () => {
  it('in a busy DM (history pages from the newest) is finished into it once', async () => {
    const dm = directMessage({ text: 'what is new on learned sparse retrieval?', channel: 'D0BUSY' });
    // 250 later messages: more than a page of history stands between now and the placeholder.
    await finishedIntoLostPlaceholder(dm, (placeholderTs) => chatter(250, Number(placeholderTs.split('.')[0]) + 1, { channel: 'D0BUSY' }));
  });

  it('in a long thread (replies page from the oldest) is finished into it once', async () => {
    const mention = appMention({ text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`, channel: 'C0LONG' });
    // 250 replies between the question and its placeholder: more than a page of the thread.
    await finishedIntoLostPlaceholder(mention, () => chatter(250, Number(mention.ts.split('.')[0]) + 1, { channel: 'C0LONG', thread_ts: mention.ts }));
  });

  it('stops looking at the end of the dead attempt’s lease, however much came after', async () => {
    const slack = await startFakeSlackApi();
    const asked = Date.now() - 5_000;
    const dm = directMessage({ text: 'what is new on learned sparse retrieval?', channel: 'D0LATE', ts: (asked / 1000).toFixed(6) });
    // The dead attempt claimed the question and died before posting anything; its lease ended a second ago.
    expect(await first.claims.claim({ key: `slack:T0PAPERS:D0LATE:${dm.ts}`, owner: 'dead-process:1', now: new Date(asked), leaseMs: 4_000 })).toBeDefined();
    // Ten minutes on, more than a page of messages that the dead attempt cannot have posted.
    for (const message of chatter(250, Math.floor(Date.now() / 1000) + 600, { channel: 'D0LATE' })) slack.addMessage(message);

    const next = await startSlackHarness(slack, { engine: first.engine, claims: first.claims });
    try {
      await next.sendEvent(dm, { retryNum: 1 });
      await next.slack.stop();
      expect(slack.callsTo('conversations.history').filter((c) => c.params.include_all_metadata === 'true')).toHaveLength(1);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
      expect(slack.callsTo('chat.update').at(-1)?.params.text).toContain('Mistral-SPLADE');
    } finally {
      await slack.close();
    }
  });
});

describe('a question abandoned by a crash and never redelivered', () => {
  it('gets its placeholder replaced with a note to ask again, once Slack’s retry window is over', async () => {
    const { dying, mention, placeholder, die } = await dyingAttempt('C0ORPHAN');
    await new Promise((r) => setTimeout(r, 400));

    // The restarted process looks for such questions when it starts; its clock is past the retry window.
    const restarted = await sameStore();
    const later = await startSlackHarness(fake, { engine: restarted.engine, claims: restarted.claims, clock: () => Date.now() + 10 * 60_000 });
    try {
      const note = await fake.waitFor((c) => c.method === 'chat.update' && inChannel('C0ORPHAN')(c));
      expect(note.params).toMatchObject({ ts: placeholder.response?.ts, text: 'Sorry, I was interrupted while answering this. Please ask again.' });
      die(new Error('the first process was gone'));
      await dying.slack.stop();
      await later.slack.stop();
      expect(methodsIn('C0ORPHAN')).toEqual(['chat.postMessage', 'chat.update']);
      expect(await restarted.claims.get(`slack:T0PAPERS:C0ORPHAN:${mention.ts}`)).toMatchObject({ state: 'failed' });
    } finally {
      await restarted.close();
    }
  });
});

describe('two bot processes on one store', () => {
  it('answer each question once, whichever gets the delivery first', async () => {
    const other = await sameStore();
    const [a, b] = await Promise.all([
      startSlackHarness(fake, { engine: first.engine, claims: first.claims }),
      startSlackHarness(fake, { engine: other.engine, claims: other.claims }),
    ]);
    try {
      const channels = ['C0TWIN1', 'C0TWIN2', 'C0TWIN3', 'C0TWIN4', 'C0TWIN5'];
      for (const channel of channels) {
        // As two Socket Mode connections or replicas behind a load balancer receive one event.
        const mention = appMention({ text: `<@${BOT_USER_ID}> speech recognition with CTC?`, channel });
        await Promise.all([a.sendEvent(mention), b.sendEvent(mention, { retryNum: 1 })]);
      }
      await Promise.all([a.slack.stop(), b.slack.stop()]);
      for (const channel of channels) expect(methodsIn(channel)).toEqual(['chat.postMessage', 'chat.update']);
    } finally {
      await other.close();
    }
  });
});
