import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PaperStore } from '../src/store/lance-store.ts';
import type { ChunkRow } from '../src/store/schema.ts';
import { isCurrentChunk } from '../src/store/chunk-versions.ts';
import { createAbbreviationMiner, minedText, saveAbbreviations, storedAbbreviations } from '../src/store/abbreviations.ts';
import { applyDocument, emptyTermStats } from '../src/store/term-stats.ts';
import { contentTerms } from '../src/text/tokenize.ts';
import { PAPER_EXTRA_KEYS, type Paper, type PaperInput } from '../src/types.ts';
import { chunkAbstract } from './chunk.ts';
import { lengthProblem } from './limits.ts';
import { contentHashOf } from '../src/paper-id.ts';
import { deadRuns, startRun } from './run-marker.ts';

export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Ids given different content by different records (or by a record older than the stored paper). */
  conflicts: number;
}

/** Two records claimed one id with different text; `kept` won by the rule in `resolveDuplicates`. */
export interface IdConflict {
  id: string;
  kept: { source: string; publishedAt?: string };
  dropped: { source: string; publishedAt?: string };
}

export interface IngestProgress {
  start(total: number): void;
  advance(by: number): void;
  stop(): void;
}

/** A record to ingest; `addedAt` is kept when given (a rebuild re-ingesting stored papers). */
export type IngestInput = PaperInput & { addedAt?: string };

const silentProgress: IngestProgress = { start() {}, advance() {}, stop() {} };
/**
 * Papers written per batch. Each batch's commits add a file to each table, and the keyed merges
 * and lookups of every later batch read all of them: with 256, a 100 MB JSON Lines file (73k
 * papers) left ~45 MB more resident by its end than at its start (none when the tables were
 * compacted every 40 batches); with 512 the peak fell from 409 to 342 MB, 1024 held bigger batches
 * (361-366 MB).
 */
const BATCH_SIZE = 512;
/**
 * Recounting races with other writers' commits. They stop moving the table once their last batch
 * is in, so a patient recount settles; if it never does, the run marker stays for the next run.
 */
const RECOUNT_ATTEMPTS = 30;

/** Text a paper is indexed under; the term statistics must be computed from exactly this. */
export function indexedTerms(p: { title: string; abstract: string }): string[] {
  return contentTerms(`${p.title} ${p.abstract}`);
}

/**
 * Recounts term statistics, and mines the abbreviations papers define, from one snapshot of the
 * papers table. Counting from the papers (rather than adjusting the previous counts) is what keeps
 * them exact across crashes and concurrent writers. Returns false when other writers kept moving the table.
 */
export async function recountTermStats(store: PaperStore): Promise<boolean> {
  for (let attempt = 0; attempt < RECOUNT_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(Math.min(1_000, 50 * attempt));
    const version = await store.papersVersion();
    const stats = emptyTermStats();
    const abbreviations = createAbbreviationMiner();
    for await (const batch of store.eachText()) {
      for (const p of batch) {
        applyDocument(stats, indexedTerms(p), 1);
        abbreviations.add(minedText(p));
      }
    }
    if ((await store.papersVersion()) !== version) continue;
    // Abbreviations first: statistics of this version say both are saved (a crash between leaves the run marker).
    await saveAbbreviations(store, abbreviations.definitions(), version);
    await store.saveTermStats({ ...stats, asOf: version });
    // A writer that committed meanwhile recounts after us; one that saved older counts after our save is caught here.
    if ((await store.papersVersion()) === version) return true;
  }
  return false;
}

/**
 * One record per id. Same text: the later record's metadata wins and the earlier fills its gaps.
 * Different text is a conflict: the newer `publishedAt` wins, else the later record (the last file).
 */
export function resolveDuplicates(inputs: IngestInput[], onConflict: (c: IdConflict) => void = () => {}): IngestInput[] {
  const byId = new Map<string, IngestInput>();
  for (const p of inputs) {
    const seen = byId.get(p.id);
    if (!seen) byId.set(p.id, p);
    else if (contentHashOf(seen.title, seen.abstract) === contentHashOf(p.title, p.abstract)) byId.set(p.id, withMetadata(seen, p));
    else {
      const [kept, dropped] = olderThan(p, seen) ? [seen, p] : [p, seen];
      onConflict(describeConflict(kept, dropped));
      byId.set(p.id, kept);
    }
  }
  return [...byId.values()];
}

function olderThan(a: { publishedAt?: string }, b: { publishedAt?: string }) {
  return a.publishedAt !== undefined && b.publishedAt !== undefined && a.publishedAt < b.publishedAt;
}

function describeConflict(kept: { id: string; source: string; publishedAt?: string }, dropped: { source: string; publishedAt?: string }): IdConflict {
  return { id: kept.id, kept: { source: kept.source, publishedAt: kept.publishedAt }, dropped: { source: dropped.source, publishedAt: dropped.publishedAt } };
}

/** `base` with every piece of metadata `update` knows (authors, url, dates, upvotes, source extras). */
function withMetadata<T extends IngestInput | Paper>(base: T, update: IngestInput): T {
  const known = Object.fromEntries(Object.entries(update).filter(([k, v]) => v !== undefined && k !== 'addedAt' && !(k === 'authors' && (v as string[]).length === 0)));
  return { ...base, ...known };
}

function metadataOf(p: IngestInput | Paper): string {
  return JSON.stringify([p.authors, p.url, p.publishedAt, p.upvotes, ...PAPER_EXTRA_KEYS.map((k) => p[k])]);
}

/** Chunks and embeds papers' texts. A chunk's id names the text it was cut from, so two texts of one paper never share a row. */
async function chunkRows(embedder: EmbeddingsInterface, papers: Paper[]): Promise<ChunkRow[]> {
  const pieces = papers.flatMap((p) => chunkAbstract(p.title, p.abstract).map((c) => ({ paperId: p.id, contentHash: p.contentHash, ...c })));
  const vectors = pieces.length > 0 ? await embedder.embedDocuments(pieces.map((c) => c.text)) : [];
  return pieces.map((c, j) => ({ id: `${c.paperId}#${c.contentHash.slice(0, 16)}#${c.ord}`, ...c, vector: vectors[j]! }));
}

const hashes = (papers: Paper[]) => new Map(papers.map((p) => [p.id, p.contentHash]));

/**
 * Makes the chunks of papers `ids` exactly those of each paper's stored text (the paper row is
 * the truth): chunks of another text (a crashed run's, or the losing writer's when two write one
 * paper at once) or of a paper never stored are deleted, and missing ones are written, from
 * `fresh` when cut from that text, else chunked and embedded from the store. Rounds repeat while
 * another writer changed one of the papers meanwhile; every writer reconciles after its own paper
 * commit, so whichever text is stored last ends with its chunks alone.
 */
async function reconcileChunks(store: PaperStore, embedder: EmbeddingsInterface, ids: string[], fresh: ChunkRow[] = []) {
  for (let todo = ids; todo.length > 0; ) {
    const stored = hashes(await store.getPapers(todo));
    const versions = await store.chunkVersions(todo);
    const current = isCurrentChunk(stored, versions);
    await store.deleteChunks(versions.filter((c) => !current(c)).map((c) => c.id));
    const chunked = new Set(versions.filter(current).map((c) => c.paperId));
    const missing = [...stored.keys()].filter((id) => !chunked.has(id));
    if (missing.length > 0) {
      const ready = fresh.filter((r) => !chunked.has(r.paperId) && stored.get(r.paperId) === r.contentHash);
      const readyIds = new Set(ready.map((r) => r.paperId));
      const rest = await store.getPapers(missing.filter((id) => !readyIds.has(id)));
      await store.upsertChunks(ready);
      for (let i = 0; i < rest.length; i += 256) await store.upsertChunks(await chunkRows(embedder, rest.slice(i, i + 256)));
    }
    const now = hashes(await store.getPapers(todo));
    todo = todo.filter((id) => now.get(id) !== stored.get(id));
  }
}

/** Chunks first, then the paper rows, then the reconcile: until it is done, the run marker names these papers for repair. */
async function writePapers(store: PaperStore, embedder: EmbeddingsInterface, rechunk: Paper[], metadataOnly: Paper[]) {
  const rows = await chunkRows(embedder, rechunk);
  await store.upsertChunks(rows);
  await store.upsertPapers([...rechunk, ...metadataOnly]);
  await reconcileChunks(store, embedder, rechunk.map((p) => p.id), rows);
}

/** Completes what interrupted runs left: the chunks of papers named by a dead run's marker are reconciled with their stored text. */
async function repairDeadRuns(store: PaperStore, embedder: EmbeddingsInterface, beforeRepair: () => Promise<void>): Promise<boolean> {
  const dead = await deadRuns(store);
  if (dead.length === 0) return false;
  await beforeRepair();
  const pending = [...new Set(dead.flatMap((d) => d.marker.pending))];
  for (let i = 0; i < pending.length; i += 256) await reconcileChunks(store, embedder, pending.slice(i, i + 256));
  for (const d of dead) await store.deleteMeta(d.key);
  return true;
}

/**
 * Indexes, statistics and abbreviations a store should have, missing e.g. after a run of an older
 * version crashed, or in a store ingested before abbreviations were stored.
 */
async function needsFinishing(store: PaperStore): Promise<boolean> {
  if ((await store.countPapers()) === 0) return false;
  const { asOf } = await store.termStats();
  return !(await store.indexesComplete()) || asOf === undefined || (await storedAbbreviations(store))?.asOf !== asOf;
}

/**
 * Idempotent ingest. Papers whose text and metadata are already stored are skipped; new and
 * changed texts are chunked, embedded in batches and upserted by id; metadata changes are
 * rewritten without re-embedding. A run marker names each batch before it is written, and goes
 * only after indexes and term statistics are final, so a crash at any point leaves a store that
 * serves, and the next run (or the next engine start) completes exactly.
 */
export async function ingestPapers(
  inputs: Iterable<IngestInput> | AsyncIterable<IngestInput>,
  {
    store,
    embedder,
    batchSize = BATCH_SIZE,
    progress = silentProgress,
    expected,
    now = () => new Date(),
    onConflict,
  }: {
    store: PaperStore;
    embedder: EmbeddingsInterface;
    batchSize?: number;
    progress?: IngestProgress;
    /** How many records a stream will give, for the progress bar. */
    expected?: number;
    now?: () => Date;
    onConflict?: (conflict: IdConflict) => void;
  },
): Promise<IngestCounts> {
  const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0, rejected: 0, conflicts: 0 };
  const conflict = (c: IdConflict) => {
    counts.conflicts++;
    onConflict?.(c);
  };
  // Texts this run already stored, by id: a later record with another text is a conflict, not an update.
  const written = new Set<string>();
  const run = startRun(store, now);
  progress.start(Array.isArray(inputs) ? inputs.length : (expected ?? 0));
  try {
    let wrote = await repairDeadRuns(store, embedder, () => run.mark([]));
    for await (const records of inBatches(inputs, batchSize)) {
      // Files are checked as they are parsed; this catches remote sources, under the same limits.
      const valid = records.filter((p) => lengthProblem(p.title, p.abstract) === undefined);
      counts.rejected += records.length - valid.length;
      const batch = resolveDuplicates(valid, conflict);
      const stored = new Map((await store.getPapers(batch.map((p) => p.id))).map((p) => [p.id, p]));
      const rechunk: Paper[] = [];
      const metadataOnly: Paper[] = [];
      for (const p of batch) {
        const hash = contentHashOf(p.title, p.abstract);
        const old = stored.get(p.id);
        if (!old) {
          counts.added++;
          rechunk.push({ ...p, contentHash: hash, addedAt: p.addedAt ?? now().toISOString() });
        } else if (old.contentHash !== hash) {
          // A record older than the stored text does not replace it.
          const loses = olderThan(p, old);
          if (loses || written.has(p.id)) conflict(loses ? describeConflict(old, p) : describeConflict(p, old));
          if (!loses) {
            counts.updated++;
            rechunk.push({ ...withMetadata(old, p), contentHash: hash });
          }
        } else {
          const merged = withMetadata(old, p);
          if (metadataOf(merged) === metadataOf(old)) counts.unchanged++;
          else {
            counts.updated++;
            metadataOnly.push(merged);
          }
        }
      }
      if (rechunk.length + metadataOnly.length > 0) {
        await run.mark(rechunk.map((p) => p.id));
        await writePapers(store, embedder, rechunk, metadataOnly);
        for (const p of rechunk) written.add(p.id);
        wrote = true;
      }
      progress.advance(records.length);
    }
    if (wrote || (await needsFinishing(store))) {
      await run.mark([]);
      await store.refreshIndexes();
      if (await recountTermStats(store)) await run.end();
    }
  } finally {
    run.release();
    progress.stop();
  }
  return counts;
}

async function* inBatches<T>(items: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Completes interrupted runs (and missing indexes or statistics) without ingesting anything. */
export async function completeInterruptedRuns(store: PaperStore, embedder: EmbeddingsInterface): Promise<void> {
  await ingestPapers([], { store, embedder });
}
