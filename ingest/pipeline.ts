import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { PaperStore } from '../src/store/lance-store.ts';
import type { ChunkRow } from '../src/store/schema.ts';
import { applyDocument, emptyTermStats } from '../src/store/term-stats.ts';
import { contentTerms } from '../src/text/tokenize.ts';
import type { Paper, PaperInput } from '../src/types.ts';
import { chunkAbstract } from './chunk.ts';
import { contentHashOf } from './paper-id.ts';

export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface IngestProgress {
  start(total: number): void;
  advance(by: number): void;
  stop(): void;
}

const silentProgress: IngestProgress = { start() {}, advance() {}, stop() {} };

/** Text a paper is indexed under; the term statistics must be computed from exactly this. */
export function indexedTerms(p: { title: string; abstract: string }): string[] {
  return contentTerms(`${p.title} ${p.abstract}`);
}

/**
 * Term statistics are written after each batch's papers; a crash in between leaves them behind
 * the papers table. Recount from the papers when the document counts disagree.
 */
export async function reconcileTermStats(store: PaperStore): Promise<void> {
  const [stats, count] = await Promise.all([store.termStats(), store.countPapers()]);
  if (stats.docs === count) return;
  const fresh = emptyTermStats();
  for (const p of await store.allTexts()) applyDocument(fresh, indexedTerms(p), 1);
  await store.saveTermStats(fresh);
}

/**
 * Merges duplicates (same id) inside one batch: the later record fills in what the earlier lacks,
 * so a paper listed twice becomes one paper.
 */
export function mergeDuplicates(inputs: PaperInput[]): PaperInput[] {
  const byId = new Map<string, PaperInput>();
  for (const p of inputs) {
    const seen = byId.get(p.id);
    if (!seen) {
      byId.set(p.id, { ...p });
      continue;
    }
    byId.set(p.id, {
      ...seen,
      abstract: p.abstract.length > seen.abstract.length ? p.abstract : seen.abstract,
      authors: seen.authors.length > 0 ? seen.authors : p.authors,
      url: seen.url ?? p.url,
      publishedAt: seen.publishedAt ?? p.publishedAt,
      upvotes: Math.max(seen.upvotes ?? 0, p.upvotes ?? 0) || undefined,
    });
  }
  return [...byId.values()];
}

/**
 * Idempotent ingest: papers whose content hash is already stored are skipped (no re-embedding);
 * new and changed papers are chunked, embedded in batches and upserted. Each batch is written
 * chunks-first, papers-last; term statistics are saved at the end (and recounted from the papers
 * if a crash left them behind), so a crash leaves a readable store that the next run completes.
 */
export async function ingestPapers(
  inputs: PaperInput[],
  {
    store,
    embedder,
    batchSize = 256,
    progress = silentProgress,
    now = () => new Date(),
  }: {
    store: PaperStore;
    embedder: EmbeddingsInterface;
    batchSize?: number;
    progress?: IngestProgress;
    now?: () => Date;
  },
): Promise<IngestCounts> {
  await reconcileTermStats(store);
  const stats = await store.termStats();
  const papers = mergeDuplicates(inputs);
  const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0, rejected: 0 };
  progress.start(papers.length);
  try {
    for (let i = 0; i < papers.length; i += batchSize) {
      const batch = papers.slice(i, i + batchSize);
      const existing = await store.contentHashes(batch.map((p) => p.id));
      const changed: Paper[] = [];
      const previous = new Map<string, Paper>();
      const replaced = batch.filter((p) => existing.has(p.id) && existing.get(p.id) !== contentHashOf(p.title, p.abstract));
      for (const old of await store.getPapers(replaced.map((p) => p.id))) previous.set(old.id, old);
      for (const p of batch) {
        const hash = contentHashOf(p.title, p.abstract);
        const old = existing.get(p.id);
        if (old === hash) {
          counts.unchanged++;
          continue;
        }
        if (old === undefined) counts.added++;
        else counts.updated++;
        changed.push({ ...p, contentHash: hash, addedAt: previous.get(p.id)?.addedAt ?? now().toISOString() });
      }
      if (changed.length > 0) {
        const pieces = changed.flatMap((p) => chunkAbstract(p.title, p.abstract).map((c) => ({ paperId: p.id, ...c })));
        const vectors = await embedder.embedDocuments(pieces.map((c) => c.text));
        const rows: ChunkRow[] = pieces.map((c, j) => ({ id: `${c.paperId}#${c.ord}`, paperId: c.paperId, ord: c.ord, text: c.text, vector: vectors[j]! }));
        await store.upsert(changed, rows, new Set(previous.keys()));
        for (const p of changed) {
          const old = previous.get(p.id);
          if (old) applyDocument(stats, indexedTerms(old), -1);
          applyDocument(stats, indexedTerms(p), 1);
        }
      }
      progress.advance(batch.length);
    }
    if (counts.added + counts.updated > 0) {
      await store.saveTermStats(stats);
      await store.refreshIndexes();
    }
  } finally {
    progress.stop();
  }
  return counts;
}
