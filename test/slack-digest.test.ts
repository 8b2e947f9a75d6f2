import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackApp } from '../adapters/slack/create-slack-app.ts';
import { createDigestWebClient, createSlackDigestPoster, DIGEST_EVENT_TYPE, DIGEST_PART_EVENT_TYPE } from '../adapters/slack/digest-poster.ts';
import { createDelivering, type DigestDeps } from '../src/digest/delivery.ts';
import { createDigestService } from '../src/digest/digest-service.ts';
import { ChannelGoneError } from '../src/digest/errors.ts';
import type { PostProgress } from '../src/digest/types.ts';
import { createDigestScheduler } from '../src/digest/scheduler.ts';
import { BOT_TOKEN, BOT_USER_ID, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { appMention, eventCallback, slashCommand, USER_ID } from './fakes/slack-payloads.ts';
import { postSigned } from './fakes/slack-sign.ts';
import { makeDigestRig, type DigestRig } from './fixtures/digest-fakes.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const SIGNING_SECRET = 'test-signing-secret-0123456789';
const ADMIN = 'UADMIN';
const silent = pino({ level: 'silent' });
/** Anything Slack would turn into a notification for people other than the asker. */
const PING = /<!(channel|here|everyone)|<!subteam|<@[UW]|(^|[^\u2060])@(channel|here|everyone)\b/i;
const SPEECH = ['3001.00001', '3001.00002', '3001.00003'];
const RETRIEVAL = ['3001.00004', '3001.00005', '3001.00006'];

/**
 * The whole Slack side over a real digest service: the rig's engine, digest store and fake paper
 * sources, the real Slack poster and Bolt app talking to the fake Slack API, time on the rig's clock.
 */
async function startHarness({ ratePerMinute = 1000 } = {}) {
  const rig = await makeDigestRig();
  const fake = await startFakeSlackApi({ clock: () => rig.clock.now });
  const deps = withSlackPoster(rig, fake, rig.deps);
  const digests = createDigestService(deps);
  const slack = createSlackApp({
    engine: rig.testEngine.engine,
    claims: rig.testEngine.claims,
    config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, slashCommand: '/papers' },
    limits: { ratePerMinute, maxQuestionChars: 2000 },
    logger: silent,
    digests,
  });
  await slack.start();
  const endpoint = `http://127.0.0.1:${slack.address()!.port}/slack/events`;
  /** `/papers <text>` from `user` in `channel`; resolves with the acknowledgement and the response URL. */
  const command = async (text: string, { channel = 'C0RESEARCH', user = USER_ID } = {}) => {
    const responseUrl = fake.responseUrl();
    const body = new URLSearchParams(slashCommand({ text, responseUrl, user }));
    body.set('channel_id', channel);
    const res = await postSigned(endpoint, { body: body.toString(), contentType: 'application/x-www-form-urlencoded', signingSecret: SIGNING_SECRET });
    return { ...res, responseUrl };
  };
  return {
    rig,
    fake,
    deps,
    digests,
    /** Runs the scheduler once at `iso` (another process when `over` is given). */
    tick: (iso: string, over: DigestDeps = deps) => {
      rig.clock.set(iso);
      return createDigestScheduler(over).tick();
    },
    command,
    /** `/papers <text>`, resolving with what it answered through the response URL. */
    async reply(text: string, options: { channel?: string; user?: string } = {}) {
      const { responseUrl } = await command(text, options);
      return (await fake.waitFor((c) => c.method === 'response_url' && c.url === responseUrl)).params;
    },
    sendEvent: (event: Record<string, unknown>) =>
      postSigned(endpoint, { body: eventCallback(event), contentType: 'application/json', signingSecret: SIGNING_SECRET }),
    async cleanup() {
      await slack.stop();
      await fake.close();
      await rig.cleanup();
    },
  };
}
type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Progress for a poster called directly: nothing posted yet, nothing to record. */
const fresh = (): PostProgress => ({ posted: {}, accepted: async () => undefined });

/** `deps` posting to Slack through the real poster (a fresh one: what a restarted process builds). */
function withSlackPoster(rig: DigestRig, fake: FakeSlackApi, deps: DigestDeps): DigestDeps {
  const client = createDigestWebClient({ botToken: BOT_TOKEN, apiUrl: fake.apiUrl }, silent);
  return { ...deps, posters: { slack: createSlackDigestPoster({ client, logger: silent, clock: () => rig.clock.now }) } };
}

const posts = (fake: FakeSlackApi, channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === channel);
const arxivLinks = (text: string) => [...text.matchAll(/<https:\/\/huggingface\.co\/papers\/(\d{4}\.\d{5})\|/g)].map((m) => m[1]);
const blockText = (params: Record<string, unknown>) => (params.blocks as { text: { text: string } }[]).map((b) => b.text.text).join('\n\n');

describe('Slack digests', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('posts the scheduled digest: a short top-level message keyed in its metadata, the full list in its thread', async () => {
    h = await startHarness();
    await h.digests.subscribe('slack', 'C0DIGEST', { topics: ['speech', 'retrieval'], userId: USER_ID });

    expect((await h.tick('2030-01-07T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C0DIGEST|2030-01-07', outcome: 'posted' }]);
    const [top, thread, ...more] = posts(h.fake, 'C0DIGEST');
    expect(more).toEqual([]);
    expect(Object.keys(top!.params).sort()).toEqual(['blocks', 'channel', 'metadata', 'text', 'unfurl_links', 'unfurl_media']);
    expect(top!.params).toMatchObject({
      channel: 'C0DIGEST',
      metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { key: 'slack:C0DIGEST|2030-01-07' } },
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    const lines = String(top!.params.text).split('\n');
    const paperLine = (id: string, title: string, votes: number) =>
      new RegExp(`^• <https://huggingface\\.co/papers/${id.replace('.', '\\.')}\\|${title}> — [A-Z].{20,280}\\. · ▲ ${votes}$`);
    expect(lines[0]).toBe('*Paperboy daily · 7 Jan · 6 new papers · 2 themes*');
    expect(lines.slice(1, 3)).toEqual(['', '*speech*']);
    expect(lines[3]).toMatch(paperLine('3001.00001', 'Streaming Speech Recognition with Low-Latency Chunked Transformers', 54));
    expect(lines[4]).toMatch(paperLine('3001.00002', 'Speech Synthesis for Low-Resource Languages via Cross-Lingual Transfer', 31));
    expect(lines[5]).toMatch(paperLine('3001.00003', 'Self-Supervised Speech Representations for Spoken Language Understanding', 12));
    expect(lines.slice(6, 8)).toEqual(['', '*retrieval*']);
    expect(lines[8]).toMatch(paperLine('3001.00004', 'Dense Retrieval with Hard Negative Mining for Open-Domain Question Answering', 40));
    expect(lines.slice(11)).toEqual(['', '_Longer summaries are in the thread. Mention me there to ask about these papers._']);
    expect(top!.params.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: top!.params.text, verbatim: true } }]);

    const ts = top!.response?.ts;
    expect(thread!.params).toMatchObject({ channel: 'C0DIGEST', thread_ts: ts, unfurl_links: 'false' });
    expect(thread!.params.metadata).toEqual({ event_type: DIGEST_PART_EVENT_TYPE, event_payload: { key: 'slack:C0DIGEST|2030-01-07', part: 1 } });
    const full = blockText(thread!.params);
    expect(full).toMatch(/^\*All 6 papers\*\n\n\*speech\* \(3\)\n\n\*<https:\/\/huggingface\.co\/papers\/3001\.00001\|Streaming Speech Recognition with Low-Latency Chunked Transformers>\* · ▲ 54\n_.+_\n[A-Z]/);
    expect(arxivLinks(full)).toEqual([...SPEECH, ...RETRIEVAL]);
    expect(`${JSON.stringify(top!.params)}${JSON.stringify(thread!.params)}`).not.toMatch(PING);

    // The ledger knows the message, so its thread is about these papers.
    expect((await h.digests.status('slack', 'C0DIGEST')).lastDelivery).toMatchObject({ state: 'posted', messageRef: ts, paperCount: 6 });
    expect(await h.digests.papersForThread('slack', 'C0DIGEST', ts as string)).toEqual([...SPEECH, ...RETRIEVAL]);
  });

  it('after a crash lost Slack’s answer to the post, the restarted process finds the message by its key, posts only its thread, and nothing twice', async () => {
    h = await startHarness();
    await h.digests.subscribe('slack', 'C0CRASH', { userId: USER_ID });
    h.fake.failNext('chat.postMessage', 'lose-response');

    expect((await h.tick('2030-01-07T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C0CRASH|2030-01-07', outcome: 'failed' }]);
    const [posted] = posts(h.fake, 'C0CRASH');
    expect(h.fake.messages.filter((m) => m.channel === 'C0CRASH')).toHaveLength(1);

    const restarted = withSlackPoster(h.rig, h.fake, await h.rig.anotherProcess());
    expect((await h.tick('2030-01-07T09:16:00Z', restarted)).deliveries).toEqual([{ key: 'slack:C0CRASH|2030-01-07', outcome: 'recovered' }]);
    const [lookup] = h.fake.callsTo('conversations.history');
    expect(lookup!.params).toMatchObject({ channel: 'C0CRASH', include_all_metadata: 'true', limit: '200' });
    expect(Number(lookup!.params.oldest)).toBeLessThan(Date.parse('2030-01-07T09:00:00Z') / 1000);
    const [top, thread, ...more] = posts(h.fake, 'C0CRASH');
    expect([top, more]).toEqual([posted, []]);
    expect(thread!.params).toMatchObject({ thread_ts: posted!.response?.ts, metadata: { event_payload: { key: 'slack:C0CRASH|2030-01-07', part: 1 } } });
    expect((await h.digests.status('slack', 'C0CRASH')).lastDelivery).toMatchObject({ state: 'posted', messageRef: posted!.response?.ts });

    expect((await h.tick('2030-01-07T10:00:00Z', restarted)).deliveries).toEqual([]);
    expect(posts(h.fake, 'C0CRASH')).toHaveLength(2);
  });

  it('finds its earlier digest only by the exact key, across pages of channel history', async () => {
    h = await startHarness();
    h.rig.clock.set('2030-01-07T09:00:00Z');
    const poster = h.deps.posters.slack!;
    await createDelivering(h.deps).refresh();
    const digest = await h.digests.preview('slack', 'C0PAGED');
    const { messageRef } = await poster.post({ platform: 'slack', channelId: 'C0PAGED' }, digest, 'slack:C0PAGED|2030-01-07', fresh());
    // 450 later messages push the digest onto the third page; one of them carries another day's key.
    const later = (s: number) => `${Math.floor(h!.rig.clock.now.getTime() / 1000) + s}.000100`;
    for (let i = 0; i < 450; i++) h.fake.addMessage({ channel: 'C0PAGED', ts: later(10 + i), user: USER_ID, text: `chatter ${i}` });
    h.fake.addMessage({
      channel: 'C0PAGED',
      ts: later(5),
      bot_id: 'B0PAPERBOY',
      text: 'another digest',
      metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { key: 'slack:C0PAGED|2030-01-06' } },
    });

    const [reply] = h.fake.messages.filter((m) => m.channel === 'C0PAGED' && m.thread_ts === messageRef);
    expect(await poster.findExisting({ platform: 'slack', channelId: 'C0PAGED' }, 'slack:C0PAGED|2030-01-07')).toEqual({ 0: messageRef, 1: reply!.ts });
    expect(h.fake.callsTo('conversations.history').map((c) => c.params.cursor)).toEqual([undefined, '200', '400']);
    expect(h.fake.callsTo('conversations.replies').at(-1)!.params).toMatchObject({ channel: 'C0PAGED', ts: messageRef, include_all_metadata: 'true' });
    expect(await poster.findExisting({ platform: 'slack', channelId: 'C0PAGED' }, 'slack:C0PAGED|2030-01-08')).toEqual({});
  });

  it('waits out Slack’s Retry-After instead of failing, and gives up (for the ledger to retry) after a few waits', async () => {
    h = await startHarness();
    h.rig.clock.set('2030-01-07T09:00:00Z');
    await createDelivering(h.deps).refresh();
    const digest = await h.digests.preview('slack', 'C0LIMIT');
    const waits: number[] = [];
    const poster = createSlackDigestPoster({
      client: createDigestWebClient({ botToken: BOT_TOKEN, apiUrl: h.fake.apiUrl }, silent),
      logger: silent,
      sleep: async (ms) => void waits.push(ms),
    });
    h.fake.failNext('chat.postMessage', { retryAfterSeconds: 7 });
    h.fake.failNext('chat.postMessage', { retryAfterSeconds: 2 }, (p) => p.thread_ts !== undefined);
    const { messageRef } = await poster.post({ platform: 'slack', channelId: 'C0LIMIT' }, digest, 'k1', fresh());
    expect(waits).toEqual([7000, 2000]);
    expect(h.fake.messages.filter((m) => m.channel === 'C0LIMIT').map((m) => m.thread_ts)).toEqual([undefined, messageRef]);

    for (let i = 0; i < 4; i++) h.fake.failNext('chat.postMessage', { retryAfterSeconds: 1 });
    await expect(poster.post({ platform: 'slack', channelId: 'C0LIMIT' }, digest, 'k2', fresh())).rejects.toThrow(/rate-limit/);
    expect(waits).toEqual([7000, 2000, 1000, 1000, 1000]);
    expect(h.fake.messages.filter((m) => m.channel === 'C0LIMIT')).toHaveLength(2);
  });

  it('gives up on a post Slack never answers, well inside the delivery lease', async () => {
    h = await startHarness();
    const digest = await h.digests.preview('slack', 'C0HUNG');
    const client = createDigestWebClient({ botToken: BOT_TOKEN, apiUrl: h.fake.apiUrl }, silent, { timeoutMs: 100 });
    const poster = createSlackDigestPoster({ client, logger: silent });
    h.fake.failNext('chat.postMessage', 'no-response');
    await expect(poster.post({ platform: 'slack', channelId: 'C0HUNG' }, digest, 'k', fresh())).rejects.toThrow(/timeout|aborted/i);
  });

  it('a thread reply Slack refuses fails the delivery; the retry posts only the missing reply, under the same message', async () => {
    h = await startHarness();
    await h.digests.subscribe('slack', 'C0HALF', { userId: USER_ID });
    h.fake.failNext('chat.postMessage', { error: 'internal_error' }, (p) => p.thread_ts !== undefined);

    expect((await h.tick('2030-01-07T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C0HALF|2030-01-07', outcome: 'failed' }]);
    const [top] = h.fake.messages.filter((m) => m.channel === 'C0HALF');
    // Questions in the thread already find the digest.
    expect(await h.digests.papersForThread('slack', 'C0HALF', top!.ts)).toHaveLength(8);
    expect(h.fake.messages.filter((m) => m.channel === 'C0HALF')).toHaveLength(1);

    expect((await h.tick('2030-01-07T09:16:00Z')).deliveries).toEqual([{ key: 'slack:C0HALF|2030-01-07', outcome: 'recovered' }]);
    expect(h.fake.messages.filter((m) => m.channel === 'C0HALF').map((m) => m.thread_ts)).toEqual([undefined, top!.ts]);
  });

  it('turns not_in_channel, channel_not_found and archived channels into ChannelGoneError, and the channel is skipped from then on', async () => {
    h = await startHarness();
    const poster = h.deps.posters.slack!;
    const digest = await h.digests.preview('slack', 'C0GONE');
    for (const error of ['not_in_channel', 'channel_not_found', 'is_archived', 'channel_is_archived']) {
      h.fake.setChannelError('C0GONE', error);
      await expect(poster.post({ platform: 'slack', channelId: 'C0GONE' }, digest, 'k', fresh())).rejects.toThrow(new ChannelGoneError({ platform: 'slack', channelId: 'C0GONE' }, error));
      await expect(poster.findExisting({ platform: 'slack', channelId: 'C0GONE' }, 'k')).rejects.toBeInstanceOf(ChannelGoneError);
    }
    // Other failures are worth retrying.
    h.fake.setChannelError('C0GONE', 'internal_error');
    const other = await poster.post({ platform: 'slack', channelId: 'C0GONE' }, digest, 'k', fresh()).catch((e: unknown) => e);
    expect(other).not.toBeInstanceOf(ChannelGoneError);
    expect(String(other)).toContain('internal_error');

    h.fake.setChannelError('C0GONE', 'not_in_channel');
    await h.digests.subscribe('slack', 'C0GONE', { userId: USER_ID });
    await h.digests.subscribe('slack', 'C0STAYS', { userId: USER_ID });
    const report = await h.tick('2030-01-07T09:00:00Z');
    expect(report.deliveries.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'slack:C0GONE|2030-01-07', outcome: 'channel-gone' },
      { key: 'slack:C0STAYS|2030-01-07', outcome: 'posted' },
    ]);
    const status = await h.reply('digest status', { channel: 'C0GONE' });
    expect(status.text).toBe(
      'Digests stopped here: I lost access to this channel (slack channel C0GONE is gone: not_in_channel). Invite me back, then subscribe again.\n' +
        '• Last delivery: 2030-01-07, failed (slack channel C0GONE is gone: not_in_channel)',
    );
    const attempts = posts(h.fake, 'C0GONE').length;
    await h.tick('2030-01-08T09:00:00Z');
    expect(posts(h.fake, 'C0GONE')).toHaveLength(attempts);
  });

  it('answers a question in a digest’s thread from that digest’s papers only', async () => {
    h = await startHarness();
    await h.digests.subscribe('slack', 'C0ASK', { topics: ['retrieval'], userId: USER_ID });
    await h.tick('2030-01-07T09:00:00Z');
    const digestTs = String(posts(h.fake, 'C0ASK')[0]!.response?.ts);

    const question = `<@${BOT_USER_ID}> what is new on learned sparse retrieval?`;
    await h.sendEvent(appMention({ text: question, channel: 'C0ASK', threadTs: digestTs }));
    const inThread = await h.fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === 'C0ASK');
    const cited = String(inThread.params.text);
    expect(cited).toContain('Sparse Retrieval Meets Learned Term Weights at Web Scale');
    const citedIds = arxivLinks(JSON.stringify(inThread.params.blocks));
    expect(citedIds).toContain('3001.00006');
    expect(citedIds.every((id) => RETRIEVAL.includes(id!))).toBe(true);
    expect(cited).not.toContain('Mistral-SPLADE');

    // The same question outside the digest's thread is answered from every paper.
    await h.sendEvent(appMention({ text: question, channel: 'C0ASK2' }));
    const outside = await h.fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === 'C0ASK2');
    expect(String(outside.params.text)).toContain('Mistral-SPLADE');

    // A question about something the digest does not cover says where it looked, and where to ask instead.
    await h.sendEvent(appMention({ text: `<@${BOT_USER_ID}> which papers design protein backbones with diffusion?`, channel: 'C0ASK', threadTs: digestTs }));
    const offTopic = await h.fake.waitFor((c) => c.method === 'chat.update' && c.params.channel === 'C0ASK' && c !== inThread);
    expect(String(offTopic.params.text)).toContain('I found no paper about that among this digest’s papers (I looked only at those). Ask me outside this thread to search all papers.');
  });
});

describe('/papers digest', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  const nineAm = `<!date^${Date.parse('2030-01-07T09:00:00Z') / 1000}^{date_short_pretty} at {time}|Mon 7 Jan, 09:00 UTC>`;

  it('subscribe, status, unsubscribe, by the channel creator', async () => {
    h = await startHarness();
    h.fake.setChannel('C0SUB', { creator: USER_ID, is_member: true });
    const subscribed = await h.reply('digest subscribe Speech, retrieval', { channel: 'C0SUB' });
    expect(subscribed).toEqual({
      response_type: 'in_channel',
      text: `This channel now gets a daily digest of new papers about speech, retrieval. The next one comes ${nineAm}. Ask about the papers in each digest's thread.`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('This channel now gets'), verbatim: true } }],
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(await h.digests.status('slack', 'C0SUB')).toMatchObject({ subscribed: true, topics: ['speech', 'retrieval'] });

    expect((await h.reply('digest status', { channel: 'C0SUB' })).text).toBe(
      ['*Daily digest in this channel*', '• Topics: speech, retrieval', '• Schedule: `0 9 * * 1-5` (UTC)', `• Next digest: ${nineAm}`].join('\n'),
    );

    await h.tick('2030-01-07T09:00:00Z');
    const status = await h.reply('digest status', { channel: 'C0SUB' });
    expect(String(status.text)).toContain('• Next digest: <!date^1894093200^');
    expect(String(status.text)).toContain('• Last delivery: 2030-01-07, 6 papers, posted <!date^1894006800^');

    expect(await h.reply('digest unsubscribe', { channel: 'C0SUB' })).toMatchObject({ response_type: 'in_channel', text: 'This channel no longer gets a daily digest.' });
    expect(await h.reply('digest unsubscribe', { channel: 'C0SUB' })).toMatchObject({ response_type: 'ephemeral', text: 'This channel was not getting a daily digest.' });
    expect(String((await h.reply('digest status', { channel: 'C0SUB' })).text)).toMatch(
      /^This channel does not get a daily digest\. Start one with `\/papers digest subscribe \[topics…\]`\.\n• Last delivery: 2030-01-07/,
    );
  });

  it('digest settings spend no question rate-limit slot; questions do', async () => {
    h = await startHarness({ ratePerMinute: 1 });
    await h.reply('digest subscribe speech', { channel: 'C0SLOTS', user: ADMIN });
    for (let i = 0; i < 3; i++) expect(String((await h.reply('digest status', { channel: 'C0SLOTS' })).text)).toContain('*Daily digest in this channel*');
    const question = await h.command('which papers improve speech recognition?', { channel: 'C0SLOTS' });
    expect(JSON.parse(question.text).text).toMatch(/^Looking through/);
    const another = await h.command('and which of those is fastest?', { channel: 'C0SLOTS' });
    expect(JSON.parse(another.text).text).toMatch(/^You're asking faster than I can read/);
  });

  it('subscribe takes a per-channel cron schedule, and refuses one that does not parse', async () => {
    h = await startHarness();
    const own = await h.reply('digest subscribe speech cron: 30 7 * * *', { channel: 'C0CRON', user: ADMIN });
    expect(String(own.text)).toContain(`The next one comes <!date^${Date.parse('2030-01-08T07:30:00Z') / 1000}^`);
    expect(await h.digests.status('slack', 'C0CRON')).toMatchObject({ topics: ['speech'], cron: '30 7 * * *' });

    const bad = await h.reply('digest subscribe speech cron: every morning', { channel: 'C0BADCRON', user: ADMIN });
    expect(bad.response_type).toBe('ephemeral');
    expect(String(bad.text)).toMatch(/^"every morning" is not a cron schedule .*e\.g\. "0 9 \* \* 1-5"/);
    expect(await h.digests.status('slack', 'C0BADCRON')).toMatchObject({ subscribed: false });
  });

  it("only the channel's creator or an admin changes its digest, and only with Paperboy in the channel", async () => {
    h = await startHarness();
    const notAllowed = { response_type: 'ephemeral', text: "Only this channel's creator or a Paperboy admin (ADMIN_USER_IDS) can change its digest." };
    const notInChannel = { response_type: 'ephemeral', text: 'I am not in this channel: invite me with `/invite @Paperboy`, then try again.' };

    // C0OTHERS was created by someone else.
    expect(await h.reply('digest subscribe', { channel: 'C0OTHERS' })).toMatchObject(notAllowed);
    expect(await h.reply('digest subscribe', { channel: 'C0OTHERS', user: ADMIN })).toMatchObject({ response_type: 'in_channel' });
    expect(await h.reply('digest unsubscribe', { channel: 'C0OTHERS' })).toMatchObject(notAllowed);
    expect(await h.digests.status('slack', 'C0OTHERS')).toMatchObject({ subscribed: true });
    expect(h.fake.callsTo('conversations.info').at(-1)?.params).toMatchObject({ channel: 'C0OTHERS' });

    h.fake.setChannel('C0NOBOT', { creator: USER_ID, is_member: false });
    expect(await h.reply('digest subscribe', { channel: 'C0NOBOT' })).toMatchObject(notInChannel);
    // A private channel Paperboy is not in does not exist as far as it can tell.
    h.fake.setChannelError('C0PRIVATE', 'channel_not_found');
    expect(await h.reply('digest subscribe', { channel: 'C0PRIVATE', user: ADMIN })).toMatchObject(notInChannel);
    for (const channel of ['C0NOBOT', 'C0PRIVATE']) expect(await h.digests.status('slack', channel)).toMatchObject({ subscribed: false });

    // A DM with Paperboy is the asker's own.
    h.fake.setChannel('D0READER', { is_im: true, user: USER_ID });
    expect(await h.reply('digest subscribe', { channel: 'D0READER' })).toMatchObject({ response_type: 'in_channel' });
  });

  it('preview shows the digest to the asker only and posts and records nothing', async () => {
    h = await startHarness();
    await h.digests.subscribe('slack', 'C0PREVIEW', { topics: ['speech'], userId: USER_ID });
    // Monday's papers arrive, as at the start of a scheduled run.
    h.rig.clock.set('2030-01-07T09:00:00Z');
    await createDelivering(h.deps).refresh();

    const preview = await h.reply('digest preview', { channel: 'C0PREVIEW' });
    expect(preview.response_type).toBe('ephemeral');
    const text = String(preview.text);
    expect(text).toMatch(/^_Preview: only you can see this, and nothing was posted\._\n\n\*Paperboy daily · 7 Jan · 3 new papers · 1 theme\*\n\n\*speech\*\n• </);
    expect(arxivLinks(text)).toEqual(SPEECH);
    expect(posts(h.fake, 'C0PREVIEW')).toEqual([]);
    expect((await h.digests.status('slack', 'C0PREVIEW')).lastDelivery).toBeUndefined();
  });

  it('now: posts at once for an admin, politely refuses anyone else', async () => {
    h = await startHarness();
    await h.digests.subscribe('slack', 'C0NOW', { topics: ['speech'], userId: USER_ID });
    h.rig.clock.set('2030-01-07T08:30:00Z');

    const refused = await h.reply('digest now', { channel: 'C0NOW', user: USER_ID });
    expect(refused).toMatchObject({ response_type: 'ephemeral', text: 'Only Paperboy admins (ADMIN_USER_IDS) can post a digest now.' });
    expect(posts(h.fake, 'C0NOW')).toEqual([]);

    const done = await h.reply('digest now', { channel: 'C0NOW', user: ADMIN });
    expect(done).toMatchObject({ response_type: 'ephemeral', text: 'Posted a digest in this channel.' });
    const [top] = posts(h.fake, 'C0NOW');
    expect(top!.params.metadata).toEqual({ event_type: DIGEST_EVENT_TYPE, event_payload: { key: 'slack:C0NOW|2030-01-07|now-2030-01-07T08:30:00.000Z' } });
    expect(arxivLinks(String(top!.params.text))).toEqual(SPEECH);
  });

  it('shows its usage for a missing or unknown action, and is listed in help', async () => {
    h = await startHarness();
    const bare = await h.command('digest');
    expect(JSON.parse(bare.text)).toEqual({
      response_type: 'ephemeral',
      text: 'Usage: `/papers digest subscribe [topics…] | unsubscribe | status | preview | now`',
    });
    const unknown = await h.reply('digest frobnicate');
    expect(unknown.response_type).toBe('ephemeral');
    expect(String(unknown.text)).toMatch(/^\*Daily digests of new papers\*\n• `\/papers digest subscribe \[topics…\]`/);
    expect(String((await h.reply('help')).text)).toContain('• `/papers digest subscribe [topics…] | unsubscribe | status | preview | now` — A daily digest');
  });
});

describe('without a digest service', () => {
  it('the Slack app has no digest subcommand: `/papers digest …` is taken as a question', async () => {
    const [fake, bundled] = await Promise.all([startFakeSlackApi(), makeTestEngine()]);
    const slack = createSlackApp({
      engine: bundled.engine,
      claims: bundled.claims,
      config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, slashCommand: '/papers' },
      limits: { ratePerMinute: 1000, maxQuestionChars: 2000 },
      logger: silent,
    });
    try {
      await slack.start();
      const body = slashCommand({ text: 'digest subscribe', responseUrl: fake.responseUrl() });
      const res = await postSigned(`http://127.0.0.1:${slack.address()!.port}/slack/events`, {
        body,
        contentType: 'application/x-www-form-urlencoded',
        signingSecret: SIGNING_SECRET,
      });
      // No `digest` subcommand here, so the words are a question like any other.
      expect(JSON.parse(res.text)).toEqual({ response_type: 'ephemeral', text: 'Looking through 98 papers…' });
    } finally {
      await slack.stop();
      await fake.close();
      await bundled.cleanup();
    }
  });
});
