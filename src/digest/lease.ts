/**
 * Holding a ledger row's lease while work on it progresses: every recorded step renews it, and a
 * heartbeat renews it during long steps (building the digest, a slow platform call), so the lease
 * can be short — a crashed holder frees its channel within one lease — without a live holder
 * ever being overtaken.
 */
import type { Logger } from '../logger.ts';
import type { Delivery } from './types.ts';

/** The lease was taken over by another process: stop without touching the platform again. */
export class LeaseLostError extends Error {
  constructor(key: string) {
    super(`lost the lease on ${key} to another process`);
  }
}

export interface HeldLease {
  /** The row as last recorded. */
  readonly current: Delivery;
  /**
   * Records `patch` on the row and renews the lease (unless the patch sets `leaseUntil` itself).
   * Writes are serialised; throws LeaseLostError when another process holds the row now.
   */
  write(patch: Partial<Delivery>): Promise<Delivery>;
  /** Stops the heartbeat. */
  release(): void;
}

export interface HoldLeaseDeps {
  /** The conditional write (`DigestStore.advance`): false when the lease was lost. */
  record: (next: Delivery) => Promise<boolean>;
  clock: () => Date;
  leaseMs: number;
  logger: Logger;
}

/**
 * @example
 * const lease = holdLease(claim.delivery, { record, clock, leaseMs: 45_000, logger });
 * try { await lease.write({ state: 'posting' }); … } finally { lease.release(); }
 */
export function holdLease(initial: Delivery, { record, clock, leaseMs, logger }: HoldLeaseDeps): HeldLease {
  let current = initial;
  let lost = false;
  let queue: Promise<unknown> = Promise.resolve();

  const write = (patch: Partial<Delivery>): Promise<Delivery> => {
    const step = queue.then(async () => {
      if (lost) throw new LeaseLostError(initial.key);
      const now = clock();
      const next: Delivery = { ...current, leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), ...patch, updatedAt: now.toISOString() };
      if (!(await record(next))) {
        lost = true;
        throw new LeaseLostError(initial.key);
      }
      current = next;
      return next;
    });
    queue = step.catch(() => undefined);
    return step;
  };

  // A third of the lease: two renewals can fail (a slow disk) before the lease runs out.
  const heartbeat = setInterval(() => {
    write({}).catch((err: unknown) => {
      if (!(err instanceof LeaseLostError)) logger.warn({ err, key: initial.key }, 'digest: could not renew a lease; trying again shortly');
    });
  }, leaseMs / 3);
  heartbeat.unref();

  return {
    get current() {
      return current;
    },
    write,
    release: () => clearInterval(heartbeat),
  };
}
