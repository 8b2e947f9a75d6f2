import { setTimeout as sleep } from 'node:timers/promises';

/** Lance's message for a write that lost an optimistic-concurrency race (another writer committed first). */
const CONFLICT = /commit conflict|retryable/i;

/**
 * Runs a table write, retrying it with jittered exponential backoff while another writer's
 * commit conflicts with it. Every write we retry is an idempotent upsert or delete, so a retry
 * after a commit that did land changes nothing.
 */
export async function retryConflicts<T>(write: () => Promise<T>, { attempts = 8, baseMs = 50 }: { attempts?: number; baseMs?: number } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (e) {
      if (attempt >= attempts || !CONFLICT.test((e as Error).message)) throw e;
      await sleep(baseMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}
