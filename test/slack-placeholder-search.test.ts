import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_ID, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, directMessage } from './fakes/slack-payloads.ts';
import { startSlackHarness } from './helpers/slack-harness.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

let bundled: Awaited<ReturnType<typeof makeTestEngine>>;

beforeAll(async () => {
  bundled = await makeTestEngine();
});
afterAll(() => bundled?.cleanup());

/**
 * A first attempt posts its placeholder and is stuck before recording it (Slack carries the post
 * out, its answer never comes back), as if the process died there. Its lease is 300 ms.
 */
async function lostPlaceholder(slack: FakeSlackApi, question: Record<string, unknown>) {
  slack.failNext('chat.postMessage', 'no-response');
  const dying = await startSlackHarness(slack, { engine: bundled.engine, claims: bundled.claims, claimLeaseMs: 300 });
  await dying.sendEvent(question);
  const placeholder = await slack.waitFor((c) => c.method === 'chat.postMessage');
  await new Promise((r) => setTimeout(r, 400));
  return { placeholderTs: String(placeholder.response?.ts), dying };
}

describe('a takeover whose search for the lost placeholder is rate-limited', () => {
  for (const [where, question, method] of [
    ['a thread', appMention({ text: `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`, channel: 'C0SEARCH429' }), 'conversations.replies'],
    ['a DM', directMessage({ text: 'what is new on learned sparse retrieval?', channel: 'D0SEARCH429' }), 'conversations.history'],
  ] as const) {
    it(`in ${where} waits the limit out and finishes into that placeholder: no second one appears`, async () => {
      const slack = await startFakeSlackApi();
      const { placeholderTs, dying } = await lostPlaceholder(slack, question);
      // Longer than the history budget of an answer (a tenth of its 5 s timeout), as Slack's minute is of 90 s.
      slack.failNext(method, { retryAfterSeconds: 2 });
      const next = await startSlackHarness(slack, { engine: bundled.engine, claims: bundled.claims, claimLeaseMs: 300, answerTimeoutMs: 5_000 });
      try {
        await next.sendEvent(question, { retryNum: 1 });
        await next.slack.stop();
        const searches = slack.callsTo(method).filter((c) => c.params.include_all_metadata === 'true');
        expect(searches.map((c) => c.response?.ok)).toEqual([false, true]);
        const fromBot = slack.messages.filter((m) => m.channel === question.channel && m.bot_id === BOT_ID);
        expect(fromBot.map((m) => m.ts)).toEqual([placeholderTs]);
        expect(fromBot[0]!.text).toContain('Mistral-SPLADE');
      } finally {
        await dying.slack.app.stop();
        await slack.close();
      }
    }, 30_000);
  }
});
