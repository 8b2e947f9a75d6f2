/**
 * Real Slack deliveries, recorded (ids scrubbed) by the vercel/chat project, replayed byte for byte
 * and signed with our test secret through the real Bolt app: events without `event_id`, DMs with
 * a file or "also send to channel", two workspaces of one Enterprise Grid, channel messages that
 * only the `app_mention` event should answer, and the bot's own message.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskOptions, Engine } from '../src/types.ts';
import { startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { startSlackHarness } from './helpers/slack-harness.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const recorded = (name: string) => readFileSync(new URL(`./fixtures/slack/${name}.json`, import.meta.url), 'utf8');
const eventOf = (name: string) => (JSON.parse(recorded(name)) as { event: { channel: string; ts: string; thread_ts?: string } }).event;

/** Answered: where the placeholder goes (the event's thread, a new thread, or inline in a DM). */
const ANSWERED: Record<string, { question: string; threadTs: 'own' | 'event' | 'none' }> = {
  channel_app_mention: { question: 'Hey', threadTs: 'own' },
  dm_app_mention: { question: 'Hey', threadTs: 'own' },
  ai_app_mention_file: { question: "[AI] I don't really understand this explanation.", threadTs: 'own' },
  multiws_team1_app_mention: { question: 'testing', threadTs: 'own' },
  multiws_team2_app_mention: { question: 'hello from team 2', threadTs: 'own' },
  direct_im: { question: 'hello hello', threadTs: 'none' },
  dm_im_message: { question: 'Hey!', threadTs: 'none' },
  dm_file_share: { question: 'what is new on learned sparse retrieval? (paper attached)', threadTs: 'none' },
  dm_thread_broadcast: { question: 'what is new on learned sparse retrieval?', threadTs: 'event' },
};
/** Channel messages (the `app_mention` event is the one to answer) and a thread reply without a mention. */
const IGNORED = ['ai_mention_msg', 'channelmention_msg', 'slack_mention_msg', 'slack_followup_msg', 'thread_followup_msg'];

describe('recorded Slack deliveries through the real Bolt app', () => {
  let fake: FakeSlackApi;
  let bundled: Awaited<ReturnType<typeof makeTestEngine>>;
  const asked: string[] = [];

  beforeAll(async () => {
    [fake, bundled] = await Promise.all([startFakeSlackApi(), makeTestEngine()]);
  });
  afterAll(async () => {
    await Promise.all([fake?.close(), bundled?.cleanup()]);
  });

  it('answers each question once, in the right place, and ignores what is not addressed to the bot', async () => {
    const engine: Engine = { ...bundled.engine, ask: (q: string, o?: AskOptions) => (asked.push(q), bundled.engine.ask(q, o)) };
    const app = await startSlackHarness(fake, { engine, claims: bundled.claims });
    const names = [...Object.keys(ANSWERED), ...IGNORED];
    // Every delivery twice, the second as Slack's retry: events without event_id need a key of their own.
    for (const name of names) expect((await app.sendBody(recorded(name))).status).toBe(200);
    for (const name of names) await app.sendBody(recorded(name), 1);
    // The DM follow-up of direct_im, once its first question is answered.
    await fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === eventOf('direct_im').channel);
    await app.sendBody(recorded('direct_im_followup'));
    await app.slack.stop();

    const placeholders = fake.callsTo('chat.postMessage');
    for (const [name, { threadTs }] of Object.entries(ANSWERED)) {
      const event = eventOf(name);
      const posted = placeholders.filter((c) => c.params.channel === event.channel && c.params.thread_ts === { own: event.ts, event: event.thread_ts, none: undefined }[threadTs]);
      expect(posted, name).toHaveLength(name === 'direct_im' ? 2 : 1);
    }
    const answeredChannels = new Set(Object.keys(ANSWERED).map((n) => eventOf(n).channel));
    expect(placeholders.filter((c) => !answeredChannels.has(String(c.params.channel)))).toEqual([]);
    // One placeholder per answered question, plus the DM follow-up.
    expect(placeholders).toHaveLength(Object.keys(ANSWERED).length + 1);
    expect(fake.callsTo('chat.update')).toHaveLength(placeholders.length);
    expect(asked.sort()).toEqual([...Object.values(ANSWERED).map((a) => a.question), 'cool!!'].sort());
  });

  it('ignores the bot’s own message', async () => {
    const self = await startFakeSlackApi({ bot: { userId: 'U08REALBOT1', botId: 'B08REALBOT1', teamId: 'T08REALTEAM1' } });
    const app = await startSlackHarness(self, { engine: bundled.engine, claims: bundled.claims });
    try {
      expect((await app.sendBody(recorded('bot_prompt_msg'))).status).toBe(200);
      await app.slack.stop();
      // Only start-up's token checks: nothing was posted for the bot's own message.
      expect(self.calls.map((c) => c.method).filter((m) => m !== 'auth.test')).toEqual([]);
    } finally {
      await self.close();
    }
  });
});
