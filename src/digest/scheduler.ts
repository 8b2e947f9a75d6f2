/**
 * Runs digests on schedule. Time is injected: `tick(now)` does whatever is due at `now`, so tests
 * drive it directly and `start()` merely calls it on a timer.
 *
 * At each tick, every active subscription owes at most one delivery: its latest cron occurrence
 * after it subscribed, keyed by that occurrence's day. After downtime that is one catch-up digest
 * (the latest missed day, covering everything since the last one), never one per missed day.
 */
import type { VersionRetention } from '../store/version-retention.ts';
import { channelKeyOf } from './digest-store.ts';
import { createDelivering, type Delivering, type DeliveryOutcome, type DeliveryTarget, type DigestDeps } from './delivery.ts';
import { latestOccurrence, localDay } from './schedule.ts';
import type { Subscription } from './types.ts';

export interface TickReport {
  /** Deliveries this process claimed, and how each ended. */
  deliveries: { key: string; outcome: DeliveryOutcome }[];
  /** Gaps noted in this tick's digests (sources that could not be reached). */
  notes: string[];
}

export interface DigestScheduler {
  /** Does the work due at `now` (default: the injected clock); `now` then stands for the clock during the tick. */
  tick(now?: Date): Promise<TickReport>;
  /** Ticks now (the start-up catch-up) and then every `pollMs`. */
  start(): void;
  /** Stops the timer and waits for a running tick. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** How often `start()` looks for due digests. */
  pollMs?: number;
  /** Least time between compactions of the digest tables (after a tick that delivered something); Infinity: never. */
  compactEveryMs?: number;
  /** Which replaced table versions a compaction deletes (default: those replaced over an hour ago). */
  retention?: VersionRetention;
}

/**
 * @example
 * const scheduler = createDigestScheduler({ engine, store, embedder, digestStore, posters, config: config.digest, fetchSource, ingestPapers, logger });
 * scheduler.start();
 */
export function createDigestScheduler(
  deps: DigestDeps,
  { pollMs = 30_000, compactEveryMs = 6 * 3_600_000, retention }: SchedulerOptions = {},
): DigestScheduler {
  const defaults = createDelivering(deps);
  const { digestStore, posters, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickReport> | undefined;
  let compactedAt = -Infinity;

  /** Every ledger write adds a table version: drop the old ones now and then. */
  async function housekeeping(now: Date): Promise<void> {
    if (!Number.isFinite(compactEveryMs) || now.getTime() - compactedAt < compactEveryMs) return;
    compactedAt = now.getTime();
    try {
      await digestStore.compact(retention);
    } catch (err) {
      logger.warn({ err }, 'digest: compacting the digest tables failed; trying again later');
    }
  }

  function dueTarget(subscription: Subscription, now: Date): DeliveryTarget | undefined {
    const schedule = defaults.schedule(subscription);
    const at = latestOccurrence(schedule, new Date(subscription.createdAt), now);
    if (at === undefined) return undefined;
    const day = localDay(at, schedule.timezone);
    return {
      channel: { platform: subscription.platform, channelId: subscription.channelId },
      key: `${channelKeyOf(subscription.platform, subscription.channelId)}|${day}`,
      day,
      at,
      topics: subscription.topics,
      schedule,
      subscription,
    };
  }

  async function tick(now?: Date): Promise<TickReport> {
    // An explicit `now` pins the clock for the whole tick: leases and timestamps agree with it.
    const run = now === undefined ? defaults : createDelivering({ ...deps, clock: () => now });
    return tickWith(run, run.clock());
  }

  async function tickWith(delivering: Delivering, now: Date): Promise<TickReport> {
    // Only platforms running in this process; the others' channels wait for theirs.
    const subscriptions = (await digestStore.activeSubscriptions()).filter((s) => posters[s.platform] !== undefined);
    const targets = subscriptions.flatMap((s) => dueTarget(s, now) ?? []);
    const known = await digestStore.getDeliveries(targets.map((t) => t.key));
    const open = targets.filter((t) => delivering.isOpen(known.get(t.key)));
    if (open.length === 0) return { deliveries: [], notes: [] };
    // Catch-up: fetch back to where the earliest owed digest starts.
    const since = new Date(Math.min(...(await Promise.all(open.map((t) => delivering.windowStart(t)))).map((d) => d.getTime())));
    const notes = await delivering.refresh(since);
    const deliveries: TickReport['deliveries'] = [];
    // Claimed one at a time, right before delivering: no channel's lease waits on another's work.
    for (const target of open) {
      const claim = await delivering.claim(target);
      if (claim) deliveries.push({ key: target.key, outcome: await delivering.complete(claim, target, { notes }) });
    }
    if (deliveries.length > 0) await housekeeping(now);
    return { deliveries, notes };
  }

  const guardedTick = () => {
    if (running) return;
    running = tick()
      .catch((err: unknown) => {
        logger.error({ err }, 'digest: scheduled run failed; retrying at the next tick');
        return { deliveries: [], notes: [] };
      })
      .finally(() => {
        running = undefined;
      });
  };

  return {
    tick,
    start() {
      if (timer) return;
      guardedTick();
      timer = setInterval(guardedTick, pollMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
