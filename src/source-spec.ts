/**
 * Remote source specs as typed on the command line (`npm run ingest -- hf-daily:2026-11-27`) and
 * in DIGEST_SOURCES. Parsing only: config validation imports this without the fetching code.
 */
import { SourceError } from './source-error.ts';
import { isDailyDate, normalizeArxivId } from './text/paper-refs.ts';

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
