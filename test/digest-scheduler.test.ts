import * as lancedb from '@lancedb/lancedb';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDigestService } from '../src/digest/digest-service.ts';
import { DELIVERIES } from '../src/digest/digest-store.ts';
import { createDigestScheduler } from '../src/digest/scheduler.ts';
import type { DigestDeps } from '../src/digest/delivery.ts';
import { loadFixture } from './fakes/fake-paper-sources.ts';
import { hfDay, makeDigestRig, partsOf, withWriteFaults, type DigestRig, type WriteFault } from './fixtures/digest-fakes.ts';

const DAY1_IDS = ['3001.00001', '3001.00002', '3001.00003', '3001.00004', '3001.00005', '3001.00006', '3001.00007', '3001.00008'];

describe('digest scheduler', () => {
  let rig: DigestRig | undefined;
  afterEach(async () => {
    await rig?.cleanup();
    rig = undefined;
  });

  const subscribe = (deps: DigestDeps, channelId: string, options: { topics?: string[]; cron?: string } = {}) =>
    createDigestService(deps).subscribe('slack', channelId, { userId: 'U1', ...options });

  const at = (r: DigestRig, iso: string, deps: DigestDeps = r.deps) => {
    r.clock.set(iso);
    return createDigestScheduler(deps).tick();
  };

  it('posts once per scheduled day, and the next day only what is new', async () => {
    rig = await makeDigestRig();
    await subscribe(rig.deps, 'C1');

    expect((await at(rig, '2030-01-07T08:59:00Z')).deliveries).toEqual([]);
    expect(rig.sources.requests).toHaveLength(0);

    expect((await at(rig, '2030-01-07T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'posted' }]);
    expect(rig.poster.messages).toHaveLength(1);
    const first = rig.poster.messages[0]!.digest;
    expect([...first.paperIds].sort()).toEqual(DAY1_IDS);
    expect(first.header).toMatch(/^Paperboy daily · 7 Jan · 8 new papers · \d themes$/);

    expect((await at(rig, '2030-01-07T09:05:00Z')).deliveries).toEqual([]);
    expect(await createDigestScheduler(rig.deps).tick(new Date('2030-01-07T17:00:00Z'))).toEqual({ deliveries: [], notes: [] });
    expect(rig.poster.messages).toHaveLength(1);

    rig.hfDays['2030-01-08'] = hfDay('2030-01-08');
    const tuesday = await createDigestScheduler(rig.deps).tick(new Date('2030-01-08T09:00:00Z'));
    expect(tuesday.deliveries).toEqual([{ key: 'slack:C1|2030-01-08', outcome: 'posted' }]);
    expect(await rig.deps.digestStore.getDelivery('slack:C1|2030-01-08')).toMatchObject({ postedAt: '2030-01-08T09:00:00.000Z' });
    // 3001.00004 is on both days' lists but was in Monday's digest already.
    expect([...rig.poster.messages[1]!.digest.paperIds].sort()).toEqual(['3001.00109', '3001.00110']);
  });

  it('posts nothing on a day with nothing new, unless DIGEST_SEND_EMPTY is set', async () => {
    rig = await makeDigestRig();
    await subscribe(rig.deps, 'C1');
    await at(rig, '2030-01-07T09:00:00Z');
    expect((await at(rig, '2030-01-08T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C1|2030-01-08', outcome: 'skipped-empty' }]);
    expect(rig.poster.messages).toHaveLength(1);
    await rig.cleanup();

    rig = await makeDigestRig({ config: { sendEmpty: true } });
    await subscribe(rig.deps, 'C1');
    await at(rig, '2030-01-07T09:00:00Z');
    expect((await at(rig, '2030-01-08T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C1|2030-01-08', outcome: 'posted' }]);
    expect(rig.poster.messages[1]!.digest).toMatchObject({ header: 'Paperboy daily · 8 Jan · no new papers', paperIds: [] });
  });

  it('after downtime across several scheduled days, start-up posts one catch-up digest', async () => {
    rig = await makeDigestRig();
    await subscribe(rig.deps, 'C1');
    await at(rig, '2030-01-07T09:00:00Z');
    // Tuesday's new papers are only on Tuesday's list: Wednesday's latest list has an old one.
    rig.hfDays['2030-01-08'] = hfDay('2030-01-08');
    rig.hfDays['2030-01-09'] = hfDay('2030-01-07').slice(0, 1);

    // Down from Monday afternoon until Thursday noon: Tue, Wed and Thu 09:00 were missed.
    rig.clock.set('2030-01-10T12:00:00Z');
    const scheduler = createDigestScheduler(rig.deps, { pollMs: 3_600_000 });
    scheduler.start();
    await scheduler.stop();

    expect(rig.poster.messages.map((m) => m.deliveryKey)).toEqual(['slack:C1|2030-01-07', 'slack:C1|2030-01-10']);
    expect([...rig.poster.messages[1]!.digest.paperIds].sort()).toEqual(['3001.00109', '3001.00110']);
    // Each day since the last digest was fetched by date, and the latest list (all at once: they
    // reach the fake in any order).
    const dates = rig.sources.requests.filter((r) => r.path === '/api/daily_papers').map((r) => r.params.get('date') ?? 'latest');
    expect(dates.slice(-4).sort()).toEqual(['2030-01-07', '2030-01-08', '2030-01-09', 'latest']);
    expect((await at(rig, '2030-01-10T12:01:00Z')).deliveries).toEqual([]);
    expect(rig.poster.messages).toHaveLength(2);
  });

  it('two schedulers on one store post each digest once', async () => {
    rig = await makeDigestRig();
    for (const c of ['C1', 'C2', 'C3']) await subscribe(rig.deps, c);
    const other = await rig.anotherProcess();
    // Each compacts after every tick that delivers, while the other reads and writes the ledger.
    const everyTick = { compactEveryMs: 0 };
    const [a, b] = [createDigestScheduler(rig.deps, everyTick), createDigestScheduler(other, everyTick)];

    for (const [day, iso] of [['2030-01-07', '2030-01-07T09:00:00Z'], ['2030-01-08', '2030-01-08T09:00:00Z']] as const) {
      rig.hfDays[day] = hfDay(day);
      rig.clock.set(iso);
      const reports = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      expect(reports.flatMap((r) => r.deliveries).map((d) => d.outcome)).toEqual(['posted', 'posted', 'posted']);
    }
    const keys = rig.poster.messages.map((m) => m.deliveryKey).sort();
    expect(keys).toEqual(['C1', 'C2', 'C3'].flatMap((c) => [`slack:${c}|2030-01-07`, `slack:${c}|2030-01-08`]).sort());
    for (const m of rig.poster.messages) expect(new Set(m.digest.paperIds).size).toBe(m.digest.paperIds.length);
    expect([...new Set(rig.poster.messages.flatMap((m) => m.digest.paperIds))].sort()).toEqual([...DAY1_IDS, '3001.00109', '3001.00110']);
  });

  it("compacting under the test's 2030 clock keeps the version another process is still reading", async () => {
    rig = await makeDigestRig();
    await subscribe(rig.deps, 'C1');
    rig.clock.set('2030-01-07T09:00:00Z');
    await createDigestScheduler(rig.deps, { compactEveryMs: Number.POSITIVE_INFINITY }).tick();
    // Another process starts a read of the ledger as it is now (its own connection, like a second bot).
    const other = await lancedb.connect(join(rig.testEngine.dir, 'db'));
    const reader = await other.openTable(DELIVERIES);
    await reader.checkout(await reader.version());
    try {
      rig.hfDays['2030-01-08'] = hfDay('2030-01-08');
      rig.clock.set('2030-01-08T09:00:00Z');
      expect((await createDigestScheduler(rig.deps).tick()).deliveries).toEqual([{ key: 'slack:C1|2030-01-08', outcome: 'posted' }]);
      // That version was replaced a moment ago (by the wall clock): its files must still be there.
      const rows = await reader.query().where("channelKey = 'slack:C1'").select(['key', 'state']).toArray();
      expect(rows.map((r) => `${r.key as string} ${r.state as string}`)).toEqual(['slack:C1|2030-01-07 posted']);
    } finally {
      reader.close();
      other.close();
    }
  });

  describe('a restart never posts twice', () => {
    /** Injects `fault` into the first ledger write that records `state`, and resolves when it happens. */
    const faultOn = (state: string, fault: WriteFault) => {
      let hit!: () => void;
      const reached = new Promise<void>((resolve) => (hit = resolve));
      let armed = true;
      const connection = (c: Parameters<typeof withWriteFaults>[0]) =>
        withWriteFaults(c, DELIVERIES, (rows) => {
          if (!armed || rows[0]?.state !== state) return undefined;
          armed = false;
          hit();
          return fault;
        });
      return { connection, reached };
    };

    it('when the process dies before posting', async () => {
      const { connection, reached } = faultOn('posting', 'hang');
      rig = await makeDigestRig({ connection });
      await subscribe(rig.deps, 'C1');
      rig.clock.set('2030-01-07T09:00:00Z');
      void createDigestScheduler(rig.deps).tick();
      await reached;

      const restarted = await rig.anotherProcess();
      // While the dead process's lease runs, nobody takes over; within a minute someone does.
      expect((await at(rig, '2030-01-07T09:00:30Z', restarted)).deliveries).toEqual([]);
      expect((await at(rig, '2030-01-07T09:01:00Z', restarted)).deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'posted' }]);
      expect(rig.poster.messages).toHaveLength(1);
      expect((await at(rig, '2030-01-07T09:30:00Z', restarted)).deliveries).toEqual([]);
      expect(rig.poster.postCalls).toBe(1);
    });

    it('when the process dies after the platform accepted the post', async () => {
      rig = await makeDigestRig();
      await subscribe(rig.deps, 'C1');
      rig.poster.next.push('hang-after');
      rig.clock.set('2030-01-07T09:00:00Z');
      void createDigestScheduler(rig.deps).tick();
      await rig.poster.stalled();

      const restarted = await rig.anotherProcess();
      expect((await at(rig, '2030-01-07T09:01:00Z', restarted)).deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'recovered' }]);
      // The top-level message once, and then its whole thread.
      const [message, ...more] = rig.poster.messages;
      expect(more).toEqual([]);
      expect(Object.keys(message!.parts)).toHaveLength(partsOf(message!.digest));
      expect(rig.poster.partsSent).toBe(partsOf(message!.digest));
      expect(await restarted.digestStore.getDelivery('slack:C1|2030-01-07')).toMatchObject({ state: 'posted', messageRef: 'm1', parts: message!.parts });
      expect((await createDigestService(restarted).papersForThread('slack', 'C1', 'm1'))?.sort()).toEqual(DAY1_IDS);
    });

    it('when recording the post fails', async () => {
      const { connection } = faultOn('posted', 'throw');
      rig = await makeDigestRig({ connection });
      await subscribe(rig.deps, 'C1');
      expect((await at(rig, '2030-01-07T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'unrecorded' }]);
      expect(await rig.deps.digestStore.getDelivery('slack:C1|2030-01-07')).toMatchObject({ state: 'posting' });

      const sent = rig.poster.partsSent;
      const restarted = await rig.anotherProcess();
      expect((await at(rig, '2030-01-07T09:01:00Z', restarted)).deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'recovered' }]);
      expect((await at(rig, '2030-01-07T10:00:00Z', restarted)).deliveries).toEqual([]);
      expect(rig.poster.partsSent).toBe(sent);
    });
  });

  it('retries a failed post after the retry delay, asking the platform first', async () => {
    rig = await makeDigestRig();
    await subscribe(rig.deps, 'C1');
    rig.poster.next.push('fail');
    expect((await at(rig, '2030-01-07T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'failed' }]);
    const fetches = rig.sources.requests.length;
    expect((await at(rig, '2030-01-07T09:10:00Z')).deliveries).toEqual([]);
    // Waiting for the retry costs no fetch.
    expect(rig.sources.requests).toHaveLength(fetches);
    expect((await at(rig, '2030-01-07T09:16:00Z')).deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'posted' }]);
    expect(rig.poster.messages).toHaveLength(1);
    expect(rig.poster.postCalls).toBe(2);
  });

  it('marks a channel the bot was removed from and skips it from then on', async () => {
    rig = await makeDigestRig();
    await subscribe(rig.deps, 'C1');
    await subscribe(rig.deps, 'GONE');
    rig.poster.gone.add('slack:GONE');

    const report = await at(rig, '2030-01-07T09:00:00Z');
    expect(report.deliveries.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'slack:C1|2030-01-07', outcome: 'posted' },
      { key: 'slack:GONE|2030-01-07', outcome: 'channel-gone' },
    ]);
    const status = await createDigestService(rig.deps).status('slack', 'GONE');
    expect(status).toMatchObject({ subscribed: false, status: 'removed' });
    expect(status.removedReason).toContain('not_in_channel');

    const callsBefore = rig.poster.postCalls;
    rig.hfDays['2030-01-08'] = hfDay('2030-01-08');
    for (const iso of ['2030-01-07T09:30:00Z', '2030-01-07T12:00:00Z', '2030-01-08T09:00:00Z']) await at(rig, iso);
    expect(rig.poster.postCalls - callsBefore).toBe(1);
    expect(rig.poster.messages.map((m) => m.deliveryKey)).toEqual(['slack:C1|2030-01-07', 'slack:C1|2030-01-08']);

    // Invited back and subscribed again: digests resume from the next scheduled run.
    rig.poster.gone.delete('slack:GONE');
    rig.clock.set('2030-01-08T10:00:00Z');
    await subscribe(rig.deps, 'GONE');
    expect(await createDigestService(rig.deps).status('slack', 'GONE')).toMatchObject({ subscribed: true, status: 'active' });
    expect((await at(rig, '2030-01-08T10:05:00Z')).deliveries).toEqual([]);
    rig.hfDays['2030-01-09'] = hfDay('2030-01-07').slice(0, 1);
    const thursday = await at(rig, '2030-01-09T09:00:00Z');
    expect(thursday.deliveries.map((d) => d.key).sort()).toEqual(['slack:C1|2030-01-09', 'slack:GONE|2030-01-09']);
  });

  it('a source that is down becomes a note; the other sources still make the digest', async () => {
    rig = await makeDigestRig({
      arxivFeeds: { 'cat:cs.CL': loadFixture('arxiv-cat-cs-cl.xml') },
      specs: [{ kind: 'hf-daily' }, { kind: 'arxiv-query', query: 'cat:cs.CL' }],
    });
    await subscribe(rig.deps, 'C1');
    // Down for every list the run asks for (the catch-up days since Friday's run, and the latest).
    rig.sources.enqueue('/api/daily_papers', ...Array.from({ length: 10 }, () => ({ status: 503, body: 'Service Unavailable' })));

    const report = await at(rig, '2030-01-07T09:00:00Z');
    expect(report.deliveries).toEqual([{ key: 'slack:C1|2030-01-07', outcome: 'posted' }]);
    const digest = rig.poster.messages[0]!.digest;
    expect(digest.notes).toEqual(['Hugging Face daily papers could not be reached; this digest may be incomplete.']);
    expect([...digest.paperIds].sort()).toEqual(['2611.20811', '2611.20950', '2611.21077']);
  });

  it('follows a per-channel cron override', async () => {
    rig = await makeDigestRig({ start: '2030-01-07T09:30:00Z' });
    await subscribe(rig.deps, 'EARLY', { cron: '30 7 * * *' });
    await subscribe(rig.deps, 'C1');
    expect((await at(rig, '2030-01-08T07:30:00Z')).deliveries).toEqual([{ key: 'slack:EARLY|2030-01-08', outcome: 'posted' }]);
    expect((await at(rig, '2030-01-08T09:00:00Z')).deliveries).toEqual([{ key: 'slack:C1|2030-01-08', outcome: 'posted' }]);
  });

  it('compacts the digest tables after delivering, so their versions do not pile up', async () => {
    rig = await makeDigestRig();
    for (const c of ['C1', 'C2', 'C3']) await subscribe(rig.deps, c);
    const versions = async () => (await (await rig!.testEngine.store.connection.openTable(DELIVERIES)).listVersions()).length;
    const never = { compactEveryMs: Number.POSITIVE_INFINITY };
    rig.clock.set('2030-01-07T09:00:00Z');
    await createDigestScheduler(rig.deps, never).tick();
    rig.hfDays['2030-01-08'] = hfDay('2030-01-08');
    rig.clock.set('2030-01-08T09:00:00Z');
    await createDigestScheduler(rig.deps, never).tick();
    const piled = await versions();
    expect(piled).toBeGreaterThan(20);

    rig.clock.set('2030-01-09T09:00:00Z');
    // Versions count as replaced long enough ago at once, rather than after an hour of waiting.
    const immediately = { retention: { keepMs: 0, slackMs: 0 } };
    expect((await createDigestScheduler(rig.deps, immediately).tick()).deliveries).toHaveLength(3);
    expect(await versions()).toBeLessThan(5);
    // The ledger reads the same after compaction.
    expect((await rig.deps.digestStore.lastCompleted('slack:C1'))?.day).toBe('2030-01-09');
  });
});
