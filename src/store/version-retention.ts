/**
 * Which replaced table versions a clean-up may delete. Every write to a LanceDB table adds a
 * version; a reader that has just started on one must still find its files when a newer one lands.
 */

export interface VersionRetention {
  /** A version replaced less than this long ago stays (a read still under way may use it). */
  keepMs: number;
  /**
   * LanceDB turns the cut-off into an age that its native side subtracts from its own clock after
   * the call's compaction and index merge (a no-op here unless another writer just added rows):
   * the cut-off is moved this much earlier so that delay cannot reach a kept version.
   */
  slackMs: number;
}

/**
 * Every read of the paper store and the digest ledger asks for the latest version first (read
 * consistency 0), so an old version is read only by a read already under way when it was
 * replaced: a question (under a second), a scan of one snapshot (term statistics, the in-memory
 * index of a small store), or another writer's index build, which reads one version for minutes
 * at 100k papers; a concurrent writer also commits against the version it read. An hour covers
 * them with a wide margin; what one run replaces is deleted by a later run (or digest refresh).
 */
export const KEEP_REPLACED: VersionRetention = { keepMs: 60 * 60_000, slackMs: 60_000 };

/**
 * The `cleanupOlderThan` that deletes only versions replaced more than `keepMs` before `now`: the
 * versions older than the newest one that was already current then (undefined: none to delete).
 * Lance's own rule (by a version's age, not by when it was replaced) would delete a long-current
 * version the moment a new one lands, under a reader that has just started on it. LanceDB stamps
 * versions with the wall clock, so `now` must be the wall clock too.
 *
 * @example
 * const cutoff = replacedBefore(await table.listVersions(), Date.now());
 * await table.optimize(cutoff ? { cleanupOlderThan: cutoff } : {});
 */
export function replacedBefore(versions: { timestamp: Date }[], now: number, { keepMs, slackMs }: VersionRetention = KEEP_REPLACED): Date | undefined {
  const horizon = now - keepMs;
  let anchor = Number.NEGATIVE_INFINITY;
  for (const v of versions) if (v.timestamp.getTime() <= horizon) anchor = Math.max(anchor, v.timestamp.getTime());
  return Number.isFinite(anchor) ? new Date(anchor - slackMs) : undefined;
}
