/**
 * The delivery state machine: exactly one complete digest (top-level message and its whole thread)
 * per (channel, scheduled day), whatever crashes, restarts or second processes happen along the way.
 *
 * ```
 *   (none) ──claim──▶ claimed ──nothing new, empty digests off──▶ skipped-empty ■
 *                        │
 *                        └──record digest──▶ posting ──part accepted──▶ record part ─┐
 *                                              │  ▲                                  │
 *                                              │  └──────────── next part ───────────┘
 *                                              ├──all parts──▶ posted ■
 *                                              └──post threw──▶ failed ──(after retryDelay, < maxAttempts)──▶ claim again
 * ```
 * - A claim is one channel-day: a conditional write (insert when absent; take over only when the
 *   lease has run out in a non-terminal state) and a read-back that must show our unique token.
 * - The lease is short (default 45 s) and renewed by every recorded step and by a heartbeat, so a
 *   live holder is never overtaken and a dead one's channel is taken over within a minute.
 * - The digest is recorded before the first platform call, and each part's platform id as soon
 *   as the platform accepted it. Whoever takes over a delivery someone already held asks the
 *   poster what the platform has of it (`findExisting`: every part carries the delivery key and
 *   its index), then posts exactly the parts still missing, from the recorded digest.
 * - Every write after the claim is conditional on still holding the lease; a holder that lost it
 *   stops before its next platform call.
 * - Fetching the sources holds its own short lease, so two processes never ingest the same
 *   papers at once; a process that finds it held waits for the other's fetch and uses its papers.
 * - `ChannelGoneError` marks the subscription removed: no retries, no further schedules.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Config } from '../config.ts';
import type { FetchSource, IngestPapers } from '../ingest-ports.ts';
import type { Logger } from '../logger.ts';
import type { PaperStore } from '../store/lance-store.ts';
import type { Engine } from '../types.ts';
import { buildDigest } from './build-digest.ts';
import { channelKeyOf, claimable, type Claim, type DigestStore } from './digest-store.ts';
import { ChannelGoneError } from './errors.ts';
import { holdLease, LeaseLostError, type HeldLease } from './lease.ts';
import { refreshSources } from './refresh-sources.ts';
import { localDay, previousOccurrence, type CronSchedule } from './schedule.ts';
import type { ChannelRef, Delivery, Digest, DigestPoster, DigestWriter, PartRefs, Platform, Subscription } from './types.ts';

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
  /** Fetches a source spec from the endpoints in `config` (ingest/, wired by src/app.ts). */
  fetchSource: FetchSource;
  /** Stores what the sources return (ingest/, wired by src/app.ts). */
  ingestPapers: IngestPapers;
  logger: Logger;
  /** Injected so tests drive time; defaults to the wall clock. */
  clock?: () => Date;
  /** Topic relevance floor; default `TOPIC_RELEVANCE_FLOOR`. */
  relevanceFloor?: number;
  /** Writes gists and theme names with a chat model; without it they stay extractive. */
  writer?: DigestWriter;
  /** Names this process in lease tokens; default `hostname:pid`. */
  ownerId?: string;
  /** How long a claim lasts without renewal: how late a crashed holder's channel can be. */
  leaseMs?: number;
  /** Posting attempts per delivery before it stays `failed`. */
  maxAttempts?: number;
  /** Wait before retrying a failed post. */
  retryDelayMs?: number;
  /** Longest a due run waits for its sources. */
  sourceTimeoutMs?: number;
  /** How often a process waiting for another's fetch looks again (real time). */
  fetchPollMs?: number;
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
  /** True while someone holds a live claim on the delivery. */
  inProgress(delivery: Delivery | undefined): boolean;
  claim(target: DeliveryTarget): Promise<Claim | undefined>;
  /**
   * Fetches and stores the sources' new papers since `since` (default: the latest lists); resolves
   * with the digest notes for any gaps. When another process is fetching, waits for it instead.
   */
  refresh(since?: Date): Promise<string[]>;
  /** Where the target channel's next digest starts. */
  windowStart(target: DeliveryTarget): Promise<Date>;
  /** Builds the digest a target would get now, without recording anything. */
  build(target: DeliveryTarget, notes: string[], since?: Date): Promise<Digest>;
  complete(claim: Claim, target: DeliveryTarget, options: { notes: string[]; sendEmpty?: boolean }): Promise<DeliveryOutcome>;
}

/** The ledger row whose lease the process fetching the sources holds. */
const FETCH_LEASE = 'digest-fetch';

export function createDelivering(deps: DigestDeps): Delivering {
  const {
    engine,
    store,
    embedder,
    digestStore,
    posters,
    config,
    logger,
    fetchSource,
    ingestPapers,
    clock = () => new Date(),
    relevanceFloor,
    writer,
    ownerId = `${hostname()}:${process.pid}`,
    leaseMs = 45_000,
    maxAttempts = 3,
    retryDelayMs = 15 * 60_000,
    sourceTimeoutMs = 60_000,
    fetchPollMs = 500,
  } = deps;
  const later = (ms: number) => new Date(clock().getTime() + ms).toISOString();
  const hold = (delivery: Delivery) => holdLease(delivery, { record: (next) => digestStore.advance(next), clock, leaseMs, logger });

  /** Where the channel's last digest stopped; for its first, the previous scheduled run. */
  async function windowStart(target: DeliveryTarget): Promise<Date> {
    const last = await digestStore.lastCompleted(channelKeyOf(target.channel.platform, target.channel.channelId));
    if (last?.coveredUntil) return new Date(last.coveredUntil);
    return previousOccurrence(target.schedule, target.at) ?? new Date(target.at.getTime() - 86_400_000);
  }

  const build: Delivering['build'] = async (target, notes, since) =>
    buildDigest(
      { engine, store, relevanceFloor, writer },
      { since: since ?? (await windowStart(target)), until: clock(), at: target.at, timezone: config.timezone, topics: target.topics, notes },
    );

  const claimRow = (key: string, channelKey: string, day: string, scheduledFor: string) =>
    digestStore.claim({ key, channelKey, day, scheduledFor, owner: `${ownerId}/${randomUUID()}`, now: clock(), leaseMs, maxAttempts });

  async function fetchHolding(claim: Claim, since: Date | undefined): Promise<string[]> {
    const lease = hold(claim.delivery);
    try {
      const { notes } = await refreshSources(
        { store, embedder, fetchSource, ingestPapers, logger },
        config.sources,
        { now: clock(), since, timeoutMs: sourceTimeoutMs },
      );
      // Released: `postedAt` tells a waiting process the fetch finished (rather than its holder dying).
      await lease.write({ leaseUntil: clock().toISOString(), postedAt: clock().toISOString() }).catch((err: unknown) => {
        logger.warn({ err }, 'digest: could not release the fetch lease; it frees itself when it expires');
      });
      return notes;
    } finally {
      lease.release();
    }
  }

  async function refresh(since?: Date): Promise<string[]> {
    const now = clock();
    const waitUntil = Date.now() + sourceTimeoutMs + leaseMs;
    const started = now.toISOString();
    for (;;) {
      const claim = await claimRow(FETCH_LEASE, FETCH_LEASE, localDay(clock(), config.timezone), clock().toISOString());
      if (claim) return fetchHolding(claim, since);
      const row = await digestStore.getDelivery(FETCH_LEASE);
      // Another process fetched while we looked: its papers are stored; fetching again would add nothing.
      if (row?.postedAt !== undefined && row.postedAt >= started) return [];
      if (Date.now() >= waitUntil) return ['Another Paperboy process was still fetching papers; this digest may be incomplete.'];
      await new Promise((resolve) => setTimeout(resolve, fetchPollMs));
    }
  }

  async function fail(lease: HeldLease, target: DeliveryTarget, err: unknown): Promise<DeliveryOutcome> {
    const delivery = lease.current;
    const gone = err instanceof ChannelGoneError;
    const message = err instanceof Error ? err.message : String(err);
    logger.error({ err, deliveryKey: delivery.key, attempts: delivery.attempts }, `digest: delivery ${delivery.key} failed: ${message}`);
    try {
      // `posting` counted its attempt already; a failure before it (building the digest) counts here.
      const attempts = gone ? maxAttempts : delivery.state === 'posting' ? delivery.attempts : delivery.attempts + 1;
      await lease.write({ state: 'failed', error: message, leaseUntil: later(retryDelayMs), attempts });
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

  /** Posts the parts the platform does not have yet, recording each as it is accepted. */
  async function postMissing(poster: DigestPoster, lease: HeldLease, target: DeliveryTarget, digest: Digest): Promise<string> {
    const parts: PartRefs = { ...lease.current.parts };
    const { messageRef } = await poster.post(target.channel, digest, lease.current.key, {
      posted: { ...parts },
      accepted: async (index, ref) => {
        parts[index] = ref;
        await lease.write({ parts: { ...parts }, ...(index === 0 && { messageRef: ref }) });
      },
    });
    return messageRef;
  }

  return {
    clock,
    schedule: (subscription) => ({ pattern: subscription?.cron ?? config.cron, timezone: config.timezone }),
    isOpen: (delivery) => delivery === undefined || claimable(delivery, clock(), maxAttempts),
    inProgress: (delivery) =>
      delivery !== undefined && (delivery.state === 'claimed' || delivery.state === 'posting') && delivery.leaseUntil > clock().toISOString(),
    claim: (target) =>
      claimRow(target.key, channelKeyOf(target.channel.platform, target.channel.channelId), target.day, target.at.toISOString()),
    refresh,
    windowStart,
    build,

    async complete({ delivery: claimed, previous }, target, { notes, sendEmpty = config.sendEmpty }) {
      const poster = posters[target.channel.platform];
      if (!poster) throw new Error(`No digest poster for ${target.channel.platform}`);
      const lease = hold(claimed);
      try {
        let resumed = false;
        if (previous) {
          // An earlier holder may have posted parts it could not record: the platform knows.
          const found = await poster.findExisting(target.channel, claimed.key, { messageRef: claimed.messageRef });
          const parts = { ...found, ...claimed.parts };
          resumed = Object.keys(parts).length > 0;
          if (resumed) await lease.write({ parts, ...(parts[0] !== undefined && { messageRef: parts[0] }) });
          if (resumed && claimed.digest === undefined) {
            // Recorded by a Paperboy that kept no digest in the ledger: the top-level message is all we can vouch for.
            await lease.write({ state: 'posted', postedAt: previous.postedAt ?? clock().toISOString(), coveredUntil: previous.coveredUntil ?? clock().toISOString() });
            return 'recovered';
          }
        }
        let digest = claimed.digest;
        if (digest === undefined) {
          digest = await build(target, notes);
          const covered = { paperIds: digest.paperIds, coveredUntil: digest.until };
          if (digest.paperIds.length === 0 && !sendEmpty) {
            await lease.write({ ...covered, state: 'skipped-empty' });
            logger.info({ deliveryKey: claimed.key }, `digest: nothing new for ${claimed.key}; nothing posted`);
            return 'skipped-empty';
          }
          await lease.write({ ...covered, digest, state: 'posting', attempts: lease.current.attempts + 1 });
        } else {
          await lease.write({ state: 'posting', attempts: lease.current.attempts + 1 });
        }
        const messageRef = await postMissing(poster, lease, target, digest);
        try {
          // The digest is posted in full; the ledger need not keep its text any more.
          await lease.write({ state: 'posted', messageRef, postedAt: clock().toISOString(), error: undefined, digest: undefined });
        } catch (err) {
          // The row stays `posting` with every part recorded; whoever takes it over finds them all.
          logger.error({ err, deliveryKey: claimed.key }, `digest: ${claimed.key} was posted but could not be recorded`);
          return 'unrecorded';
        }
        logger.info({ deliveryKey: claimed.key, messageRef, papers: digest.paperIds.length }, `digest: posted ${claimed.key}`);
        return resumed ? 'recovered' : 'posted';
      } catch (err) {
        if (err instanceof LeaseLostError) {
          logger.warn({ deliveryKey: claimed.key }, `digest: ${err.message}; it finishes the delivery`);
          return 'lease-lost';
        }
        return fail(lease, target, err);
      } finally {
        lease.release();
      }
    },
  };
}
