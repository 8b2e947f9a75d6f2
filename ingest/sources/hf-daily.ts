/**
 * Hugging Face daily papers: `GET {HF_API_BASE}/api/daily_papers?date=YYYY-MM-DD`, validated with
 * zod. An entry that does not fit is skipped and named in one warn line; a response that is not a
 * list of entries at all fails the whole fetch.
 */
import { z } from 'zod';
import type { PaperInput } from '../../src/types.ts';
import { isDailyDate, normalizeArxivId } from '../../src/text/paper-refs.ts';
import { unwrapText } from './arxiv.ts';
import { snippet, SourceError, type HttpClient } from './http-client.ts';

/** A paper from the daily list, with the extras the digest can use (`aiSummary` as a ready-made gist). */
export interface HfDailyPaper extends PaperInput {
  source: 'hf-daily';
  /** When it was put on the daily list (ISO); `publishedAt` is the arXiv publication time. */
  submittedOnDailyAt?: string;
  githubRepo?: string;
  projectPage?: string;
  aiSummary?: string;
  aiKeywords?: string[];
}

export interface FetchHfDailyOptions {
  /** `HF_API_BASE`, e.g. https://huggingface.co */
  baseUrl: string;
  /** `YYYY-MM-DD`, the day the papers were featured; omitted means the latest list. */
  date?: string;
  http: HttpClient;
  /** Entries per request; 50 is a size the API is known to serve, and paging fetches the rest. */
  pageSize?: number;
  /** Stop paging after this many requests, so a misbehaving API cannot loop us. */
  maxPages?: number;
  signal?: AbortSignal;
}

const isoTime = z.string().datetime({ offset: true });
// HF sends null as often as it omits a field.
const optionalText = z.string().nullish().transform((v) => (v == null || v.trim() === '' ? undefined : v.trim()));

const entrySchema = z.object({
  paper: z.object({
    id: z.string(),
    title: z.string().min(1),
    summary: z.string(),
    authors: z.array(z.object({ name: z.string() })),
    publishedAt: isoTime.optional(),
    submittedOnDailyAt: isoTime.optional(),
    upvotes: z.number().int().nonnegative().optional(),
    githubRepo: optionalText,
    projectPage: optionalText,
    ai_summary: optionalText,
    ai_keywords: z.array(z.string()).nullish(),
  }),
  publishedAt: isoTime.optional(),
});

/**
 * @example
 * const papers = await fetchHfDaily({ baseUrl: config.digest.hfApiBase, date: '2026-11-27', http });
 */
export async function fetchHfDaily({
  baseUrl,
  date,
  http,
  pageSize = 50,
  maxPages = 5,
  signal,
}: FetchHfDailyOptions): Promise<HfDailyPaper[]> {
  try {
    if (date !== undefined && !isDailyDate(date)) {
      throw new SourceError({ source: 'hf-daily', kind: 'bad-query' }, `"${date}" is not a date like 2026-11-27`);
    }
    const papers = new Map<string, HfDailyPaper>();
    const skipped: string[] = [];
    let seen = 0;
    for (let page = 0; page < maxPages; page++) {
      const params = new URLSearchParams({ ...(date ? { date } : {}), limit: String(pageSize), p: String(page) });
      const url = `${baseUrl.replace(/\/+$/, '')}/api/daily_papers?${params}`;
      const entries = parseBody(await http.getText(url, { source: 'hf-daily', accept: 'application/json', signal }), url);
      const before = papers.size;
      entries.forEach((raw, i) => {
        const result = toPaper(raw);
        if (typeof result === 'string') skipped.push(`entry ${seen + i}: ${result}`);
        else if (!papers.has(result.id)) papers.set(result.id, result);
      });
      seen += entries.length;
      // A short page is the last one; a page with nothing new means the API ignores paging.
      if (entries.length < pageSize || papers.size === before) break;
    }
    if (skipped.length > 0 && papers.size === 0) {
      throw new SourceError({ source: 'hf-daily', kind: 'bad-response' }, `no entry had the documented shape (did the API change?): ${skipped.slice(0, 3).join('; ')}`);
    }
    if (skipped.length > 0) {
      http.logger.warn({ source: 'hf-daily', date, skipped }, `hf-daily: skipped ${skipped.length} of ${seen} entries: ${skipped.join('; ')}`);
    }
    return [...papers.values()];
  } catch (err) {
    // A caller that aborted knows why; that is not a source failure to log.
    throw signal?.aborted ? err : http.failure('hf-daily', err);
  }
}

function parseBody(body: string, url: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new SourceError({ source: 'hf-daily', kind: 'bad-response', url }, `expected JSON from ${url}, got: ${snippet(body)}`);
  }
  if (!Array.isArray(json)) {
    throw new SourceError({ source: 'hf-daily', kind: 'bad-response', url }, `expected a JSON array of daily papers from ${url}, got: ${snippet(body)}`);
  }
  return json;
}

/** Returns the paper, or why the entry was skipped. */
function toPaper(raw: unknown): HfDailyPaper | string {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join(', ');
  }
  const { paper, publishedAt: listedAt } = parsed.data;
  const id = normalizeArxivId(paper.id);
  if (id === undefined) return `paper.id "${paper.id}" is not an arXiv id`;
  const keywords = paper.ai_keywords?.map(unwrapText).filter((k) => k !== '') ?? [];
  const submittedOnDailyAt = paper.submittedOnDailyAt ?? listedAt;
  // Absent stays absent (no `key: undefined`), so stores and snapshots see only what HF sent.
  return {
    id,
    title: unwrapText(paper.title),
    abstract: unwrapText(paper.summary),
    authors: paper.authors.map((a) => unwrapText(a.name)).filter((name) => name !== ''),
    url: `https://huggingface.co/papers/${id}`,
    source: 'hf-daily',
    ...(paper.publishedAt !== undefined && { publishedAt: paper.publishedAt }),
    ...(paper.upvotes !== undefined && { upvotes: paper.upvotes }),
    ...(submittedOnDailyAt !== undefined && { submittedOnDailyAt }),
    ...(paper.githubRepo !== undefined && { githubRepo: paper.githubRepo }),
    ...(paper.projectPage !== undefined && { projectPage: paper.projectPage }),
    ...(paper.ai_summary !== undefined && { aiSummary: unwrapText(paper.ai_summary) }),
    ...(keywords.length > 0 && { aiKeywords: keywords }),
  };
}
