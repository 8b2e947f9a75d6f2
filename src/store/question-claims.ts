/**
 * The question ledger: one row per incoming chat question, claimed before it is answered, so a
 * redelivered event (a platform retry, a restarted process, a second replica or Socket Mode
 * connection) is answered once. Claimed like the digest deliveries (src/digest/digest-store.ts):
 * an unenforced primary key turns two racing inserts of a new key into a commit conflict that the
 * loser retries as an update, and updates are conditional on the lease, read back to see who won.
 */
import type { Connection, Table } from '@lancedb/lancedb';
import { Schema } from 'apache-arrow';
import { sqlString } from './lance-store.ts';
import { keyField, textField } from './schema.ts';
import { openOrCreateTable } from './open-table.ts';
import { KEEP_REPLACED, optimizeKeepingReplaced, type VersionRetention } from './version-retention.ts';

export const QUESTION_CLAIMS = 'question_claims';

/** `answering` until the reply is final; a dead attempt's row stays `answering` with an expired lease. */
export type QuestionState = 'answering' | 'answered' | 'refused' | 'failed';

export interface QuestionClaim {
  key: string;
  state: QuestionState;
  leaseOwner: string;
  /** ISO time after which another attempt may take an `answering` question over. */
  leaseUntil: string;
  /** The platform's id of the placeholder message, once posted, so a takeover finishes into it. */
  placeholderRef?: string;
  updatedAt: string;
}

export interface ClaimQuestion {
  key: string;
  /** Unique per attempt. */
  owner: string;
  now: Date;
  leaseMs: number;
}

export interface QuestionClaims {
  /**
   * Takes the question when nobody has, or when an earlier attempt died while answering (its lease
   * ran out). Resolves with the row as it was before (for a takeover), or undefined when the
   * question is answered, refused, or in the hands of a live attempt.
   */
  claim(request: ClaimQuestion): Promise<{ previous?: QuestionClaim } | undefined>;
  /** Writes `next` while `next.leaseOwner` still holds the claim; false when another attempt took it over. */
  update(next: QuestionClaim): Promise<boolean>;
  get(key: string): Promise<QuestionClaim | undefined>;
  /** Questions whose key starts with `prefix` that an attempt died answering: `answering`, lease run out by `before`. */
  abandoned(prefix: string, before: Date): Promise<QuestionClaim[]>;
  close(): void;
}

const schema = new Schema([keyField(), textField('state'), textField('leaseOwner'), textField('leaseUntil'), textField('placeholderRef', true), textField('updatedAt')]);

/** Rows older than this are forgotten: platforms stop redelivering within minutes. */
const RETENTION_MS = 7 * 24 * 3600_000;
/** Every this many writes, old rows are dropped and the table's small fragments compacted. */
const MAINTAIN_EVERY = 200;

/**
 * @example
 * const claims = await openQuestionClaims(store.connection);
 * const taken = await claims.claim({ key: 'slack:T1:C1:1764230400.000100', owner, now: new Date(), leaseMs: 120_000 });
 */
export async function openQuestionClaims(
  connection: Connection,
  { maintainEvery = MAINTAIN_EVERY, retention = KEEP_REPLACED }: { maintainEvery?: number; retention?: VersionRetention } = {},
): Promise<QuestionClaims> {
  const table = await openOrCreateTable(connection, QUESTION_CLAIMS, schema);
  // LanceDB Cloud's connection displays as a remote database and manages its own versions.
  const cloud = /^Remote/i.test(connection.display());
  let writes = 0;

  const get = async (key: string) => {
    // Another process may have written since this handle last looked.
    await table.checkoutLatest();
    const rows = (await table.query().where(`key = ${sqlString(key)}`).toArray()) as Record<string, unknown>[];
    return rows.map(rowToClaim)[0];
  };
  const written = async () => {
    writes += 1;
    if (writes % maintainEvery === 0 && !cloud) await maintain(table, retention).catch(() => undefined);
  };

  return {
    get,
    async claim({ key, owner, now, leaseMs }) {
      const previous = await get(key);
      const nowIso = now.toISOString();
      if (previous && !(previous.state === 'answering' && previous.leaseUntil <= nowIso)) return undefined;
      const claimed: QuestionClaim = {
        key,
        state: 'answering',
        leaseOwner: owner,
        leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
        ...(previous?.placeholderRef !== undefined && { placeholderRef: previous.placeholderRef }),
        updatedAt: nowIso,
      };
      // Evaluated against the committed row: an attempt that won the race renewed the lease first.
      await table
        .mergeInsert('key')
        .whenMatchedUpdateAll({ where: `target.state = 'answering' AND target.leaseUntil <= ${sqlString(nowIso)}` })
        .whenNotMatchedInsertAll()
        .execute([claimToRow(claimed)]);
      await written();
      const after = await get(key);
      return after?.leaseOwner === owner && after.updatedAt === nowIso ? { ...(previous && { previous }) } : undefined;
    },
    async update(next) {
      await table
        .mergeInsert('key')
        .whenMatchedUpdateAll({ where: `target.leaseOwner = ${sqlString(next.leaseOwner)}` })
        .execute([claimToRow(next)]);
      await written();
      const after = await get(next.key);
      return after?.leaseOwner === next.leaseOwner && after.state === next.state && after.updatedAt === next.updatedAt;
    },
    async abandoned(prefix, before) {
      await table.checkoutLatest();
      const where = `state = 'answering' AND leaseUntil <= ${sqlString(before.toISOString())} AND starts_with(key, ${sqlString(prefix)})`;
      return ((await table.query().where(where).toArray()) as Record<string, unknown>[]).map(rowToClaim);
    },
    close() {
      table.close();
    },
  };
}

/**
 * Drops week-old settled claims and deletes table versions replaced long enough ago (by the wall
 * clock, which LanceDB stamps versions with): never one another bot may still be reading.
 */
async function maintain(table: Table, retention: VersionRetention): Promise<void> {
  const cutoff = new Date(Date.now() - RETENTION_MS).toISOString();
  await table.delete(`updatedAt < ${sqlString(cutoff)} AND state <> 'answering'`);
  await optimizeKeepingReplaced(table, { retention });
}

function claimToRow(c: QuestionClaim): Record<string, unknown> {
  return { key: c.key, state: c.state, leaseOwner: c.leaseOwner, leaseUntil: c.leaseUntil, placeholderRef: c.placeholderRef ?? null, updatedAt: c.updatedAt };
}

function rowToClaim(r: Record<string, unknown>): QuestionClaim {
  return {
    key: r.key as string,
    state: r.state as QuestionState,
    leaseOwner: r.leaseOwner as string,
    leaseUntil: r.leaseUntil as string,
    ...(r.placeholderRef != null && { placeholderRef: r.placeholderRef as string }),
    updatedAt: r.updatedAt as string,
  };
}
