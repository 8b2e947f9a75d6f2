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

/** What a clean-up uses of a table (LanceDB's `Table`). */
export interface VersionedTable {
  listVersions(): Promise<{ timestamp: Date }[]>;
  optimize(options: { cleanupOlderThan: Date }): Promise<unknown>;
}

/** A cut-off before every version: the clean-up then deletes none. */
const DELETE_NONE = new Date(0);

/**
 * Compacts a table and deletes only the versions `replacedBefore` allows. Every optimize() goes
 * through here: LanceDB's default clean-up (versions created over 7 days ago) would delete a
 * version that was current for a week and replaced a moment ago, under a reader that holds it.
 *
 * @example
 * await optimizeKeepingReplaced(table); // the wall clock, KEEP_REPLACED
 */
export async function optimizeKeepingReplaced(table: VersionedTable, { now = Date.now(), retention = KEEP_REPLACED }: { now?: number; retention?: VersionRetention } = {}): Promise<void> {
  await table.optimize({ cleanupOlderThan: replacedBefore(await table.listVersions(), now, retention) ?? DELETE_NONE });
}

/**
 * The `cleanupOlderThan` that deletes only versions replaced more than `keepMs` before `now`: the
 * versions older than the newest one that was already current then (undefined: none to delete).
 * Lance's own rule (by a version's age, not by when it was replaced) would delete a long-current
 * version the moment a new one lands, under a reader that has just started on it. LanceDB stamps
 * versions with the wall clock, so `now` must be the wall clock too.
 *
 * @example
 * const cutoff = replacedBefore(await table.listVersions(), Date.now()); // undefined: delete none
 */
export function replacedBefore(versions: { timestamp: Date }[], now: number, { keepMs, slackMs }: VersionRetention = KEEP_REPLACED): Date | undefined {
  const horizon = now - keepMs;
  let anchor = Number.NEGATIVE_INFINITY;
  for (const v of versions) if (v.timestamp.getTime() <= horizon) anchor = Math.max(anchor, v.timestamp.getTime());
  return Number.isFinite(anchor) ? new Date(anchor - slackMs) : undefined;
}
