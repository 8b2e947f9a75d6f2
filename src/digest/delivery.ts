/**
 * The delivery state machine: exactly one digest per (channel, scheduled day), whatever crashes,
 * restarts or second processes happen along the way.
 *
 * ```
 *   (none) ──claim──▶ claimed ──nothing new, empty digests off──▶ skipped-empty ■
 *                        │
 *                        └──record──▶ posting ──poster.post──▶ record ──▶ posted ■
 *                                        │
 *                                        └──post threw──▶ failed ──(after retryDelay, < maxAttempts)──▶ claim again
 * ```
 * A holder that died leaves `claimed` or `posting` behind; either is claimed again once its lease expires.
 * - Claiming is a conditional write (insert when absent; take over only when the lease has run
 *   out in a non-terminal state) followed by a read-back that must show our unique lease token.
 *   Two processes racing for one delivery: exactly one sees its token.
 * - `posting` is recorded before the poster is called, and every write after the claim is
 *   conditional on still holding the lease; a process that lost it stops without posting.
 * - Whoever takes over a delivery that someone already held (a crash before posting, after
 *   posting, or while recording; or a failed post that may have reached the platform) first asks
 *   the poster `findExisting(channel, key)`: a message already there is recorded, not posted again.
 * - Runs (fetch sources, ingest, deliver) also hold one database-wide run lease, so two processes
 *   never ingest the same papers at once; the per-delivery claims stay the exactly-once guarantee.
 * - A lease outlives any healthy delivery (default 10 minutes), so a live process is never
 *   overtaken; a dead one's delivery resumes once its lease expires.
 * - `ChannelGoneError` marks the subscription removed: no retries, no further schedules.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { RateGate } from '../../ingest/sources/arxiv-rate-gate.ts';
import { createHttpClient, type HttpClient } from '../../ingest/sources/http-client.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { PaperStore } from '../store/lance-store.ts';
import type { Engine } from '../types.ts';
import { buildDigest } from './build-digest.ts';
import { channelKeyOf, claimable, type Claim, type DigestStore } from './digest-store.ts';
import { ChannelGoneError } from './errors.ts';
import { refreshSources } from './refresh-sources.ts';
import { localDay, previousOccurrence, type CronSchedule } from './schedule.ts';
import type { ChannelRef, Delivery, Digest, DigestPoster, DigestWriter, Platform, Subscription } from './types.ts';

/** Everything the scheduler and the service share. */
export interface DigestDeps {
  engine: Engine;
  store: PaperStore;
  embedder: EmbeddingsInterface;
  digestStore: DigestStore;
  /** One poster per platform that is running; subscriptions of other platforms wait. */
  posters: Partial<Record<Platform, DigestPoster>>;
  /** `config.digest` */
  config: Config['digest'];
  /** For the remote sources; default `createHttpClient({ logger })`. */
  http?: HttpClient;
  logger: Logger;
  /** Injected so tests drive time; defaults to the wall clock. */
  clock?: () => Date;
  arxivGate?: RateGate;
  /** Topic relevance floor; default `TOPIC_RELEVANCE_FLOOR`. */
  relevanceFloor?: number;
  /** Writes gists and theme names with a chat model; without it they stay extractive. */
  writer?: DigestWriter;
  /** Names this process in lease tokens; default `hostname:pid`. */
  ownerId?: string;
  leaseMs?: number;
  /** Posting attempts per delivery before it stays `failed`. */
  maxAttempts?: number;
  /** Wait before retrying a failed post. */
  retryDelayMs?: number;
  /** Longest a due run waits for its sources. */
  sourceTimeoutMs?: number;
}

export type DeliveryOutcome = 'posted' | 'recovered' | 'skipped-empty' | 'failed' | 'unrecorded' | 'channel-gone' | 'lease-lost';

export interface DeliveryTarget {
  channel: ChannelRef;
  key: string;
  day: string;
  /** The cron occurrence (or the `now` request time); the digest is dated by it. */
  at: Date;
  topics: string[];
  /** The channel's schedule, for the window of its first digest. */
  schedule: CronSchedule;
  subscription?: Subscription;
}

export interface Delivering {
  clock: () => Date;
  schedule(subscription?: Pick<Subscription, 'cron'>): CronSchedule;
  /** True when a delivery in this state (undefined: none yet) can be claimed now. */
  isOpen(delivery: Delivery | undefined): boolean;
  claim(target: DeliveryTarget): Promise<Claim | undefined>;
  /** Fetches and stores the sources' new papers; resolves with the digest notes for any gaps. */
  refresh(): Promise<string[]>;
  /** Builds the digest a target would get now, without recording anything. */
  build(target: DeliveryTarget, notes: string[], since?: Date): Promise<Digest>;
  complete(claim: Claim, target: DeliveryTarget, options: { notes: string[]; sendEmpty?: boolean }): Promise<DeliveryOutcome>;
  /**
   * Runs `fn` while holding the database-wide run lease, or resolves undefined when another process
   * holds it. Keeps two processes from fetching and ingesting the same papers at once.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T | undefined>;
}

/** The ledger row that serves as the run lease. */
const RUN_LEASE = 'digest-run';

export function createDelivering(deps: DigestDeps): Delivering {
  const {
    engine,
    store,
    embedder,
    digestStore,
    posters,
    config,
    logger,
    http = createHttpClient({ logger }),
    clock = () => new Date(),
    arxivGate,
    relevanceFloor,
    writer,
    ownerId = `${hostname()}:${process.pid}`,
    leaseMs = 10 * 60_000,
    maxAttempts = 3,
    retryDelayMs = 15 * 60_000,
    sourceTimeoutMs = 60_000,
  } = deps;
  const later = (ms: number) => new Date(clock().getTime() + ms).toISOString();

  const build: Delivering['build'] = async (target, notes, since) => {
    const channelKey = channelKeyOf(target.channel.platform, target.channel.channelId);
    const from = since ?? (await windowStart(channelKey, target));
    return buildDigest(
      { engine, store, relevanceFloor, writer },
      { since: from, until: clock(), at: target.at, timezone: config.timezone, topics: target.topics, notes },
    );
  };

  /** Where the channel's last digest stopped; for its first, the previous scheduled run. */
  async function windowStart(channelKey: string, target: DeliveryTarget): Promise<Date> {
    const last = await digestStore.lastCompleted(channelKey);
    if (last?.coveredUntil) return new Date(last.coveredUntil);
    return previousOccurrence(target.schedule, target.at) ?? new Date(target.at.getTime() - 86_400_000);
  }

  /** A conditional write; false when another process holds the lease now. */
  const record = (next: Delivery) => digestStore.advance({ ...next, updatedAt: clock().toISOString() });

  async function fail(delivery: Delivery, target: DeliveryTarget, err: unknown): Promise<DeliveryOutcome> {
    const gone = err instanceof ChannelGoneError;
    const message = err instanceof Error ? err.message : String(err);
    logger.error({ err, deliveryKey: delivery.key, attempts: delivery.attempts }, `digest: delivery ${delivery.key} failed: ${message}`);
    try {
      // `posting` counted its attempt already; a failure before it (building the digest) counts here.
      const attempts = gone ? maxAttempts : delivery.state === 'posting' ? delivery.attempts : delivery.attempts + 1;
      await record({ ...delivery, state: 'failed', error: message, leaseUntil: later(retryDelayMs), attempts });
      if (gone && target.subscription) {
        await digestStore.putSubscription({ ...target.subscription, status: 'removed', removedReason: message });
        logger.warn({ channel: target.channel }, `digest: ${target.subscription.key} marked removed; it gets no more digests`);
      }
    } catch (recordErr) {
      // The lease runs out and the next claimant asks the poster before posting again.
      logger.error({ err: recordErr, deliveryKey: delivery.key }, 'digest: could not record the failure');
    }
    return gone ? 'channel-gone' : 'failed';
  }

  return {
    clock,
    schedule: (subscription) => ({ pattern: subscription?.cron ?? config.cron, timezone: config.timezone }),

    async exclusive(fn) {
      const now = clock();
      const run = await digestStore.claim({
        key: RUN_LEASE,
        channelKey: RUN_LEASE,
        day: localDay(now, config.timezone),
        scheduledFor: now.toISOString(),
        owner: `${ownerId}/${randomUUID()}`,
        now,
        leaseMs,
        maxAttempts,
      });
      if (!run) return undefined;
      try {
        return await fn();
      } finally {
        // An expired `claimed` row is free for the next run; a crash frees it when the lease runs out.
        await record({ ...run.delivery, leaseUntil: clock().toISOString() }).catch((err: unknown) => {
          logger.warn({ err }, 'digest: could not release the run lease; it frees itself when it expires');
        });
      }
    },

    isOpen: (delivery) => delivery === undefined || claimable(delivery, clock(), maxAttempts),

    claim(target) {
      return digestStore.claim({
        key: target.key,
        channelKey: channelKeyOf(target.channel.platform, target.channel.channelId),
        day: target.day,
        scheduledFor: target.at.toISOString(),
        owner: `${ownerId}/${randomUUID()}`,
        now: clock(),
        leaseMs,
        maxAttempts,
      });
    },

    async refresh() {
      const { notes } = await refreshSources(
        { store, embedder, fetch: { http, hfApiBase: config.hfApiBase, arxivApiBase: config.arxivApiBase, arxivGate }, logger },
        config.sources,
        { now: clock(), timeoutMs: sourceTimeoutMs },
      );
      return notes;
    },

    build,

    async complete({ delivery: claimed, previous }, target, { notes, sendEmpty = config.sendEmpty }) {
      const poster = posters[target.channel.platform];
      if (!poster) throw new Error(`No digest poster for ${target.channel.platform}`);
      let delivery = claimed;
      try {
        if (previous) {
          const existing = await poster.findExisting(target.channel, delivery.key);
          if (existing !== undefined) {
            const done = { ...delivery, state: 'posted' as const, messageRef: existing, postedAt: previous.postedAt ?? clock().toISOString() };
            if (!(await record({ ...done, coveredUntil: previous.coveredUntil ?? clock().toISOString() }))) return 'lease-lost';
            logger.info({ deliveryKey: delivery.key, messageRef: existing }, `digest: ${delivery.key} was already posted; recorded it`);
            return 'recovered';
          }
        }
        const digest = await build(target, notes);
        const covered = { paperIds: digest.paperIds, coveredUntil: digest.until };
        if (digest.paperIds.length === 0 && !sendEmpty) {
          if (!(await record({ ...delivery, ...covered, state: 'skipped-empty' }))) return 'lease-lost';
          logger.info({ deliveryKey: delivery.key }, `digest: nothing new for ${delivery.key}; nothing posted`);
          return 'skipped-empty';
        }
        delivery = { ...delivery, ...covered, state: 'posting', attempts: delivery.attempts + 1, leaseUntil: later(leaseMs) };
        if (!(await record(delivery))) return 'lease-lost';
        const { messageRef } = await poster.post(target.channel, digest, delivery.key);
        delivery = { ...delivery, state: 'posted', messageRef, postedAt: clock().toISOString(), error: undefined };
        if (!(await record(delivery))) return 'lease-lost';
        logger.info({ deliveryKey: delivery.key, messageRef, papers: digest.paperIds.length }, `digest: posted ${delivery.key}`);
        return 'posted';
      } catch (err) {
        if (delivery.state !== 'posted') return fail(delivery, target, err);
        // Posted but not recorded: the row stays `posting`; whoever takes it over finds the message.
        logger.error({ err, deliveryKey: delivery.key }, `digest: ${delivery.key} was posted but could not be recorded`);
        return 'unrecorded';
      }
    },
  };
}
