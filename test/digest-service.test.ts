import { afterEach, describe, expect, it } from 'vitest';
import { createDelivering } from '../src/digest/delivery.ts';
import { createDigestService, parseTopics } from '../src/digest/digest-service.ts';
import { DigestRequestError } from '../src/digest/errors.ts';
import { createDigestScheduler } from '../src/digest/scheduler.ts';
import { makeDigestRig, type DigestRig } from './fixtures/digest-fakes.ts';

const SPEECH = ['3001.00001', '3001.00002', '3001.00003'];
const RETRIEVAL = ['3001.00004', '3001.00005', '3001.00006'];

describe('digest service', () => {
  let rig: DigestRig | undefined;
  afterEach(async () => {
    await rig?.cleanup();
    rig = undefined;
  });

  /** Stores Monday's Hugging Face list the way a scheduled run does. */
  const fetchMonday = async (r: DigestRig) => {
    r.clock.set('2030-01-07T09:00:00Z');
    await createDelivering(r.deps).refresh();
  };

  it('subscribes with topics, reports status and unsubscribes', async () => {
    rig = await makeDigestRig();
    const digests = createDigestService(rig.deps);
    const sub = await digests.subscribe('discord', '42', { topics: ['Speech,  Retrieval', 'speech'], userId: 'U1' });
    expect(sub).toMatchObject({ key: 'discord:42', topics: ['speech', 'retrieval'], status: 'active', createdBy: 'U1' });

    expect(await digests.status('discord', '42')).toEqual({
      subscribed: true,
      status: 'active',
      topics: ['speech', 'retrieval'],
      cron: '0 9 * * 1-5',
      timezone: 'UTC',
      nextRun: new Date('2030-01-07T09:00:00Z'),
    });

    rig.clock.set('2030-01-07T09:00:00Z');
    await createDigestScheduler(rig.deps).tick();
    expect((await digests.status('discord', '42')).lastDelivery).toEqual({
      day: '2030-01-07',
      state: 'posted',
      paperCount: 6,
      postedAt: '2030-01-07T09:00:00.000Z',
      messageRef: 'm1',
    });
    expect((await digests.status('discord', '42')).nextRun).toEqual(new Date('2030-01-08T09:00:00Z'));

    expect(await digests.unsubscribe('discord', '42')).toBe(true);
    expect(await digests.unsubscribe('discord', '42')).toBe(false);
    expect(await digests.status('discord', '42')).toMatchObject({ subscribed: false, topics: [] });
    expect((await digests.status('discord', '42')).nextRun).toBeUndefined();
  });

  it('rejects a cron override that does not parse, with an example', async () => {
    rig = await makeDigestRig();
    const attempt = createDigestService(rig.deps).subscribe('slack', 'C1', { cron: 'every morning', userId: 'U1' });
    await expect(attempt).rejects.toBeInstanceOf(DigestRequestError);
    await expect(attempt).rejects.toThrow(/"every morning" is not a cron schedule.*0 9 \* \* 1-5/);
    expect(await createDigestService(rig.deps).status('slack', 'C1')).toMatchObject({ subscribed: false });
  });

  it('keeps only the papers the engine finds relevant to the channel topics, grouped by topic', async () => {
    rig = await makeDigestRig();
    const digests = createDigestService(rig.deps);
    await digests.subscribe('slack', 'SPEECH', { topics: ['speech'], userId: 'U1' });
    await digests.subscribe('slack', 'BOTH', { topics: ['retrieval', 'speech'], userId: 'U1' });
    rig.clock.set('2030-01-07T09:00:00Z');
    await createDigestScheduler(rig.deps).tick();

    const byChannel = new Map(rig.poster.messages.map((m) => [m.channel.channelId, m.digest]));
    const speech = byChannel.get('SPEECH')!;
    expect(speech.themes.map((t) => t.name)).toEqual(['speech']);
    // Ranked by upvotes: 54, 31, 12.
    expect(speech.paperIds).toEqual(SPEECH);
    expect(speech.header).toBe('Paperboy daily · 7 Jan · 3 new papers · 1 theme');

    const both = byChannel.get('BOTH')!;
    expect(both.themes.map((t) => [t.name, t.papers.map((p) => p.id)])).toEqual([
      ['retrieval', RETRIEVAL],
      ['speech', SPEECH],
    ]);
  });

  it('keeps a topic to the papers about it, not those that mention it in passing (the bundled corpus)', async () => {
    rig = await makeDigestRig();
    // Every bundled paper is new since 2000; "retrieval" is the subject of a few and a word in many more.
    const markdown = await createDigestService(rig.deps).dryRun({ topics: ['retrieval'], since: '2000-01-01' });
    expect(markdown).toContain('Mistral-SPLADE: LLMs for better Learned Sparse Retrieval');
    expect(markdown).toContain('Fast Passage Re-ranking');
    for (const passing of ['MatFormer', 'ViTamin', 'Align before Fuse', 'CodeT5+']) expect(markdown).not.toContain(passing);
  });

  it('previews without recording or posting anything', async () => {
    rig = await makeDigestRig();
    const digests = createDigestService(rig.deps);
    await digests.subscribe('slack', 'C1', { topics: ['retrieval'], userId: 'U1' });
    await fetchMonday(rig);

    const preview = await digests.preview('slack', 'C1');
    expect(preview.paperIds).toEqual(RETRIEVAL);
    expect(await digests.preview('slack', 'C1')).toEqual(preview);
    expect(rig.poster.postCalls).toBe(0);
    expect(await rig.deps.digestStore.latest('slack:C1')).toBeUndefined();
    expect((await digests.status('slack', 'C1')).lastDelivery).toBeUndefined();
  });

  it('dry run prints the markdown that would be posted and records nothing', async () => {
    rig = await makeDigestRig();
    const digests = createDigestService(rig.deps);
    await fetchMonday(rig);

    const everything = await digests.dryRun();
    expect(everything).toMatch(/^\*\*Paperboy daily · 7 Jan · 8 new papers · \d themes\*\*\n/);
    expect(everything).toContain('- [Streaming Speech Recognition with Low-Latency Chunked Transformers](https://huggingface.co/papers/3001.00001) — ');
    expect(everything).toContain('_Thread:_');

    const speech = await digests.dryRun({ topics: ['speech'], since: '2030-01-06' });
    expect(speech).toContain('**speech**');
    expect(speech).toContain('Self-Supervised Speech Representations');
    expect(speech).not.toContain('Dense Retrieval');

    // Since after the papers arrived: nothing new.
    expect(await digests.dryRun({ since: '2030-01-07T09:00:00Z' })).toBe('**Paperboy daily · 7 Jan · no new papers**\n\nNothing new since the last digest.');
    await expect(digests.dryRun({ channel: 'teams:1' })).rejects.toThrow(/expected slack:<channel id> or discord:<channel id>/);
    await expect(digests.dryRun({ since: 'yesterday' })).rejects.toThrow(/--since "yesterday"/);

    expect(rig.poster.postCalls).toBe(0);
    expect(await rig.deps.digestStore.getDeliveries(['slack:(dry-run)|2030-01-07'])).toEqual(new Map());
    expect(await rig.deps.digestStore.latest('slack:(dry-run)')).toBeUndefined();
  });

  it('dry run can fetch the sources first, still recording no delivery', async () => {
    rig = await makeDigestRig();
    rig.clock.set('2030-01-07T09:00:00Z');
    const digests = createDigestService(rig.deps);
    expect(await digests.dryRun({ channel: 'discord:42' })).toContain('no new papers');

    const markdown = await digests.dryRun({ channel: 'discord:42', fetch: true });
    expect(markdown).toMatch(/^\*\*Paperboy daily · 7 Jan · 8 new papers · \d themes\*\*\n/);
    expect(rig.sources.requests.map((r) => r.path)).toEqual(['/api/daily_papers']);
    expect(rig.poster.postCalls).toBe(0);
    expect(await rig.deps.digestStore.latest('discord:42')).toBeUndefined();
  });

  it('posts now only for admins, and answers questions in the digest thread about its papers', async () => {
    rig = await makeDigestRig();
    const digests = createDigestService(rig.deps);
    await digests.subscribe('slack', 'C1', { topics: ['speech'], userId: 'U1' });
    rig.clock.set('2030-01-07T08:30:00Z');

    const denied = digests.postNow('slack', 'C1', 'U1');
    await expect(denied).rejects.toMatchObject({ reason: 'not-admin' });
    expect(rig.poster.postCalls).toBe(0);

    const { outcome, key } = await digests.postNow('slack', 'C1', 'UADMIN');
    expect(outcome).toBe('posted');
    expect(key).toBe('slack:C1|2030-01-07|now-2030-01-07T08:30:00.000Z');
    const [message] = rig.poster.messages;
    expect(message!.digest.paperIds).toEqual(SPEECH);

    const paperIds = await digests.papersForThread('slack', 'C1', message!.messageRef);
    expect(paperIds).toEqual(SPEECH);
    expect(await digests.papersForThread('slack', 'C1', 'some-other-message')).toBeUndefined();
    expect(await digests.papersForThread('slack', 'C2', message!.messageRef)).toBeUndefined();

    const answer = await rig.deps.engine.ask('Which paper removes the need for a speech recognizer?', { paperIds });
    expect(answer.abstained).toBe(false);
    expect(answer.citations.map((c) => c.paperId)).toContain('3001.00003');
    expect(answer.citations.every((c) => SPEECH.includes(c.paperId))).toBe(true);

    // The scheduled 09:00 digest starts where the manual one stopped: nothing new.
    rig.clock.set('2030-01-07T09:00:00Z');
    expect((await createDigestScheduler(rig.deps).tick()).deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'skipped-empty' }]);
    expect(rig.poster.messages).toHaveLength(1);
  });

  it('parses topics typed in one string or several, within limits', () => {
    expect(parseTopics('speech, Retrieval ;  long   context')).toEqual(['speech', 'retrieval', 'long context']);
    expect(parseTopics(['speech', 'speech', ' '])).toEqual(['speech']);
    expect(parseTopics(undefined)).toEqual([]);
    expect(() => parseTopics(Array.from({ length: 11 }, (_, i) => `topic ${i}`))).toThrow(/At most 10 topics/);
    expect(() => parseTopics('x'.repeat(81))).toThrow(DigestRequestError);
  });
});
