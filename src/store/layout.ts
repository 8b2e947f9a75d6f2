import type * as lancedb from '@lancedb/lancedb';
import { retryConflicts } from './commit-retry.ts';
import { CHUNKS, PAPERS } from './schema.ts';

export interface EmbedderIdentity {
  name: string;
  dimensions: number;
}

/**
 * Which tables hold the live papers and chunks, and the embedder they were built with. A rebuild
 * fills new tables and then swaps this one meta row, so readers move from the old generation to
 * the new one in a single commit.
 */
export interface StoreLayout {
  papers: string;
  chunks: string;
  /** Prefix of this generation's meta keys (term statistics, run markers). */
  prefix: string;
  embedder: EmbedderIdentity;
}

const LAYOUT_KEY = 'layout';

/** Stores written before generations existed keep their table names and unprefixed keys. */
export function firstLayout(embedder: EmbedderIdentity): StoreLayout {
  return { papers: PAPERS, chunks: CHUNKS, prefix: '', embedder };
}

/** A fresh generation's table names, unique per rebuild. */
export function nextLayout(embedder: EmbedderIdentity, stamp = Date.now().toString(36)): StoreLayout {
  return { papers: `${PAPERS}_${stamp}`, chunks: `${CHUNKS}_${stamp}`, prefix: `${stamp}:`, embedder };
}

export async function readMetaValue(meta: lancedb.Table, key: string): Promise<string | undefined> {
  const rows = await meta.query().where(`key = ${sqlString(key)}`).limit(1).toArray();
  return rows[0]?.value as string | undefined;
}

/**
 * Upserts one meta row. The index is bypassed on purpose: only the full-scan merge makes two
 * concurrent inserts of one new key conflict (measured on 0.31: with the B-tree path both land).
 */
export async function writeMetaValue(meta: lancedb.Table, key: string, value: string): Promise<void> {
  await retryConflicts(() => meta.mergeInsert('key').useIndex(false).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([{ key, value }]));
}

/** The live layout, or undefined for a store nothing was written to yet. */
export async function readLayout(meta: lancedb.Table): Promise<StoreLayout | undefined> {
  const json = await readMetaValue(meta, LAYOUT_KEY);
  if (json) return JSON.parse(json) as StoreLayout;
  const legacy = await readMetaValue(meta, 'embedder');
  return legacy ? firstLayout(JSON.parse(legacy) as EmbedderIdentity) : undefined;
}

export async function writeLayout(meta: lancedb.Table, layout: StoreLayout): Promise<void> {
  await writeMetaValue(meta, LAYOUT_KEY, JSON.stringify(layout));
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
