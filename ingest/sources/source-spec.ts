/**
 * Remote source specs as typed on the command line (`npm run ingest -- hf-daily:2026-11-27`) and
 * the one place that turns a spec into a fetch.
 */
import type { RateGate } from './arxiv-rate-gate.ts';
import { fetchArxiv, normalizeArxivId, type ArxivPaper } from './arxiv.ts';
import { fetchHfDaily, isDailyDate, type HfDailyPaper } from './hf-daily.ts';
import { SourceError, type HttpClient } from './http-client.ts';

export type SourceSpec =
  /** The daily list of `date`, or the latest list when no date is given. */
  | { kind: 'hf-daily'; date?: string }
  | { kind: 'arxiv-ids'; ids: string[] }
  /** arXiv query syntax: `cat:cs.CL`, `ti:retrieval AND cat:cs.IR`, … */
  | { kind: 'arxiv-query'; query: string };

/**
 * Parses `hf-daily`, `hf-daily:YYYY-MM-DD`, `arxiv:<id>[,<id>…]` or `arxiv:<query>`. Returns
 * undefined for anything else (a file path, say); throws SourceError for a malformed remote spec.
 *
 * @example
 * parseSourceSpec('arxiv:2501.12345v2')  // { kind: 'arxiv-ids', ids: ['2501.12345'] }
 * parseSourceSpec('arxiv:cat:cs.CL')     // { kind: 'arxiv-query', query: 'cat:cs.CL' }
 * parseSourceSpec('data/papers.txt')     // undefined
 */
export function parseSourceSpec(spec: string): SourceSpec | undefined {
  const trimmed = spec.trim();
  const hf = /^hf-daily(?::(.*))?$/i.exec(trimmed);
  if (hf) {
    const date = hf[1]?.trim();
    if (date === undefined || date === '') return { kind: 'hf-daily' };
    if (!isDailyDate(date)) {
      throw new SourceError({ source: 'hf-daily', kind: 'bad-query' }, `"${spec}": expected hf-daily or hf-daily:YYYY-MM-DD`);
    }
    return { kind: 'hf-daily', date };
  }
  const arxiv = /^arxiv:(.*)$/is.exec(trimmed);
  if (!arxiv) return undefined;
  const rest = arxiv[1]!.trim();
  if (rest === '') {
    throw new SourceError({ source: 'arxiv', kind: 'bad-query' }, `"${spec}": expected arxiv:<id>[,<id>…] or arxiv:<query>, e.g. arxiv:cat:cs.CL`);
  }
  const ids = rest.split(',').map((part) => normalizeArxivId(part));
  if (ids.every((id) => id !== undefined)) return { kind: 'arxiv-ids', ids: [...new Set(ids as string[])] };
  return { kind: 'arxiv-query', query: rest };
}

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
