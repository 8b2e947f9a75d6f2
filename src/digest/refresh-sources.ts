/**
 * Before a digest goes out: fetch the configured sources in parallel, store what they return, and
 * turn each source that failed into a note for the digest instead of a delay or an error.
 */
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { FetchSource, IngestPapers } from '../ingest-ports.ts';
import type { SourceSpec } from '../source-spec.ts';
import type { Logger } from '../logger.ts';
import type { PaperStore } from '../store/lance-store.ts';
import type { PaperInput } from '../types.ts';

export interface RefreshSourcesDeps {
  store: PaperStore;
  embedder: EmbeddingsInterface;
  /** Fetches a spec from the sources `config.digest` names. */
  fetchSource: FetchSource;
  ingestPapers: IngestPapers;
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

/** Catch-up after downtime reaches back at most this many daily lists. */
export const MAX_CATCH_UP_DAYS = 14;

/**
 * What to fetch to cover everything since `since`: the latest Hugging Face list and, when days
 * were missed, each missed day's list (`date=`); arXiv queries page back to `since` themselves.
 *
 * @example
 * catchUpSpecs([{ kind: 'hf-daily' }], new Date('2026-11-25T09:00Z'), new Date('2026-11-27T09:00Z'))
 * // [{ kind: 'hf-daily', date: '2026-11-25' }, { kind: 'hf-daily', date: '2026-11-26' }, { kind: 'hf-daily' }]
 */
export function catchUpSpecs(specs: SourceSpec[], since: Date | undefined, now: Date): SourceSpec[] {
  return specs.flatMap((spec) => {
    if (spec.kind !== 'hf-daily' || spec.date !== undefined || since === undefined) return [spec];
    const days: SourceSpec[] = [];
    const today = now.toISOString().slice(0, 10);
    const from = Math.max(since.getTime(), now.getTime() - MAX_CATCH_UP_DAYS * 86_400_000);
    for (let t = from; new Date(t).toISOString().slice(0, 10) < today; t += 86_400_000) {
      days.push({ kind: 'hf-daily', date: new Date(t).toISOString().slice(0, 10) });
    }
    return [...days, spec];
  });
}

/**
 * @example
 * const { notes } = await refreshSources(deps, [{ kind: 'hf-daily' }], { now: new Date(), timeoutMs: 60_000 });
 */
export async function refreshSources(
  { store, embedder, fetchSource, ingestPapers, logger }: RefreshSourcesDeps,
  configured: SourceSpec[],
  { now, since, timeoutMs = 60_000 }: { now: Date; /** Start of the window to cover (catch-up); default: the latest lists. */ since?: Date; timeoutMs?: number },
): Promise<RefreshResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  const specs = catchUpSpecs(configured, since, now);
  const results = await Promise.allSettled(specs.map((spec) => fetchSource(spec, { since, signal })));
  const notes: string[] = [];
  const papers: PaperInput[] = [];
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
