/**
 * Cron arithmetic on top of croner: validating a pattern, the next run, and the latest occurrence
 * inside a window (what a scheduler that was down owes: one catch-up, not one per missed day).
 */
import { Cron } from 'croner';
import { DigestRequestError } from './errors.ts';

export interface CronSchedule {
  pattern: string;
  timezone: string;
}

/** Throws DigestRequestError with croner's reason when the pattern does not parse. */
export function parseCron({ pattern, timezone }: CronSchedule): Cron {
  try {
    // paused: this object only computes dates; it never schedules a callback.
    return new Cron(pattern, { timezone, paused: true });
  } catch (err) {
    throw new DigestRequestError('bad-cron', `"${pattern}" is not a cron schedule (${(err as Error).message}); e.g. "0 9 * * 1-5" for weekdays at 09:00.`);
  }
}

/** The first occurrence strictly after `after`. */
export function nextOccurrence(schedule: CronSchedule, after: Date): Date | undefined {
  return parseCron(schedule).nextRun(after) ?? undefined;
}

/**
 * The latest occurrence in (after, upTo], or undefined. Searches backwards from `upTo` in growing
 * windows, so a minutely pattern after a month of downtime costs no more than a daily one.
 */
export function latestOccurrence(schedule: CronSchedule, after: Date, upTo: Date): Date | undefined {
  const cron = parseCron(schedule);
  let spanMs = 36 * 3_600_000;
  for (;;) {
    const from = new Date(Math.max(after.getTime(), upTo.getTime() - spanMs));
    let latest: Date | undefined;
    for (let t = cron.nextRun(from); t !== null && t.getTime() <= upTo.getTime(); t = cron.nextRun(t)) latest = t;
    if (latest !== undefined || from.getTime() <= after.getTime()) return latest;
    spanMs *= 4;
  }
}

/** The occurrence before `at` (for a channel's first digest: papers since the previous run). */
export function previousOccurrence(schedule: CronSchedule, at: Date, lookbackMs = 400 * 86_400_000): Date | undefined {
  return latestOccurrence(schedule, new Date(at.getTime() - lookbackMs), new Date(at.getTime() - 1));
}

/** `YYYY-MM-DD` of `at` in `timezone`. */
export function localDay(at: Date, timezone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** "27 Nov" in `timezone`. */
export function shortDate(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, day: 'numeric', month: 'short' }).format(at);
}
