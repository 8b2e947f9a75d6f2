/**
 * arXiv source: the Atom API (`/api/query`) by search query or by id list, with its traps handled —
 * hard-wrapped titles and abstracts, versioned ids, an HTTP 200 feed whose only entry is titled
 * "Error", a bare "Rate exceeded." body when throttled, and one request per 3 s.
 */
import { normalizeArxivId } from '../../src/text/paper-refs.ts';
import type { PaperInput } from '../../src/types.ts';
import { createRateGate, type RateGate } from './arxiv-rate-gate.ts';
import { snippet, SourceError, type HttpClient } from './http-client.ts';

/** A paper from arXiv, with the categories the digest can rank topics by. */
export interface ArxivPaper extends PaperInput {
  source: 'arxiv';
  /** Primary category first, e.g. `['cs.CL', 'cs.AI']`. */
  categories: string[];
}

export type FetchArxivOptions = {
  /** `ARXIV_API_BASE`, e.g. https://export.arxiv.org */
  baseUrl: string;
  http: HttpClient;
  /** Papers per request (arXiv allows up to 2000); default 50 for a query, every id for ids. */
  maxResults?: number;
  /** Shared by every caller in the process unless a test injects its own. */
  gate?: RateGate;
  signal?: AbortSignal;
} & (
  | {
      /** arXiv query syntax, e.g. `cat:cs.CL` or `ti:retrieval AND cat:cs.IR`; newest submissions first. */
      query: string;
      ids?: never;
      /** Page on (`start=`) until the results reach back to this time; default: one page. */
      since?: Date;
    }
  | { /** arXiv ids, with or without versions (`2501.12345v2`, `hep-th/9901001`). */ ids: string[]; query?: never; since?: never }
);

const processGate = createRateGate();
const MAX_RESULTS_LIMIT = 2000;
/** A catch-up reads at most this many pages of a query. */
const MAX_PAGES = 10;

/**
 * @example
 * const papers = await fetchArxiv({ baseUrl: config.digest.arxivApiBase, query: 'cat:cs.CL', maxResults: 50, http });
 */
export async function fetchArxiv(options: FetchArxivOptions): Promise<ArxivPaper[]> {
  const { baseUrl, http, gate = processGate, signal } = options;
  try {
    const { params, limit } = buildParams(options);
    const papers = new Map<string, ArxivPaper>();
    for (let page = 0; page < (options.since ? MAX_PAGES : 1); page++) {
      if (options.query !== undefined) params.set('start', String(page * limit));
      const url = `${baseUrl.replace(/\/+$/, '')}/api/query?${params}`;
      const xml = await http.getText(url, {
        source: 'arxiv',
        accept: 'application/atom+xml',
        beforeAttempt: () => gate.wait(),
        isThrottled: (body) => /^\s*Rate exceeded\.?\s*$/i.test(body),
        // arXiv answers a malformed request with HTTP 400 and an Atom feed whose entry says why.
        explainRefusal: (body) => errorReasonOf(body),
        signal,
      });
      const entries = readFeed(xml, url);
      const error = entries.find(isErrorEntry);
      if (error) {
        const what = options.query !== undefined ? `query "${options.query}"` : `ids ${options.ids.join(',')}`;
        throw new SourceError({ source: 'arxiv', kind: 'bad-query', url }, `arXiv rejected the ${what}: ${error.summary || 'no reason given'}`);
      }
      const skipped: string[] = [];
      for (const entry of entries) {
        const paper = toPaper(entry);
        if (typeof paper === 'string') skipped.push(paper);
        else papers.set(paper.id, paper);
      }
      if (skipped.length > 0) {
        http.logger.warn({ source: 'arxiv', url, skipped }, `arxiv: skipped ${skipped.length} of ${entries.length} entries: ${skipped.join('; ')}`);
      }
      // Newest first: once a page reaches back before `since`, the window is covered.
      const oldest = entries.map((e) => e.published).filter((p) => p !== '').sort()[0];
      if (entries.length < limit || options.since === undefined || (oldest !== undefined && new Date(oldest) <= options.since)) break;
    }
    return options.since === undefined ? [...papers.values()].slice(0, limit) : [...papers.values()];
  } catch (err) {
    // A caller that aborted knows why; that is not a source failure to log.
    throw signal?.aborted ? err : http.failure('arxiv', err);
  }
}

/**
 * The entries of a complete Atom feed. A body that is not a feed, or one cut off before `</feed>`
 * (a dropped connection, a proxy's limit), is an error: a partial list would pass for the whole day.
 */
function readFeed(xml: string, url: string): AtomEntry[] {
  if (!/<feed[\s>]/.test(xml)) {
    throw new SourceError({ source: 'arxiv', kind: 'bad-response', url }, `expected an Atom feed from ${url}, got: ${snippet(xml)}`);
  }
  const doc = xml.replace(/<!--[\s\S]*?-->/g, '');
  if (!/<\/feed\s*>\s*$/.test(doc)) {
    throw new SourceError({ source: 'arxiv', kind: 'bad-response', url }, `the feed from ${url} is cut off (no </feed>); not using a partial list`);
  }
  const entries = parseAtomEntries(doc);
  const opened = doc.match(/<entry[\s>]/g)?.length ?? 0;
  if (opened !== entries.length || (doc.match(/<\/entry\s*>/g)?.length ?? 0) !== entries.length) {
    throw new SourceError({ source: 'arxiv', kind: 'bad-response', url }, `the feed from ${url} is malformed (${opened} entries opened, ${entries.length} complete)`);
  }
  return entries;
}

/** The reason in arXiv's error feed ("incorrect id format for abc"), if the body is one. */
function errorReasonOf(body: string): string | undefined {
  if (!/<feed[\s>]/.test(body)) return undefined;
  const error = parseAtomEntries(body).find(isErrorEntry);
  return error?.summary || undefined;
}

function buildParams(options: FetchArxivOptions): { params: URLSearchParams; limit: number } {
  const { maxResults } = options;
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS_LIMIT)) {
    throw new SourceError({ source: 'arxiv', kind: 'bad-query' }, `maxResults must be an integer from 1 to ${MAX_RESULTS_LIMIT}, got ${maxResults}`);
  }
  if (options.ids !== undefined) {
    const ids = options.ids.map((raw) => {
      const id = normalizeArxivId(raw);
      if (id === undefined) throw new SourceError({ source: 'arxiv', kind: 'bad-query' }, `"${raw}" is not an arXiv id (expected e.g. 2501.12345 or hep-th/9901001)`);
      return id;
    });
    if (ids.length === 0) throw new SourceError({ source: 'arxiv', kind: 'bad-query' }, 'no arXiv ids given');
    const unique = [...new Set(ids)];
    const limit = Math.min(unique.length, maxResults ?? MAX_RESULTS_LIMIT);
    // Version-less ids fetch the latest version, which is what the store keeps.
    return { params: new URLSearchParams({ id_list: unique.join(','), max_results: String(limit) }), limit };
  }
  const query = options.query.trim();
  if (query === '') throw new SourceError({ source: 'arxiv', kind: 'bad-query' }, 'empty arXiv query');
  const limit = maxResults ?? 50;
  const params = new URLSearchParams({
    search_query: query,
    start: '0',
    max_results: String(limit),
    sortBy: 'submittedDate',
    sortOrder: 'descending',
  });
  return { params, limit };
}

function isErrorEntry(entry: AtomEntry): boolean {
  return /\/api\/errors\b/.test(entry.id) || (entry.title === 'Error' && normalizeArxivId(entry.id) === undefined);
}

/** Returns the paper, or why the entry was skipped. */
function toPaper(entry: AtomEntry): ArxivPaper | string {
  const id = normalizeArxivId(entry.id);
  if (id === undefined) return `entry id "${entry.id}" is not an arXiv id`;
  if (entry.title === '') return `${id} has no title`;
  return {
    id,
    title: entry.title,
    abstract: entry.summary,
    authors: entry.authors,
    url: `https://arxiv.org/abs/${id}`,
    ...(entry.published !== '' && { publishedAt: entry.published }),
    source: 'arxiv',
    categories: entry.categories,
  };
}

/** Joins hard-wrapped lines: every run of whitespace becomes one space. */
export function unwrapText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The parts of an Atom `<entry>` Paperboy uses, with entities decoded and whitespace unwrapped. */
export interface AtomEntry {
  id: string;
  title: string;
  summary: string;
  published: string;
  authors: string[];
  links: { href: string; rel?: string; type?: string; title?: string }[];
  categories: string[];
}

/**
 * Extracts the entries of an Atom feed. Not a general XML parser: it reads the flat, unprefixed
 * elements arXiv's feed uses (`arxiv:`-prefixed extensions are ignored, except the primary category).
 */
export function parseAtomEntries(xml: string): AtomEntry[] {
  const doc = xml.replace(/<!--[\s\S]*?-->/g, '');
  return elements(doc, 'entry').map(({ inner }) => {
    const primary = elements(inner, 'arxiv:primary_category')[0]?.attrs.term;
    const categories = elements(inner, 'category')
      .map((c) => c.attrs.term)
      .filter((t): t is string => t !== undefined && t !== '');
    return {
      id: text(elements(inner, 'id')[0]?.inner),
      title: text(elements(inner, 'title')[0]?.inner),
      summary: text(elements(inner, 'summary')[0]?.inner),
      published: text(elements(inner, 'published')[0]?.inner),
      authors: elements(inner, 'author')
        .map((a) => text(elements(a.inner, 'name')[0]?.inner))
        .filter((name) => name !== ''),
      links: elements(inner, 'link')
        .filter((l) => l.attrs.href !== undefined)
        .map(({ attrs }) => ({ href: attrs.href!, rel: attrs.rel, type: attrs.type, title: attrs.title })),
      categories: primary ? [primary, ...categories.filter((c) => c !== primary)] : categories,
    };
  });
}

interface XmlElement {
  attrs: Record<string, string | undefined>;
  inner: string;
}

/** Every `<name …>…</name>` or `<name …/>` in `xml`, outermost only, in document order. */
function elements(xml: string, name: string): XmlElement[] {
  const tag = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`<${tag}(?=[\\s/>])([^>]*?)(?:/>|>([\\s\\S]*?)</${tag}\\s*>)`, 'g');
  return [...xml.matchAll(pattern)].map((m) => ({ attrs: attributes(m[1] ?? ''), inner: m[2] ?? '' }));
}

function attributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of source.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attrs[m[1]!] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return attrs;
}

/** Element content as text: CDATA kept verbatim, entities decoded elsewhere, whitespace unwrapped. */
function text(inner: string | undefined): string {
  if (inner === undefined) return '';
  const parts = inner.split(/<!\[CDATA\[([\s\S]*?)\]\]>/);
  // split() with one capture group alternates plain text (even) and CDATA content (odd).
  return unwrapText(parts.map((part, i) => (i % 2 === 1 ? part : decodeEntities(part))).join(''));
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** One pass, so `&amp;lt;` becomes `&lt;` and not `<`. Unknown entities are left as written. */
export function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}
