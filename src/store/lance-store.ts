import * as lancedb from '@lancedb/lancedb';
import type { RecordBatch } from 'apache-arrow';
import { availableParallelism } from 'node:os';
import { StoreError } from '../errors.ts';
import { PAPER_EXTRA_KEYS, type Paper, type PaperExtras } from '../types.ts';
import { retryConflicts } from './commit-retry.ts';
import { firstLayout, nextLayout, readLayout, readMetaValue, sqlString, writeLayout, writeMetaValue, type EmbedderIdentity, type StoreLayout } from './layout.ts';
import { storageError } from './storage-errors.ts';
import { META, chunksSchema, metaSchema, papersSchema, type ChunkRow, type PaperRow } from './schema.ts';
import { ABBREVIATIONS_KEY } from './abbreviations.ts';
import { emptyTermStats, parseTermStats, serializeTermStats, type TermStats } from './term-stats.ts';
import { isCurrentChunk, type ChunkVersion } from './chunk-versions.ts';
import { openOrCreateTable } from './open-table.ts';
import { optimizeKeepingReplaced } from './version-retention.ts';

export type { EmbedderIdentity } from './layout.ts';
export { sqlString } from './layout.ts';

export interface StoreOptions {
  /** Local path, `s3://bucket/prefix`, `gs://…`, or `db://name` for LanceDB Cloud. */
  uri: string;
  apiKey?: string;
  region?: string;
  embedder: EmbedderIdentity;
}

export interface ChunkHit {
  paperId: string;
  ord: number;
  text: string;
  /** Cosine similarity (1 - cosine distance). */
  similarity: number;
}

/** What retrieval reads of a chunk hit: its paper and similarity (not its text, which a search therefore does not fetch). */
export type ChunkMatch = Omit<ChunkHit, 'text'>;

export interface PaperHit {
  paper: Paper;
  /** LanceDB's BM25 score. */
  score: number;
}

/** What the invariant checks (tests, the crash-torture command) look at. */
export interface StoreAudit {
  papers: number;
  duplicatePapers: number;
  chunks: number;
  duplicateChunks: number;
  /** Chunks whose paper is not stored. */
  orphanChunks: number;
  /** Chunks cut from another text than their paper's stored one (e.g. the losing writer's of two). */
  staleChunks: number;
  /** Papers with no chunk of their stored text. */
  papersWithoutChunks: number;
  /** Indexed columns, `table.column`. */
  indexes: string[];
}

/** Chunk count above which a vector index beats a flat scan (below it LanceDB's flat search is exact and fast). */
const VECTOR_INDEX_MIN_ROWS = 20_000;
/**
 * IVF partitions searched per query (of ~rows/4096), and how many times `k` candidates are then
 * re-ranked by exact distance; the same for IVF-RQ (new stores) and IVF-PQ (stores indexed before).
 * Measured with IVF-PQ on 285k chunks (100k synthetic papers, 20 questions): 32 probes and refine 5
 * find 86% of the exact top 40 in ~40 ms, where IVF-flat with 8 probes found 72% in ~270 ms and held
 * ~250 MB more; on our own 308 questions 68% (refine 10: 78%, +4 ms; 48 or 64 probes: 70%): the
 * codes, not the probes, bound it. IVF-RQ with the same settings, own questions: 80% at 52k chunks,
 * 74% at 207k. Retrieval's top 10 still finds a relevant paper as often as the exhaustive path
 * does (tools/rank-agreement.ts). Without an index (small stores) the search is exact anyway.
 */
const VECTOR_PROBES = 32;
const VECTOR_REFINE = 5;
/** Stores indexed by earlier versions have IVF-flat (exact within a partition, 8x the reads a probe): fewer probes, no re-ranking. */
const IVF_FLAT_PROBES = 8;
const FTS_OPTIONS = { stem: true, removeStopWords: true, language: 'English', asciiFolding: true, withPosition: false };
const TERM_STATS = 'term_stats';
/**
 * Rows a vector-index build sorts into partitions at a time before writing them out; Lance's
 * default held most of the vectors at once (a 207k-chunk build peaked at 580 MB, 280 MB with this).
 */
const SHUFFLE_BATCH_BYTES = String(8 * 2 ** 20);
/**
 * Papers kept in memory between questions (~1 MB), as many as retrieval keeps analyses of (its
 * memo is keyed by these objects). With 5,000 the same 100k measurement peaked 17 MB higher.
 */
const PAPER_CACHE_MAX = 500;

export interface PaperStore {
  readonly embedder: EmbedderIdentity;
  countPapers(): Promise<number>;
  getPapers(ids: string[]): Promise<Paper[]>;
  /** Every paper's id and title (for title lookup and autocomplete); reread when another process changed the papers. */
  listTitles(): Promise<{ id: string; title: string; url?: string }[]>;
  /** Title and abstract of every paper. */
  allTexts(): Promise<{ id: string; title: string; abstract: string }[]>;
  /** The same, streamed in Arrow batches from one snapshot (memory bounded by a batch, for recounting statistics). */
  eachText(): AsyncIterable<{ id: string; title: string; abstract: string }[]>;
  /** Every stored paper. */
  allPapers(): Promise<Paper[]>;
  /** The same, streamed in Arrow batches from one snapshot (a rebuild re-embeds a store of any size in bounded memory). */
  eachPaper(): AsyncIterable<Paper>;
  /** Papers added at or after `sinceIso`, newest first. */
  papersAddedSince(sinceIso: string, limit?: number): Promise<Paper[]>;
  /**
   * Keyed upsert of chunk rows. Chunk ids name the text they were cut from, so chunks of another
   * text of the same paper stay until deleted (see `chunkVersions`); writing the same rows again
   * after a crash changes nothing.
   */
  upsertChunks(rows: ChunkRow[]): Promise<void>;
  upsertPapers(papers: Paper[]): Promise<void>;
  /** Id, paper and text hash of every chunk of these papers. */
  chunkVersions(paperIds: string[]): Promise<(ChunkVersion & { id: string })[]>;
  deleteChunks(ids: string[]): Promise<void>;
  searchPapersText(query: string, k: number, paperIds?: string[]): Promise<PaperHit[]>;
  searchChunksVector(vector: number[], k: number, paperIds?: string[]): Promise<ChunkMatch[]>;
  chunksOf(paperIds: string[]): Promise<(ChunkHit & { vector: Float32Array })[]>;
  /** Every chunk, streamed in Arrow batches from one snapshot, each batch's vectors packed in one array (row after row). */
  eachChunkBatch(): AsyncIterable<{ chunks: { paperId: string; ord: number; text: string }[]; vectors: Float32Array }>;
  /** The stored statistics; reread when another process saved newer ones. */
  termStats(): Promise<TermStats>;
  saveTermStats(stats: TermStats): Promise<void>;
  /** Version of the papers table: changes with every commit to it. */
  papersVersion(): Promise<number>;
  /** Changes with every commit to the papers or the chunks and when a rebuild swaps the tables (for caches of their content). */
  contentVersion(): Promise<string>;
  countChunks(): Promise<number>;
  /**
   * Compacts small files, folds new rows into existing indexes, builds missing indexes, and deletes
   * table versions replaced more than an hour before `now` (see KEEP_REPLACED in version-retention.ts).
   */
  refreshIndexes(now?: number): Promise<void>;
  /** True when every index `refreshIndexes` would build exists. */
  indexesComplete(): Promise<boolean>;
  audit(): Promise<StoreAudit>;
  /** Meta values of this table generation (keys are scoped to it). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  deleteMeta(key: string): Promise<void>;
  /** Keys (without the generation scope) and values whose key starts with `prefix`. */
  listMeta(prefix: string): Promise<Map<string, string>>;
  /** Bytes LanceDB holds in its caches for this connection (bounded by INDEX_CACHE_BYTES + METADATA_CACHE_BYTES; 0 on LanceDB Cloud). */
  cacheBytes(): number;
  /** The underlying connection, for stores of other modules (e.g. digest state) in the same database. */
  readonly connection: lancedb.Connection;
  close(): void;
}

/**
 * Opens (creating when absent) the LanceDB database behind one URI. Refuses a database built by
 * another embedder, with the command that rebuilds it.
 */
export async function openStore({ uri, apiKey, region, embedder }: StoreOptions): Promise<PaperStore> {
  const { db, meta, caches } = await connectMeta({ uri, apiKey, region });
  let layout = await readLayout(meta);
  if (!layout) {
    layout = firstLayout(embedder);
    await writeLayout(meta, layout);
  }
  if (!sameEmbedder(layout.embedder, embedder)) {
    meta.close();
    db.close();
    throw mismatch(uri, layout.embedder, embedder);
  }
  return bindStore(db, meta, layout, { uri, caches, follow: true, ownsConnection: true });
}

/**
 * For `ingest --rebuild`: the live generation (whatever embedder built it; undefined for an empty
 * database), a new generation to fill, and `swap` to make the new one live in one commit and drop
 * the old. Until `swap`, readers keep using the old generation; tables of an earlier rebuild that
 * never swapped are dropped first.
 */
export async function openRebuild({
  uri,
  apiKey,
  region,
  embedder,
}: StoreOptions): Promise<{ source?: PaperStore; target: PaperStore; swap(): Promise<void>; close(): void }> {
  const { db, meta, caches } = await connectMeta({ uri, apiKey, region });
  const live = await readLayout(meta);
  const liveTables = new Set(live ? [live.papers, live.chunks] : []);
  for (const name of await db.tableNames()) {
    if (name !== META && !liveTables.has(name) && /^(papers|chunks)(_|$)/.test(name)) await db.dropTable(name);
  }
  const layout = nextLayout(embedder);
  const source = live && (await bindStore(db, meta, live, { uri, caches, follow: false, ownsConnection: false }));
  const target = await bindStore(db, meta, layout, { uri, caches, follow: false, ownsConnection: false });
  return {
    source,
    target,
    async swap() {
      await writeLayout(meta, layout);
      if (!live) return;
      // The old generation is unreachable now; a crash before these drops leaves only dead tables.
      await db.dropTable(live.papers);
      await db.dropTable(live.chunks);
      const keys = await meta.query().select(['key']).toArray();
      const stale = keys.map((r) => r.key as string).filter((k) => (live.prefix ? k.startsWith(live.prefix) : k === TERM_STATS || k === ABBREVIATIONS_KEY || k === 'embedder' || k.startsWith('run:')));
      for (const batch of batches(stale, 200)) await retryConflicts(() => meta.delete(`key IN (${batch.map(sqlString).join(', ')})`));
    },
    close() {
      source?.close();
      target.close();
      meta.close();
      db.close();
    },
  };
}

async function connectMeta({ uri, apiKey, region }: Omit<StoreOptions, 'embedder'>) {
  configureLanceThreads();
  try {
    // Read consistency 0: every read sees what other processes (a second bot, the digest
    // scheduler, a CLI ingest) committed, at the cost of one version check per query.
    // The session goes in the options: given as connect's third argument beside options, LanceDB
    // 0.31 drops it silently and keeps its 6 GB / 1 GB defaults.
    const caches = apiKey ? undefined : boundedCaches();
    const db = await lancedb.connect(uri, caches ? { readConsistencyInterval: 0, session: caches } : { apiKey, region });
    // Object storage is first touched here: its mistakes surface now, named as settings.
    const meta = await openOrCreateTable(db, META, metaSchema);
    return { db, meta, caches };
  } catch (e) {
    throw storageError(uri, e);
  }
}

/**
 * Lance sizes its compute pool from the CPU count; on a 2-core machine full-text index builds
 * and merges of ~100k rows then stall for good (measured: FTS over 100k papers never finished,
 * and finished in 8 s with 4 threads). The native side reads it (and SHUFFLE_BATCH_BYTES) at
 * its first use, so both are set here, before connecting; an operator's own values win.
 */
function configureLanceThreads() {
  if (process.env.LANCE_CPU_THREADS === undefined) process.env.LANCE_CPU_THREADS = String(Math.max(4, availableParallelism()));
  if (process.env.LANCE_SHUFFLE_BATCH_BYTES === undefined) process.env.LANCE_SHUFFLE_BATCH_BYTES = SHUFFLE_BATCH_BYTES;
}

/**
 * LanceDB keeps the index parts and file metadata it has read in memory, by default up to 6 GB
 * and 1 GB: a long-running bot over a large store would grow towards that as questions touch
 * more of the vector index. Bounded here; what falls out is read again (from the OS page cache
 * on local disk).
 */
export const INDEX_CACHE_BYTES = 128n * 2n ** 20n;
/**
 * Also: an ingest commits hundreds of versions and the cache kept the metadata of each (an ingest
 * of 73k papers grew by 64 MB with 64 MB here, and stayed flat with 8-16 MB at the same speed).
 */
export const METADATA_CACHE_BYTES = 16n * 2n ** 20n;

function boundedCaches(): lancedb.Session {
  return new lancedb.Session(INDEX_CACHE_BYTES, METADATA_CACHE_BYTES);
}

function sameEmbedder(a: EmbedderIdentity, b: EmbedderIdentity) {
  return a.name === b.name && a.dimensions === b.dimensions;
}

function mismatch(uri: string, built: EmbedderIdentity, configured: EmbedderIdentity) {
  return new StoreError(
    `The paper store at ${uri} was built with the embedder "${built.name}" (${built.dimensions} dimensions), ` +
      `but "${configured.name}" (${configured.dimensions}) is configured. Rebuild it with: npm run ingest -- --rebuild`,
  );
}

async function bindStore(
  db: lancedb.Connection,
  meta: lancedb.Table,
  initial: StoreLayout,
  { uri, caches, follow, ownsConnection }: { uri: string; caches?: lancedb.Session; follow: boolean; ownsConnection: boolean },
): Promise<PaperStore> {
  // LanceDB Cloud compacts and re-indexes on its own and rejects optimize().
  const cloud = uri.startsWith('db://');
  let layout = initial;
  const openTables = async (l: StoreLayout) => ({
    papers: await db.createEmptyTable(l.papers, papersSchema, { existOk: true }),
    // Opened rather than created when present: a chunks table without text hashes has another schema.
    chunks: await withChunkHashes(await openOrCreateTable(db, l.chunks, chunksSchema(l.embedder.dimensions))),
  });
  let { papers, chunks } = await openTables(layout);
  const key = (k: string) => `${layout.prefix}${k}`;

  let seenMetaVersion = -1;
  /**
   * A long-running process (the bot) follows what others commit: when the meta table moved, a
   * rebuild may have swapped the generation, so the tables are reopened. Checked by the calls
   * every question makes once (term statistics, titles), not by each search.
   */
  const followCommits = async (): Promise<number> => {
    const v = await meta.version();
    if (!follow || v === seenMetaVersion) return v;
    seenMetaVersion = v;
    const live = await readLayout(meta);
    if (!live || live.papers === layout.papers) return v;
    if (!sameEmbedder(live.embedder, layout.embedder)) throw mismatch(uri, live.embedder, layout.embedder);
    papers.close();
    chunks.close();
    layout = live;
    ({ papers, chunks } = await openTables(layout));
    stats = undefined;
    titles = undefined;
    vectorIndex = undefined;
    return v;
  };
  let syncing: Promise<number> | undefined;
  /** Calls made together (a question's statistics and content version) share one check. */
  const sync = () => (syncing ??= followCommits().finally(() => (syncing = undefined)));

  let stats: { metaVersion: number; value: TermStats } | undefined;
  let vectorIndex: string | undefined;
  /**
   * Papers read at one table version, reused while the version stands: on object storage every
   * row fetch is several requests, and a question re-reads the same candidates.
   */
  let cached: { papersVersion: number; byId: Map<string, Paper> } = { papersVersion: -1, byId: new Map() };
  let titles: { papersVersion: number; value: { id: string; title: string; url?: string }[] } | undefined;

  /** The papers read at the papers table's current version (emptied when it moved, or when full). */
  const paperCache = async () => {
    const version = await papers.version();
    if (cached.papersVersion !== version || cached.byId.size > PAPER_CACHE_MAX) cached = { papersVersion: version, byId: new Map() };
    return cached.byId;
  };
  /** One Paper object per row while the version stands: retrieval memoises its analysis of a paper by object. */
  const cachedPaper = (byId: Map<string, Paper>, row: PaperRow) => {
    let paper = byId.get(row.id);
    if (!paper) byId.set(row.id, (paper = rowToPaper(row)));
    return paper;
  };

  const idFilter = (column: string, ids: string[] | undefined) =>
    ids === undefined ? undefined : ids.length === 0 ? 'false' : `${column} IN (${ids.map(sqlString).join(', ')})`;

  const toChunkMatch = (r: Record<string, unknown>, similarity: number): ChunkMatch => ({ paperId: r.paperId as string, ord: r.ord as number, similarity });

  /** Keyed upsert through a full-scan merge: see writeMetaValue for why the index is bypassed. */
  const merge = (table: lancedb.Table, rows: Record<string, unknown>[]) =>
    retryConflicts(() => table.mergeInsert('id').useIndex(false).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows));

  const indexedColumns = async () => {
    const out: string[] = [];
    for (const [name, table] of [['papers', papers], ['chunks', chunks]] as const) {
      for (const index of await table.listIndices()) out.push(...index.columns.map((c) => `${name}.${c}`));
    }
    return out;
  };
  const wantedIndexes = async () => [
    'papers.text',
    'papers.id',
    'chunks.paperId',
    ...((await chunks.countRows()) >= VECTOR_INDEX_MIN_ROWS ? ['chunks.vector'] : []),
  ];

  const store: PaperStore = {
    get embedder() {
      return layout.embedder;
    },
    connection: db,
    countPapers: async () => (await sync(), papers.countRows()),
    async getPapers(ids) {
      const byId = await paperCache();
      const missing = [...new Set(ids)].filter((id) => !byId.has(id));
      for (const batch of batches(missing, 500)) {
        for (const r of await papers.query().where(idFilter('id', batch)!).select(PAPER_COLUMNS).toArray()) cachedPaper(byId, r as PaperRow);
      }
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    async listTitles() {
      await sync();
      const version = await papers.version();
      if (titles?.papersVersion !== version) {
        const value = (await papers.query().select(['id', 'title', 'url']).toArray()).map((r) => ({
          id: r.id as string,
          title: r.title as string,
          url: (r.url as string | null) ?? undefined,
        }));
        titles = { papersVersion: version, value };
      }
      return titles.value;
    },
    async allTexts() {
      const out: { id: string; title: string; abstract: string }[] = [];
      for await (const batch of store.eachText()) out.push(...batch);
      return out;
    },
    async *eachText() {
      for await (const batch of scan(papers.query().select(['id', 'title', 'abstract']))) {
        yield batch.toArray().map((r) => ({ id: r.id as string, title: r.title as string, abstract: r.abstract as string }));
      }
    },
    async allPapers() {
      const out: Paper[] = [];
      for await (const p of store.eachPaper()) out.push(p);
      return out;
    },
    async *eachPaper() {
      // Not the full-text column: it repeats title and abstract, and would only take memory.
      for await (const batch of scan(papers.query().select(PAPER_COLUMNS))) for (const r of batch.toArray()) yield rowToPaper(r as unknown as PaperRow);
    },
    async papersAddedSince(sinceIso, limit = 500) {
      await sync();
      // LanceDB cannot order a scan: take every match, newest first, then cut.
      const rows = await papers.query().where(`addedAt >= ${sqlString(sinceIso)}`).toArray();
      return rows
        .map((r) => rowToPaper(r as PaperRow))
        .sort((a, b) => b.addedAt.localeCompare(a.addedAt))
        .slice(0, limit);
    },
    async upsertChunks(rows) {
      // No delete-by-source clause: with one, Lance reads the whole table into the merge (memory grew with the store).
      if (rows.length > 0) await merge(chunks, rows as unknown as Record<string, unknown>[]);
    },
    async upsertPapers(rows) {
      if (rows.length > 0) await merge(papers, rows.map(paperToRow) as unknown as Record<string, unknown>[]);
    },
    async chunkVersions(paperIds) {
      const out: (ChunkVersion & { id: string })[] = [];
      for (const batch of batches(paperIds, 500)) {
        const rows = await chunks.query().where(idFilter('paperId', batch)!).select(['id', 'paperId', 'contentHash']).toArray();
        for (const r of rows) out.push({ id: r.id as string, paperId: r.paperId as string, contentHash: (r.contentHash as string | null) ?? '' });
      }
      return out;
    },
    async deleteChunks(ids) {
      for (const batch of batches(ids, 500)) await retryConflicts(() => chunks.delete(idFilter('id', batch)!));
    },
    async searchPapersText(query, k, paperIds) {
      if (!query.trim()) return [];
      // The rows come with the hits: a second lookup by id would be one more round trip per question.
      let q = papers.query().fullTextSearch(query, { columns: ['text'] }).select([...PAPER_COLUMNS, '_score']).limit(k);
      const f = idFilter('id', paperIds);
      if (f) q = q.where(f);
      const [byId, hits] = await Promise.all([paperCache(), q.toArray()]);
      return hits.map((r) => ({ paper: cachedPaper(byId, r as PaperRow), score: r._score as number }));
    },
    async searchChunksVector(vector, k, paperIds) {
      // Which index it is, looked up once per table: only a rebuild (new tables) changes it.
      vectorIndex ??= (await chunks.listIndices()).find((i) => i.columns.includes('vector'))?.indexType;
      let q = chunks.vectorSearch(vector).distanceType('cosine').select(['paperId', 'ord', '_distance']).limit(k);
      q = vectorIndex === 'IvfFlat' ? q.nprobes(IVF_FLAT_PROBES) : q.nprobes(VECTOR_PROBES).refineFactor(VECTOR_REFINE);
      const f = idFilter('paperId', paperIds);
      if (f) q = q.where(f);
      return (await q.toArray()).map((r) => toChunkMatch(r, 1 - (r._distance as number)));
    },
    async chunksOf(paperIds) {
      const out: (ChunkHit & { vector: Float32Array })[] = [];
      for (const batch of batches(paperIds, 500)) {
        const rows = await chunks.query().where(idFilter('paperId', batch)!).select(['paperId', 'ord', 'text', 'vector']).toArray();
        for (const r of rows) out.push({ ...toChunkMatch(r, Number.NaN), text: r.text as string, vector: Float32Array.from(r.vector as Iterable<number>) });
      }
      return out;
    },
    async *eachChunkBatch() {
      const dimensions = layout.embedder.dimensions;
      for await (const batch of scan(chunks.query().select(['paperId', 'ord', 'text', 'vector']))) {
        const [paperIds, ords, texts] = (['paperId', 'ord', 'text'] as const).map((c) => [...batch.getChild(c)!] as unknown[]);
        // Copied column-wise from the Arrow buffers: a row object per vector would be slow and short-lived garbage.
        const vectors = new Float32Array(batch.numRows * dimensions);
        let at = 0;
        for (const data of batch.getChild('vector')!.data) {
          const values = data.children[0]!;
          const start = values.offset + data.offset * dimensions;
          vectors.set((values.values as Float32Array).subarray(start, start + data.length * dimensions), at);
          at += data.length * dimensions;
        }
        yield { chunks: paperIds!.map((id, i) => ({ paperId: id as string, ord: Number(ords![i]), text: texts![i] as string })), vectors };
      }
    },
    async termStats() {
      const version = await sync();
      if (stats?.metaVersion !== version) {
        const json = await readMetaValue(meta, key(TERM_STATS));
        stats = { metaVersion: version, value: json ? parseTermStats(json) : emptyTermStats() };
      }
      return stats.value;
    },
    async saveTermStats(next) {
      await writeMetaValue(meta, key(TERM_STATS), serializeTermStats(next));
      stats = undefined;
    },
    papersVersion: () => papers.version(),
    async contentVersion() {
      await sync();
      const [p, c] = await Promise.all([papers.version(), chunks.version()]);
      return `${layout.papers}@${p}/${layout.chunks}@${c}`;
    },
    countChunks: () => chunks.countRows(),
    cacheBytes: () => Number(caches?.sizeBytes() ?? 0n),
    async refreshIndexes(now = Date.now()) {
      // Compacted first, the first ingest into an empty store too: its hundreds of one-batch files
      // become a few (faster scans, smaller index builds), and existing indexes take in the new rows.
      if (!cloud) for (const table of [papers, chunks]) await retryConflicts(() => optimizeKeepingReplaced(table, { now }));
      const present = new Set(await indexedColumns());
      const ensure = async (table: lancedb.Table, name: 'papers' | 'chunks', column: string, config: () => lancedb.Index) => {
        // Two writers may both find it missing: the second create replaces the first (same config).
        if (!present.has(`${name}.${column}`)) await retryConflicts(() => table.createIndex(column, { config: config(), replace: true }));
      };
      await ensure(papers, 'papers', 'text', () => lancedb.Index.fts(FTS_OPTIONS));
      // B-tree indexes make the `id IN (…)` lookups of retrieval and ingest cheap at any size.
      await ensure(papers, 'papers', 'id', () => lancedb.Index.btree());
      await ensure(chunks, 'chunks', 'paperId', () => lancedb.Index.btree());
      const rows = await chunks.countRows();
      if (rows >= VECTOR_INDEX_MIN_ROWS) {
        // IVF-RQ (RaBitQ, one bit a dimension): a probe reads 1/32 of what IVF-flat's does, so
        // queries are fast and serving memory flat; exact distances come back through the refine
        // step. Unlike IVF-PQ it trains no codebooks (measured on 52k chunks: built in 3 s holding
        // 59 MB more, where IVF-PQ took 120-220 s and 190 MB, with the same recall of the exact top 40).
        const numPartitions = Math.max(2, Math.round(rows / 4096));
        await ensure(chunks, 'chunks', 'vector', () => lancedb.Index.ivfRq({ distanceType: 'cosine', numPartitions }));
      }
      if (cloud) return;
      for (const table of [papers, chunks, meta]) await retryConflicts(() => optimizeKeepingReplaced(table, { now }));
    },
    async indexesComplete() {
      const present = new Set(await indexedColumns());
      return (await wantedIndexes()).every((c) => present.has(c));
    },
    async audit() {
      const paperRows = await papers.query().select(['id', 'contentHash']).toArray();
      const chunkRows = await chunks.query().select(['id', 'paperId', 'contentHash']).toArray();
      const textOf = new Map(paperRows.map((r) => [r.id as string, r.contentHash as string]));
      const versions = chunkRows.map((r) => ({ paperId: r.paperId as string, contentHash: (r.contentHash as string | null) ?? '' }));
      const current = isCurrentChunk(textOf, versions);
      const chunked = new Set(versions.filter(current).map((c) => c.paperId));
      return {
        papers: paperRows.length,
        duplicatePapers: paperRows.length - textOf.size,
        chunks: chunkRows.length,
        duplicateChunks: chunkRows.length - new Set(chunkRows.map((r) => r.id as string)).size,
        orphanChunks: versions.filter((c) => !textOf.has(c.paperId)).length,
        staleChunks: versions.filter((c) => textOf.has(c.paperId) && !current(c)).length,
        papersWithoutChunks: [...textOf.keys()].filter((id) => !chunked.has(id)).length,
        indexes: await indexedColumns(),
      };
    },
    getMeta: (k) => readMetaValue(meta, key(k)),
    setMeta: (k, value) => writeMetaValue(meta, key(k), value),
    deleteMeta: async (k) => void (await retryConflicts(() => meta.delete(`key = ${sqlString(key(k))}`))),
    async listMeta(prefix) {
      // The prefixes listed by ('run:' under a generation stamp) hold no LIKE wildcards, so need no escaping.
      const rows = await meta.query().where(`key LIKE ${sqlString(`${key(prefix)}%`)}`).toArray();
      return new Map(rows.map((r) => [(r.key as string).slice(layout.prefix.length), r.value as string]));
    },
    close() {
      papers.close();
      chunks.close();
      if (!ownsConnection) return;
      meta.close();
      db.close();
    },
  };
  return store;
}

const hasChunkHashes = async (chunks: lancedb.Table) => (await chunks.schema()).fields.some((f) => f.name === 'contentHash');

/** Chunk tables of stores written before chunks carried their text's hash get the column, empty. */
async function withChunkHashes(chunks: lancedb.Table): Promise<lancedb.Table> {
  if (await hasChunkHashes(chunks)) return chunks;
  try {
    await retryConflicts(() => chunks.addColumns([{ name: 'contentHash', valueSql: "''" }]));
  } catch (e) {
    // Another process added it first.
    if (!(await hasChunkHashes(chunks))) throw e;
  }
  return chunks;
}


/**
 * Whole-table reads (statistics and abbreviations at ingest, the in-memory copy of a small store) stream
 * small batches: reading the 100k abstracts of a store left 145-180 MB more resident in the
 * process with Lance's default batches (native buffers glibc keeps), 100-160 MB with these. The
 * batch size is an execution option the package's types keep protected.
 */
const SCAN_BATCH_ROWS = 256;

function scan(query: lancedb.Query): AsyncIterable<RecordBatch> {
  return (query as unknown as { execute(options: Partial<lancedb.QueryExecutionOptions>): AsyncIterable<RecordBatch> }).execute({ maxBatchLength: SCAN_BATCH_ROWS });
}

const PAPER_COLUMNS = papersSchema.fields.map((f) => f.name).filter((name) => name !== 'text');

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function paperToRow(p: Paper): PaperRow {
  return {
    id: p.id,
    title: p.title,
    abstract: p.abstract,
    text: `${p.title}\n${p.abstract}`,
    authors: JSON.stringify(p.authors),
    url: p.url ?? null,
    publishedAt: p.publishedAt ?? null,
    source: p.source,
    addedAt: p.addedAt,
    contentHash: p.contentHash,
    upvotes: p.upvotes ?? null,
    extras: JSON.stringify(Object.fromEntries(PAPER_EXTRA_KEYS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]))),
  };
}

function rowToPaper(r: PaperRow): Paper {
  return {
    id: r.id,
    title: r.title,
    abstract: r.abstract,
    authors: JSON.parse(r.authors) as string[],
    url: r.url ?? undefined,
    publishedAt: r.publishedAt ?? undefined,
    source: r.source,
    addedAt: r.addedAt,
    contentHash: r.contentHash,
    upvotes: r.upvotes ?? undefined,
    ...(JSON.parse(r.extras || '{}') as PaperExtras),
  };
}
