import * as lancedb from '@lancedb/lancedb';
import { availableParallelism } from 'node:os';
import { StoreError } from '../errors.ts';
import { PAPER_EXTRA_KEYS, type Paper, type PaperExtras } from '../types.ts';
import {
  CHUNKS,
  META,
  PAPERS,
  chunksSchema,
  metaSchema,
  papersSchema,
  type ChunkRow,
  type PaperRow,
} from './schema.ts';
import { emptyTermStats, parseTermStats, serializeTermStats, type TermStats } from './term-stats.ts';

export interface EmbedderIdentity {
  name: string;
  dimensions: number;
}

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

export interface PaperHit {
  paper: Paper;
  /** LanceDB's BM25 score. */
  score: number;
}

// Lance sizes its compute pool from the CPU count; on a 2-core machine full-text index builds
// and merges of ~100k rows then stall for good (measured: FTS over 100k papers never finished,
// and finished in 8 s with 4 threads). Read lazily by the native side, so setting it here, before
// the first table operation, is enough; an operator's own value wins.
process.env.LANCE_CPU_THREADS ??= String(Math.max(4, availableParallelism()));

/** Chunk count above which a vector index beats a flat scan (below it LanceDB's flat search is exact and fast). */
const VECTOR_INDEX_MIN_ROWS = 20_000;
/**
 * IVF partitions searched per query (of ~rows/4096). The vector signal only proposes candidates
 * and nudges the fused score, so a tenth of the partitions is plenty; without an index (small
 * stores) the search is exact anyway.
 */
const VECTOR_PROBES = 8;
const FTS_OPTIONS = { stem: true, removeStopWords: true, language: 'English', asciiFolding: true, withPosition: false };

export interface PaperStore {
  readonly embedder: EmbedderIdentity;
  countPapers(): Promise<number>;
  /** Content hashes of the papers that exist, by id. */
  contentHashes(ids: string[]): Promise<Map<string, string>>;
  getPapers(ids: string[]): Promise<Paper[]>;
  /** Every paper's id and title (for title lookup and autocomplete). */
  listTitles(): Promise<{ id: string; title: string; url?: string }[]>;
  /** Title and abstract of every paper, for rebuilding term statistics. */
  allTexts(): Promise<{ id: string; title: string; abstract: string }[]>;
  /** Papers added at or after `sinceIso`, newest first. */
  papersAddedSince(sinceIso: string, limit?: number): Promise<Paper[]>;
  /**
   * Writes chunks first and papers last, so a crash between them only causes a redo. Papers in
   * `replacing` already exist and are updated in place; all others are appended.
   */
  upsert(papers: Paper[], chunks: ChunkRow[], replacing?: Set<string>): Promise<void>;
  searchPapersText(query: string, k: number, paperIds?: string[]): Promise<PaperHit[]>;
  searchChunksText(query: string, k: number, paperIds?: string[]): Promise<ChunkHit[]>;
  searchChunksVector(vector: number[], k: number, paperIds?: string[]): Promise<ChunkHit[]>;
  chunksOf(paperIds: string[]): Promise<(ChunkHit & { vector: Float32Array })[]>;
  termStats(): Promise<TermStats>;
  saveTermStats(stats: TermStats): Promise<void>;
  /** Rebuilds full-text indexes (and the vector index when large enough) after writes. */
  refreshIndexes(): Promise<void>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** The underlying connection, for stores of other modules (e.g. digest state) in the same database. */
  readonly connection: lancedb.Connection;
  close(): void;
}

/**
 * Opens (creating when absent) the LanceDB database behind one URI. Refuses a database built by
 * another embedder, with the command that rebuilds it.
 */
export async function openStore({ uri, apiKey, region, embedder }: StoreOptions): Promise<PaperStore> {
  let db: lancedb.Connection;
  try {
    // Read consistency 0: every read sees what other processes (a second bot, the digest
    // scheduler, a CLI ingest) committed, at the cost of one version check per query.
    db = await lancedb.connect(uri, apiKey ? { apiKey, region } : { readConsistencyInterval: 0 });
  } catch (e) {
    throw new StoreError(`Cannot open the paper store at ${uri}: ${(e as Error).message}`, { cause: e });
  }
  const names = new Set(await db.tableNames());
  const meta = names.has(META) ? await db.openTable(META) : await db.createEmptyTable(META, metaSchema, { existOk: true });
  const readMeta = async (key: string) => {
    const rows = await meta.query().where(`key = ${sqlString(key)}`).limit(1).toArray();
    return rows[0]?.value as string | undefined;
  };
  const writeMeta = async (key: string, value: string) => {
    await meta.mergeInsert('key').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([{ key, value }]);
  };

  const recorded = await readMeta('embedder');
  if (recorded) {
    const built = JSON.parse(recorded) as EmbedderIdentity;
    if (built.name !== embedder.name || built.dimensions !== embedder.dimensions) {
      throw new StoreError(
        `The paper store at ${uri} was built with the embedder "${built.name}" (${built.dimensions} dimensions), ` +
          `but "${embedder.name}" (${embedder.dimensions}) is configured. Rebuild it with: npm run ingest -- --rebuild`,
      );
    }
  } else {
    await writeMeta('embedder', JSON.stringify(embedder));
  }

  const papers = names.has(PAPERS) ? await db.openTable(PAPERS) : await db.createEmptyTable(PAPERS, papersSchema, { existOk: true });
  const chunks = names.has(CHUNKS)
    ? await db.openTable(CHUNKS)
    : await db.createEmptyTable(CHUNKS, chunksSchema(embedder.dimensions), { existOk: true });

  let stats: TermStats | undefined;
  let titles: { id: string; title: string; url?: string }[] | undefined;

  const idFilter = (column: string, ids: string[] | undefined) =>
    ids === undefined ? undefined : ids.length === 0 ? 'false' : `${column} IN (${ids.map(sqlString).join(', ')})`;

  const toChunkHit = (r: Record<string, unknown>, similarity: number): ChunkHit => ({
    paperId: r.paperId as string,
    ord: r.ord as number,
    text: r.text as string,
    similarity,
  });

  return {
    embedder,
    connection: db,
    countPapers: () => papers.countRows(),
    async contentHashes(ids) {
      const out = new Map<string, string>();
      for (const batch of batches(ids, 500)) {
        const rows = await papers.query().where(idFilter('id', batch)!).select(['id', 'contentHash']).toArray();
        for (const r of rows) out.set(r.id as string, r.contentHash as string);
      }
      return out;
    },
    async getPapers(ids) {
      const out: Paper[] = [];
      for (const batch of batches(ids, 500)) {
        const rows = await papers.query().where(idFilter('id', batch)!).toArray();
        out.push(...rows.map((r) => rowToPaper(r as PaperRow)));
      }
      const order = new Map(ids.map((id, i) => [id, i]));
      return out.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    },
    async listTitles() {
      titles ??= (await papers.query().select(['id', 'title', 'url']).toArray()).map((r) => ({
        id: r.id as string,
        title: r.title as string,
        url: (r.url as string | null) ?? undefined,
      }));
      return titles;
    },
    async allTexts() {
      return (await papers.query().select(['id', 'title', 'abstract']).toArray()).map((r) => ({
        id: r.id as string,
        title: r.title as string,
        abstract: r.abstract as string,
      }));
    },
    async papersAddedSince(sinceIso, limit = 500) {
      // LanceDB cannot order a scan: take every match, newest first, then cut.
      const rows = await papers.query().where(`addedAt >= ${sqlString(sinceIso)}`).toArray();
      return rows
        .map((r) => rowToPaper(r as PaperRow))
        .sort((a, b) => b.addedAt.localeCompare(a.addedAt))
        .slice(0, limit);
    },
    async upsert(newPapers, newChunks, replacing = new Set()) {
      if (newPapers.length === 0) return;
      const fresh = (id: string) => !replacing.has(id);
      // New papers are plain appends; only replaced papers need the costlier merge and cleanup.
      const added = newChunks.filter((c) => fresh(c.paperId));
      const merged = newChunks.filter((c) => !fresh(c.paperId));
      if (added.length > 0) await chunks.add(added as unknown as Record<string, unknown>[]);
      if (merged.length > 0) {
        await chunks.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(merged as unknown as Record<string, unknown>[]);
        // An updated abstract may have fewer chunks than before: drop the leftovers.
        const maxOrd = new Map<string, number>();
        for (const c of merged) maxOrd.set(c.paperId, Math.max(maxOrd.get(c.paperId) ?? -1, c.ord));
        const stale = [...maxOrd].map(([id, ord]) => `(paperId = ${sqlString(id)} AND ord > ${ord})`);
        for (const batch of batches(stale, 200)) await chunks.delete(batch.join(' OR '));
      }
      const rows = newPapers.map(paperToRow) as unknown as Record<string, unknown>[];
      const addedPapers = rows.filter((r) => fresh(r.id as string));
      const mergedPapers = rows.filter((r) => !fresh(r.id as string));
      if (addedPapers.length > 0) await papers.add(addedPapers);
      if (mergedPapers.length > 0) await papers.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(mergedPapers);
      titles = undefined;
    },
    async searchPapersText(query, k, paperIds) {
      if (!query.trim()) return [];
      let q = papers.query().fullTextSearch(query, { columns: ['text'] }).limit(k);
      const f = idFilter('id', paperIds);
      if (f) q = q.where(f);
      const rows = await q.toArray();
      return rows.map((r) => ({ paper: rowToPaper(r as PaperRow), score: r._score as number }));
    },
    async searchChunksText(query, k, paperIds) {
      if (!query.trim()) return [];
      let q = chunks.query().fullTextSearch(query, { columns: ['text'] }).select(['paperId', 'ord', 'text', '_score']).limit(k);
      const f = idFilter('paperId', paperIds);
      if (f) q = q.where(f);
      return (await q.toArray()).map((r) => toChunkHit(r, Number.NaN));
    },
    async searchChunksVector(vector, k, paperIds) {
      let q = chunks.vectorSearch(vector).distanceType('cosine').nprobes(VECTOR_PROBES).select(['paperId', 'ord', 'text', '_distance']).limit(k);
      const f = idFilter('paperId', paperIds);
      if (f) q = q.where(f);
      return (await q.toArray()).map((r) => toChunkHit(r, 1 - (r._distance as number)));
    },
    async chunksOf(paperIds) {
      const out: (ChunkHit & { vector: Float32Array })[] = [];
      for (const batch of batches(paperIds, 500)) {
        const rows = await chunks.query().where(idFilter('paperId', batch)!).select(['paperId', 'ord', 'text', 'vector']).toArray();
        for (const r of rows) out.push({ ...toChunkHit(r, Number.NaN), vector: Float32Array.from(r.vector as Iterable<number>) });
      }
      return out;
    },
    async termStats() {
      if (!stats) {
        const json = await readMeta('term_stats');
        stats = json ? parseTermStats(json) : emptyTermStats();
      }
      return stats;
    },
    async saveTermStats(next) {
      await writeMeta('term_stats', serializeTermStats(next));
      stats = next;
    },
    async refreshIndexes() {
      /** Creates the index when missing; true when it already existed (and so needs updating). */
      const ensure = async (table: lancedb.Table, column: string, config: () => lancedb.Index) => {
        if ((await table.listIndices()).some((i) => i.columns.includes(column))) return true;
        await table.createIndex(column, { config: config() });
        return false;
      };
      const papersHadIndexes = [
        await ensure(papers, 'text', () => lancedb.Index.fts(FTS_OPTIONS)),
        // B-tree indexes make the `id IN (…)` lookups of retrieval and ingest cheap at any size.
        await ensure(papers, 'id', () => lancedb.Index.btree()),
      ].some(Boolean);
      const chunksHadIndexes = [
        await ensure(chunks, 'text', () => lancedb.Index.fts(FTS_OPTIONS)),
        await ensure(chunks, 'paperId', () => lancedb.Index.btree()),
      ].some(Boolean);
      const rows = await chunks.countRows();
      if (rows >= VECTOR_INDEX_MIN_ROWS) {
        // IVF-flat: exact distances within the probed partitions, and it trains in seconds where
        // IVF-PQ takes minutes; ~4k vectors a partition keeps each probe cheap.
        await ensure(chunks, 'vector', () =>
          lancedb.Index.ivfFlat({ distanceType: 'cosine', numPartitions: Math.max(2, Math.round(rows / 4096)) }),
        );
      }
      // Indexes that existed before this ingest take in its rows incrementally (small files are compacted too).
      if (papersHadIndexes) await papers.optimize();
      if (chunksHadIndexes) await chunks.optimize();
    },
    getMeta: readMeta,
    setMeta: writeMeta,
    close() {
      papers.close();
      chunks.close();
      meta.close();
      db.close();
    },
  };
}

/** Drops every table the engine owns (for `ingest --rebuild`). */
export async function dropStore({ uri, apiKey, region }: Omit<StoreOptions, 'embedder'>): Promise<void> {
  const db = await lancedb.connect(uri, apiKey ? { apiKey, region } : {});
  const names = await db.tableNames();
  for (const t of [PAPERS, CHUNKS, META]) if (names.includes(t)) await db.dropTable(t);
  db.close();
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

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
