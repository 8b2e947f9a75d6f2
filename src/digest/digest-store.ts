/**
 * Digest state in the papers' own LanceDB database: subscriptions, the delivery ledger, and the
 * extras a source gave for a paper (HF's AI summary) that the papers table has no column for.
 *
 * Every key column is declared an unenforced primary key: with it, LanceDB turns two concurrent
 * `mergeInsert`s of the same new key into a commit conflict and retries the loser (which then
 * matches the winner's row), instead of silently writing the row twice. The ledger's
 * exactly-once guarantee rests on that plus conditional updates.
 */
import type { Connection, Table } from '@lancedb/lancedb';
import { Field, Int32, Schema } from 'apache-arrow';
import { sqlString } from '../store/lance-store.ts';
import { openOrCreateTable } from '../store/open-table.ts';
import { keyField, textField } from '../store/schema.ts';
import { optimizeKeepingReplaced, type VersionRetention } from '../store/version-retention.ts';
import type { Delivery, DeliveryState, Digest, PartRefs, Platform, Subscription } from './types.ts';

export const SUBSCRIPTIONS = 'digest_subscriptions';
export const DELIVERIES = 'digest_deliveries';

const text = textField;

const subscriptionsSchema = new Schema([
  keyField(),
  text('platform'),
  text('channelId'),
  text('topics'),
  text('cron', true),
  text('createdBy'),
  text('createdAt'),
  text('status'),
  text('removedReason', true),
]);

const deliveriesSchema = new Schema([
  keyField(),
  text('channelKey'),
  text('day'),
  text('scheduledFor'),
  text('state'),
  text('leaseOwner'),
  text('leaseUntil'),
  new Field('attempts', new Int32(), false),
  text('messageRef', true),
  text('parts', true),
  text('digest', true),
  text('paperIds'),
  text('coveredUntil', true),
  text('postedAt', true),
  text('error', true),
  text('updatedAt'),
]);

/** A delivery in these states is done, and its window counts as seen. */
const COMPLETED_STATES: readonly DeliveryState[] = ['posted', 'skipped-empty'];

export interface ClaimRequest {
  key: string;
  channelKey: string;
  day: string;
  scheduledFor: string;
  /** Unique per claim. */
  owner: string;
  now: Date;
  leaseMs: number;
  /** A `failed` delivery with this many attempts is not retried. */
  maxAttempts: number;
}

export interface Claim {
  delivery: Delivery;
  /** The row as it was before this claim took it over (a dead or failed earlier attempt), if any. */
  previous?: Delivery;
}

export interface DigestStore {
  getSubscription(key: string): Promise<Subscription | undefined>;
  activeSubscriptions(): Promise<Subscription[]>;
  putSubscription(subscription: Subscription): Promise<void>;
  deleteSubscription(key: string): Promise<boolean>;
  getDelivery(key: string): Promise<Delivery | undefined>;
  getDeliveries(keys: string[]): Promise<Map<string, Delivery>>;
  /**
   * Takes the delivery when it does not exist yet, when its holder's lease ran out, or when it
   * failed with attempts left and its retry time has come. Resolves undefined otherwise.
   */
  claim(request: ClaimRequest): Promise<Claim | undefined>;
  /**
   * Writes `next` only while `next.leaseOwner` still holds the lease; false when the lease was lost
   * (another process took the delivery over).
   */
  advance(next: Delivery): Promise<boolean>;
  /** The channel's latest completed (posted or skipped-empty) delivery. */
  lastCompleted(channelKey: string): Promise<Delivery | undefined>;
  /** The channel's most recently scheduled delivery of any state. */
  latest(channelKey: string): Promise<Delivery | undefined>;
  deliveryByMessage(channelKey: string, messageRef: string): Promise<Delivery | undefined>;
  /**
   * Compacts the digest tables and drops the versions replaced more than `retention.keepMs` ago by
   * the wall clock (every ledger write is a new version; another process may be reading a recent
   * one). Resolves false on LanceDB Cloud, which compacts by itself.
   */
  compact(retention?: VersionRetention): Promise<boolean>;
  close(): void;
}

/**
 * @example
 * const digestStore = await openDigestStore(store.connection);
 */
export async function openDigestStore(connection: Connection): Promise<DigestStore> {
  const [subscriptions, deliveries] = await Promise.all([
    openOrCreateTable(connection, SUBSCRIPTIONS, subscriptionsSchema),
    openOrCreateTable(connection, DELIVERIES, deliveriesSchema),
  ]);
  await addMissingColumns(deliveries, deliveriesSchema);

  // Another process may have written since this handle last looked: always read the latest version.
  const rows = async (table: Table, where: string) => {
    await table.checkoutLatest();
    return table.query().where(where).toArray() as Promise<Record<string, unknown>[]>;
  };
  const readDelivery = async (key: string) => (await rows(deliveries, `key = ${sqlString(key)}`)).map(rowToDelivery)[0];
  const channelDeliveries = async (channelKey: string) => (await rows(deliveries, `channelKey = ${sqlString(channelKey)}`)).map(rowToDelivery);
  const newest = (list: Delivery[]) => list.sort((a, b) => b.scheduledFor.localeCompare(a.scheduledFor))[0];

  return {
    async getSubscription(key) {
      return (await rows(subscriptions, `key = ${sqlString(key)}`)).map(rowToSubscription)[0];
    },
    async activeSubscriptions() {
      return (await rows(subscriptions, `status = 'active'`)).map(rowToSubscription);
    },
    async putSubscription(s) {
      await subscriptions.mergeInsert('key').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([subscriptionToRow(s)]);
    },
    async deleteSubscription(key) {
      const existed = (await rows(subscriptions, `key = ${sqlString(key)}`)).length > 0;
      if (existed) await subscriptions.delete(`key = ${sqlString(key)}`);
      return existed;
    },
    getDelivery: readDelivery,
    async getDeliveries(keys) {
      if (keys.length === 0) return new Map();
      const found = (await rows(deliveries, `key IN (${keys.map(sqlString).join(', ')})`)).map(rowToDelivery);
      return new Map(found.map((d) => [d.key, d]));
    },
    async claim({ key, channelKey, day, scheduledFor, owner, now, leaseMs, maxAttempts }) {
      const previous = await readDelivery(key);
      if (previous && !claimable(previous, now, maxAttempts)) return undefined;
      const nowIso = now.toISOString();
      const claimed: Delivery = {
        key,
        channelKey,
        day,
        scheduledFor,
        state: 'claimed',
        leaseOwner: owner,
        leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
        attempts: previous?.attempts ?? 0,
        // What an earlier holder posted stays known, so a takeover completes it rather than starting over.
        messageRef: previous?.messageRef,
        parts: previous?.parts,
        digest: previous?.digest,
        paperIds: previous?.paperIds ?? [],
        coveredUntil: previous?.coveredUntil,
        error: previous?.error,
        updatedAt: nowIso,
      };
      // The condition is evaluated against the row as committed: a racing claim that won first
      // renewed the lease, so this one updates nothing and the read-back shows the other owner.
      await deliveries
        .mergeInsert('key')
        .whenMatchedUpdateAll({
          where:
            `target.leaseUntil <= ${sqlString(nowIso)} AND (target.state IN ('claimed', 'posting')` +
            ` OR (target.state = 'failed' AND target.attempts < ${maxAttempts}))`,
        })
        .whenNotMatchedInsertAll()
        .execute([deliveryToRow(claimed)]);
      const after = await readDelivery(key);
      return after?.leaseOwner === owner ? { delivery: after, previous } : undefined;
    },
    async advance(next) {
      await deliveries
        .mergeInsert('key')
        .whenMatchedUpdateAll({ where: `target.leaseOwner = ${sqlString(next.leaseOwner)}` })
        .execute([deliveryToRow(next)]);
      const after = await readDelivery(next.key);
      return after !== undefined && after.leaseOwner === next.leaseOwner && after.updatedAt === next.updatedAt && after.state === next.state;
    },
    async lastCompleted(channelKey) {
      return newest((await channelDeliveries(channelKey)).filter((d) => COMPLETED_STATES.includes(d.state)));
    },
    async latest(channelKey) {
      return newest(await channelDeliveries(channelKey));
    },
    async deliveryByMessage(channelKey, messageRef) {
      const found = await rows(deliveries, `channelKey = ${sqlString(channelKey)} AND messageRef = ${sqlString(messageRef)}`);
      return found.map(rowToDelivery)[0];
    },
    async compact(retention) {
      // LanceDB Cloud's connection displays as a remote database and manages its own versions.
      if (/^Remote/i.test(connection.display())) return false;
      // The wall clock (the default), never an injected one: LanceDB stamps versions with it.
      for (const table of [subscriptions, deliveries]) await optimizeKeepingReplaced(table, { retention });
      return true;
    },
    close() {
      subscriptions.close();
      deliveries.close();
    },
  };
}

/** A ledger written by an older Paperboy lacks the newer nullable columns: add them, empty. */
async function addMissingColumns(table: Table, schema: Schema): Promise<void> {
  const have = new Set((await table.schema()).fields.map((f) => f.name));
  const missing = schema.fields.filter((f) => !have.has(f.name) && f.nullable);
  if (missing.length > 0) await table.addColumns(missing.map((f) => ({ name: f.name, valueSql: 'CAST(NULL AS STRING)' })));
}

/** Same rule as the claim's write condition: an expired lease, and a failure with attempts left. */
export function claimable(d: Delivery, now: Date, maxAttempts: number): boolean {
  if (d.leaseUntil > now.toISOString()) return false;
  return d.state === 'claimed' || d.state === 'posting' || (d.state === 'failed' && d.attempts < maxAttempts);
}

export function channelKeyOf(platform: Platform, channelId: string): string {
  return `${platform}:${channelId}`;
}

function subscriptionToRow(s: Subscription): Record<string, unknown> {
  return {
    key: s.key,
    platform: s.platform,
    channelId: s.channelId,
    topics: JSON.stringify(s.topics),
    cron: s.cron ?? null,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    status: s.status,
    removedReason: s.removedReason ?? null,
  };
}

function rowToSubscription(r: Record<string, unknown>): Subscription {
  return {
    key: r.key as string,
    platform: r.platform as Platform,
    channelId: r.channelId as string,
    topics: JSON.parse(r.topics as string) as string[],
    ...(r.cron != null && { cron: r.cron as string }),
    createdBy: r.createdBy as string,
    createdAt: r.createdAt as string,
    status: r.status as Subscription['status'],
    ...(r.removedReason != null && { removedReason: r.removedReason as string }),
  };
}

function deliveryToRow(d: Delivery): Record<string, unknown> {
  return {
    key: d.key,
    channelKey: d.channelKey,
    day: d.day,
    scheduledFor: d.scheduledFor,
    state: d.state,
    leaseOwner: d.leaseOwner,
    leaseUntil: d.leaseUntil,
    attempts: d.attempts,
    messageRef: d.messageRef ?? null,
    parts: d.parts === undefined ? null : JSON.stringify(d.parts),
    digest: d.digest === undefined ? null : JSON.stringify(d.digest),
    paperIds: JSON.stringify(d.paperIds),
    coveredUntil: d.coveredUntil ?? null,
    postedAt: d.postedAt ?? null,
    error: d.error ?? null,
    updatedAt: d.updatedAt,
  };
}

function rowToDelivery(r: Record<string, unknown>): Delivery {
  const optional = (name: string) => (r[name] != null ? { [name]: r[name] as string } : {});
  return {
    key: r.key as string,
    channelKey: r.channelKey as string,
    day: r.day as string,
    scheduledFor: r.scheduledFor as string,
    state: r.state as DeliveryState,
    leaseOwner: r.leaseOwner as string,
    leaseUntil: r.leaseUntil as string,
    attempts: r.attempts as number,
    paperIds: JSON.parse(r.paperIds as string) as string[],
    updatedAt: r.updatedAt as string,
    ...optional('messageRef'),
    ...(r.parts != null && { parts: JSON.parse(r.parts as string) as PartRefs }),
    ...(r.digest != null && { digest: JSON.parse(r.digest as string) as Digest }),
    ...optional('coveredUntil'),
    ...optional('postedAt'),
    ...optional('error'),
  };
}
