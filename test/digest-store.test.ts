import * as lancedb from '@lancedb/lancedb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERIES, openDigestStore, type ClaimRequest, type DigestStore } from '../src/digest/digest-store.ts';

/** Two processes' views of one database: separate connections, separate table handles. */
describe('delivery ledger', () => {
  let dir: string;
  let connections: lancedb.Connection[];
  let a: DigestStore;
  let b: DigestStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperboy-digest-store-'));
    connections = [await lancedb.connect(dir), await lancedb.connect(dir)];
    a = await openDigestStore(connections[0]!);
    b = await openDigestStore(connections[1]!);
  });
  afterEach(async () => {
    a.close();
    b.close();
    for (const c of connections) c.close();
    await rm(dir, { recursive: true, force: true });
  });

  const request = (key: string, owner: string, now: string, leaseMs = 60_000): ClaimRequest => ({
    key,
    channelKey: 'slack:C1',
    day: '2030-01-07',
    scheduledFor: '2030-01-07T09:00:00.000Z',
    owner,
    now: new Date(now),
    leaseMs,
    maxAttempts: 3,
  });

  it('gives a new delivery to exactly one of two racing claimants', async () => {
    for (let i = 0; i < 12; i++) {
      const key = `slack:C${i}|2030-01-07`;
      const [x, y] = await Promise.all([a.claim(request(key, `A${i}`, '2030-01-07T09:00:00Z')), b.claim(request(key, `B${i}`, '2030-01-07T09:00:00Z'))]);
      expect([x, y].filter(Boolean)).toHaveLength(1);
      // One row, not one per claimant: later conditional updates must match exactly one row.
      expect(await (await connections[0]!.openTable(DELIVERIES)).countRows(`key = '${key}'`)).toBe(1);
    }
  });

  it('lets exactly one of two racing claimants take over an expired lease', async () => {
    for (let i = 0; i < 8; i++) {
      const key = `slack:D${i}|2030-01-07`;
      expect(await a.claim(request(key, 'dead', '2030-01-07T09:00:00Z'))).toBeDefined();
      const later = '2030-01-07T09:02:00Z';
      const [x, y] = await Promise.all([a.claim(request(key, `A${i}`, later)), b.claim(request(key, `B${i}`, later))]);
      const winners = [x, y].filter(Boolean);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.previous).toMatchObject({ leaseOwner: 'dead', state: 'claimed' });
    }
  });

  it('refuses a live lease and a finished delivery, and only the holder may advance', async () => {
    const key = 'slack:C1|2030-01-07';
    const claim = (await a.claim(request(key, 'A', '2030-01-07T09:00:00Z')))!;
    expect(await b.claim(request(key, 'B', '2030-01-07T09:00:30Z'))).toBeUndefined();

    expect(await b.advance({ ...claim.delivery, leaseOwner: 'B', state: 'posted', updatedAt: 'x' })).toBe(false);
    expect(await a.advance({ ...claim.delivery, state: 'posted', messageRef: 'm1', updatedAt: '2030-01-07T09:00:01Z' })).toBe(true);
    expect(await b.getDelivery(key)).toMatchObject({ state: 'posted', messageRef: 'm1', leaseOwner: 'A' });
    expect(await b.claim(request(key, 'B', '2030-01-08T09:00:00Z'))).toBeUndefined();
    expect(await b.deliveryByMessage('slack:C1', 'm1')).toMatchObject({ key });
    expect(await b.lastCompleted('slack:C1')).toMatchObject({ key });
  });

  it('retries a failed delivery only after its retry time and while attempts remain', async () => {
    const key = 'slack:C1|2030-01-07';
    const { delivery } = (await a.claim(request(key, 'A', '2030-01-07T09:00:00Z')))!;
    await a.advance({ ...delivery, state: 'failed', attempts: 1, leaseUntil: '2030-01-07T09:15:00.000Z', updatedAt: 'u1' });
    expect(await b.claim(request(key, 'B', '2030-01-07T09:10:00Z'))).toBeUndefined();
    const retry = (await b.claim(request(key, 'B', '2030-01-07T09:15:00Z')))!;
    expect(retry.previous).toMatchObject({ state: 'failed', attempts: 1 });

    await b.advance({ ...retry.delivery, state: 'failed', attempts: 3, leaseUntil: '2030-01-07T09:20:00.000Z', updatedAt: 'u2' });
    expect(await a.claim(request(key, 'A', '2030-01-08T00:00:00Z'))).toBeUndefined();
  });
});
