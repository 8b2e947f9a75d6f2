/** A paper's identity, shared by ingest/ and the core (the papers a question links), so it sits below both. */
import { createHash } from 'node:crypto';
import { titleKey } from './text/normalize.ts';
import { normalizeArxivId } from './text/paper-refs.ts';

/** Hugging Face paper pages are named by arXiv id: https://huggingface.co/papers/2501.12345 */
const HF_PAPER_PAGE = /^https?:\/\/(?:www\.)?huggingface\.co\/papers\//i;

/**
 * Stable id: an arXiv id when the input carries one, else `t-` and a short hash of the
 * normalised title, so the same paper from papers.txt and JSON gets the same id.
 */
export function paperIdFor({ id, url, title }: { id?: string; url?: string; title: string }): string {
  const arxiv = (id && normalizeArxivId(id)) || (url && normalizeArxivId(url.replace(HF_PAPER_PAGE, ''))) || undefined;
  if (arxiv) return arxiv;
  if (id && /^[\w.:-]{1,128}$/.test(id)) return id;
  // A title of symbols only has an empty key: its own text still tells it apart.
  return `t-${createHash('sha256').update(titleKey(title) || title).digest('hex').slice(0, 16)}`;
}

export function contentHashOf(title: string, abstract: string): string {
  return createHash('sha256').update(`${title}\n${abstract}`).digest('hex');
}
