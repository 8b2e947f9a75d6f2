/**
 * Before a digest goes out: fetch the configured sources in parallel, store what they return, and
 * turn each source that failed into a note for the digest instead of a delay or an error.
 */
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { ingestPapers } from '../../ingest/pipeline.ts';
import type { ArxivPaper } from '../../ingest/sources/arxiv.ts';
import type { HfDailyPaper } from '../../ingest/sources/hf-daily.ts';
import { fetchSourceSpec, type FetchSourceDeps, type SourceSpec } from '../../ingest/sources/source-spec.ts';
import type { Logger } from '../logger.ts';
import type { PaperStore } from '../store/lance-store.ts';

export interface RefreshSourcesDeps {
  store: PaperStore;
  embedder: EmbeddingsInterface;
  /** How to reach the sources: the HTTP client and the base URLs from `config.digest`. */
  fetch: Omit<FetchSourceDeps, 'signal'>;
  logger: Logger;
}

export interface RefreshResult {
  added: number;
  /** One line per gap, fit to show in the digest. */
  notes: string[];
}

const SOURCE_NAMES: Record<SourceSpec['kind'], string> = {
  'hf-daily': 'Hugging Face daily papers',
  'arxiv-ids': 'arXiv',
  'arxiv-query': 'arXiv',
};

/**
 * @example
 * const { notes } = await refreshSources(deps, [{ kind: 'hf-daily' }], { now: new Date(), timeoutMs: 60_000 });
 */
export async function refreshSources(
  { store, embedder, fetch, logger }: RefreshSourcesDeps,
  specs: SourceSpec[],
  { now, timeoutMs = 60_000 }: { now: Date; timeoutMs?: number },
): Promise<RefreshResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  const results = await Promise.allSettled(specs.map((spec) => fetchSourceSpec(spec, { ...fetch, signal })));
  const notes: string[] = [];
  const papers: (HfDailyPaper | ArxivPaper)[] = [];
  results.forEach((result, i) => {
    const spec = specs[i]!;
    if (result.status === 'fulfilled') {
      papers.push(...result.value);
      return;
    }
    // Sources log their own failures once; only an abort by our deadline is ours to log.
    if (signal.aborted) logger.warn({ source: spec.kind, timeoutMs }, `digest: ${SOURCE_NAMES[spec.kind]} took longer than ${timeoutMs} ms; going ahead without it`);
    const note = `${SOURCE_NAMES[spec.kind]} could not be reached; this digest may be incomplete.`;
    if (!notes.includes(note)) notes.push(note);
  });
  if (papers.length === 0) return { added: 0, notes };
  try {
    const counts = await ingestPapers(papers, { store, embedder, now: () => now });
    return { added: counts.added, notes };
  } catch (err) {
    logger.error({ err }, 'digest: storing the fetched papers failed');
    return { added: 0, notes: [...notes, 'New papers could not be stored; this digest may be incomplete.'] };
  }
}
