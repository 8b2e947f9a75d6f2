import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PaperStore } from '../src/store/lance-store.ts';

/**
 * An ingest run announces itself in the store's meta table before its first write and removes
 * the marker only after indexes and term statistics are final. A marker whose writer is gone is
 * an interrupted run: the next run repairs the papers it names and finishes the indexes.
 */
export interface RunMarker {
  host: string;
  pid: number;
  startedAt: string;
  heartbeatAt: string;
  /** Papers whose chunks may not match their paper row yet (the batch in flight, until reconciled). */
  pending: string[];
}

const PREFIX = 'run:';
/** A writer on another host that has not written for this long is taken for dead. */
const REMOTE_STALE_MS = 15 * 60_000;
/** Runs of this process still in progress (a marker of ours not in here was left by a failed run). */
const activeRuns = new Set<string>();

export interface Run {
  /** Writes the marker (first call) naming the papers about to be written. */
  mark(pending: string[]): Promise<void>;
  /** Removes the marker: the store is complete. */
  end(): Promise<void>;
  /** Forgets the run in this process; a marker left behind is then repaired by the next run. */
  release(): void;
}

export function startRun(store: PaperStore, now = () => new Date()): Run {
  const key = `${PREFIX}${hostname()}:${process.pid}:${randomUUID()}`;
  const startedAt = now().toISOString();
  let written = false;
  activeRuns.add(key);
  return {
    async mark(pending) {
      const marker: RunMarker = { host: hostname(), pid: process.pid, startedAt, heartbeatAt: now().toISOString(), pending };
      await store.setMeta(key, JSON.stringify(marker));
      written = true;
    },
    async end() {
      if (written) await store.deleteMeta(key);
      written = false;
    },
    release: () => void activeRuns.delete(key),
  };
}

/** Markers of runs whose writer is gone (killed, crashed, or failed in this process). */
export async function deadRuns(store: PaperStore, now = () => new Date()): Promise<{ key: string; marker: RunMarker }[]> {
  return (await readRuns(store, now)).filter((r) => !r.alive);
}

async function readRuns(store: PaperStore, now: () => Date) {
  return [...(await store.listMeta(PREFIX))].map(([key, json]) => {
    const marker = JSON.parse(json) as RunMarker;
    return { key, marker, alive: isAlive(key, marker, now()) };
  });
}

function isAlive(key: string, m: RunMarker, now: Date): boolean {
  if (m.host !== hostname()) return now.getTime() - Date.parse(m.heartbeatAt) < REMOTE_STALE_MS;
  if (m.pid === process.pid) return activeRuns.has(key);
  try {
    process.kill(m.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
