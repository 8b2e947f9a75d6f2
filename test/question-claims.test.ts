import * as lancedb from '@lancedb/lancedb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openQuestionClaims, QUESTION_CLAIMS, type QuestionClaims } from '../src/store/question-claims.ts';

/** Two processes' views of one database: separate connections, separate table handles. */
describe('question ledger', () => {
  let dir: string;
  let connections: lancedb.Connection[];
  let a: QuestionClaims;
  let b: QuestionClaims;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperboy-question-claims-'));
    connections = [await lancedb.connect(dir), await lancedb.connect(dir)];
    a = await openQuestionClaims(connections[0]!);
    b = await openQuestionClaims(connections[1]!);
  });
  afterEach(async () => {
    a.close();
    b.close();
    for (const c of connections) c.close();
    await rm(dir, { recursive: true, force: true });
  });

  const at = (iso: string) => new Date(iso);

  it('gives a new question to exactly one of two racing processes, as one row', async () => {
    for (let i = 0; i < 10; i++) {
      const key = `slack:T1:C1:1764230400.00000${i}`;
      const now = at('2030-01-07T09:00:00Z');
      const [x, y] = await Promise.all([a.claim({ key, owner: `A${i}`, now, leaseMs: 60_000 }), b.claim({ key, owner: `B${i}`, now, leaseMs: 60_000 })]);
      expect([x, y].filter(Boolean)).toHaveLength(1);
      expect(await (await connections[0]!.openTable(QUESTION_CLAIMS)).countRows(`key = '${key}'`)).toBe(1);
    }
  });

  it('refuses a redelivery while the first attempt is alive or done, and hands a dead attempt over with its placeholder', async () => {
    const key = 'slack:T1:C1:1.1';
    const now = at('2030-01-07T09:00:00Z');
    expect(await a.claim({ key, owner: 'first', now, leaseMs: 60_000 })).toEqual({});
    expect(await a.update({ key, state: 'answering', leaseOwner: 'first', leaseUntil: '2030-01-07T09:01:00.000Z', placeholderRef: '1.2', updatedAt: '2030-01-07T09:00:01.000Z' })).toBe(true);
    // Within the lease: someone is answering it.
    expect(await b.claim({ key, owner: 'second', now: at('2030-01-07T09:00:30Z'), leaseMs: 60_000 })).toBeUndefined();
    // The first attempt died: the lease ran out, and the next attempt gets its placeholder.
    const takeover = await b.claim({ key, owner: 'second', now: at('2030-01-07T09:02:00Z'), leaseMs: 60_000 });
    expect(takeover?.previous).toMatchObject({ leaseOwner: 'first', placeholderRef: '1.2' });
    expect(await b.get(key)).toMatchObject({ leaseOwner: 'second', placeholderRef: '1.2', state: 'answering' });
    // The dead attempt, had it woken up, can no longer write.
    expect(await a.update({ key, state: 'answered', leaseOwner: 'first', leaseUntil: '2030-01-07T09:03:00.000Z', updatedAt: '2030-01-07T09:02:01.000Z' })).toBe(false);
    expect(await b.update({ key, state: 'answered', leaseOwner: 'second', leaseUntil: '2030-01-07T09:03:00.000Z', placeholderRef: '1.2', updatedAt: '2030-01-07T09:02:02.000Z' })).toBe(true);
    // Answered is final, however late the redelivery.
    expect(await a.claim({ key, owner: 'third', now: at('2030-02-01T00:00:00Z'), leaseMs: 60_000 })).toBeUndefined();
  });

  it("keeps the version another process has just resolved as the latest when a bot's clean-up runs right after replacing it", async () => {
    const key = (i: number) => `slack:T1:C1:1.${i}`;
    const now = at('2030-01-07T09:00:00Z');
    await a.claim({ key: key(0), owner: 'A', now, leaseMs: 60_000 });
    // Another bot looks up the latest version to read it (a read opens the version's manifest next).
    const reader = await connections[1]!.openTable(QUESTION_CLAIMS);
    const seen = await reader.version();
    // Long enough for that version to count as old (scaled down from the hour a bot keeps).
    await new Promise((r) => setTimeout(r, 1200));
    const cleaning = await openQuestionClaims(connections[0]!, { maintainEvery: 1, retention: { keepMs: 1000, slackMs: 5000 } });
    try {
      // This write replaces that version, and its clean-up runs at once: by age alone the version
      // would go, although it was the latest a moment ago.
      await cleaning.claim({ key: key(1), owner: 'A', now, leaseMs: 60_000 });
      await reader.checkout(seen);
      const rows = await reader.query().select(['key']).toArray();
      expect(rows.map((r) => r.key as string)).toEqual([key(0)]);
    } finally {
      reader.close();
      cleaning.close();
    }
  });
});
