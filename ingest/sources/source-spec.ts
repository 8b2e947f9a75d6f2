/** The one place that turns a remote source spec (parsed by src/source-spec.ts) into a fetch. */
import type { RateGate } from './arxiv-rate-gate.ts';
import { fetchArxiv, type ArxivPaper } from './arxiv.ts';
import { fetchHfDaily, type HfDailyPaper } from './hf-daily.ts';
import type { HttpClient } from './http-client.ts';
import type { SourceSpec } from '../../src/source-spec.ts';

export interface FetchSourceDeps {
  http: HttpClient;
  /** `config.digest.hfApiBase` */
  hfApiBase: string;
  /** `config.digest.arxivApiBase` */
  arxivApiBase: string;
  /** Papers per arXiv query. */
  arxivMaxResults?: number;
  /** Defaults to the process-wide gate (one arXiv request per 3 s). */
  arxivGate?: RateGate;
  /** arXiv queries page back until their newest-first results reach this time (a catch-up). */
  since?: Date;
  signal?: AbortSignal;
}

/** Fetches what a spec names. Failures are SourceErrors, already logged once. */
export function fetchSourceSpec(
  spec: SourceSpec,
  { http, hfApiBase, arxivApiBase, arxivMaxResults, arxivGate, since, signal }: FetchSourceDeps,
): Promise<(HfDailyPaper | ArxivPaper)[]> {
  switch (spec.kind) {
    case 'hf-daily':
      return fetchHfDaily({ baseUrl: hfApiBase, date: spec.date, http, signal });
    case 'arxiv-ids':
      return fetchArxiv({ baseUrl: arxivApiBase, ids: spec.ids, http, gate: arxivGate, signal });
    case 'arxiv-query':
      return fetchArxiv({ baseUrl: arxivApiBase, query: spec.query, maxResults: arxivMaxResults, since, http, gate: arxivGate, signal });
  }
}

/**
 * `fetchSourceSpec` bound to one set of endpoints: the digest's `fetchSource`.
 *
 * @example const fetchSource = sourceFetcher({ http, hfApiBase: config.digest.hfApiBase, arxivApiBase: config.digest.arxivApiBase });
 */
export function sourceFetcher(endpoints: Omit<FetchSourceDeps, 'since' | 'signal'>) {
  return (spec: SourceSpec, options: Pick<FetchSourceDeps, 'since' | 'signal'> = {}) => fetchSourceSpec(spec, { ...endpoints, ...options });
}
