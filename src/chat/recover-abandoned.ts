import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { QuestionClaims } from '../store/question-claims.ts';
import { messages } from './messages.ts';
import type { ChatPlatform } from './transport.ts';

export interface RecoverAbandonedOptions {
  claims: QuestionClaims;
  platform: ChatPlatform;
  /**
   * Replaces a dead attempt's placeholder with `text`; `key` is the question's key
   * (`platform:workspace:channel:event`). Resolves false when the platform cannot edit it.
   */
  replacePlaceholder(key: string, placeholderRef: string, text: string): Promise<boolean>;
  logger: Logger;
  leaseMs: number;
  /**
   * How long after its lease ran out a question is left to a redelivery (which finishes the
   * answer instead of apologising): the platform's retry window.
   */
  graceMs: number;
  now?: () => Date;
}

/**
 * A process killed mid-answer leaves its placeholder ("Looking through…") behind, and the
 * platform may never redeliver the question (it was acknowledged). This finds such questions in
 * the ledger once their lease is over and no redelivery came within `graceMs`, takes each over
 * like a redelivery would, and replaces the placeholder with a note asking to try again.
 */
export async function recoverAbandoned({ claims, platform, replacePlaceholder, logger, leaseMs, graceMs, now = () => new Date() }: RecoverAbandonedOptions): Promise<number> {
  let recovered = 0;
  for (const abandoned of await claims.abandoned(`${platform}:`, new Date(now().getTime() - graceMs))) {
    const owner = `recovery:${randomUUID()}`;
    const taken = await claims.claim({ key: abandoned.key, owner, now: now(), leaseMs });
    if (!taken) continue;
    const placeholderRef = taken.previous?.placeholderRef;
    const replaced = placeholderRef !== undefined && (await replacePlaceholder(abandoned.key, placeholderRef, messages.interrupted).catch((err: unknown) => {
      logger.warn({ err, question: abandoned.key }, 'could not replace an abandoned placeholder');
      return false;
    }));
    const at = now();
    await claims.update({ key: abandoned.key, state: 'failed', leaseOwner: owner, leaseUntil: at.toISOString(), updatedAt: at.toISOString(), ...(placeholderRef !== undefined && { placeholderRef }) });
    if (replaced) recovered += 1;
  }
  if (recovered > 0) logger.warn({ platform, recovered }, 'replaced placeholders of answers interrupted by a crash');
  return recovered;
}

/** How often a running bot looks for such questions again. */
const SWEEP_INTERVAL_MS = 60_000;

export interface RecoverySweep {
  /** Stops sweeping and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Sweeps now and then every minute while the bot runs, one sweep at a time; failures are logged,
 * never thrown (a sweep is housekeeping, not a reason to stop answering).
 */
export function startRecoverySweep(options: RecoverAbandonedOptions, intervalMs = SWEEP_INTERVAL_MS): RecoverySweep {
  const sweep = () => recoverAbandoned(options).catch((err: unknown) => options.logger.warn({ err }, 'could not look for answers interrupted by a crash'));
  let sweeping: Promise<unknown> = sweep();
  const timer = setInterval(() => (sweeping = sweeping.then(sweep)), intervalMs).unref();
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
