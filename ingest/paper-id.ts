import { createHash } from 'node:crypto';
import { titleKey } from '../src/text/normalize.ts';

const NEW_ARXIV = /\b(\d{4}\.\d{4,5})(?:v\d+)?\b/;
const OLD_ARXIV = /\b([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?\b/;

/** The arXiv id (version suffix dropped) found in an id or URL, if any. */
export function arxivIdFrom(text: string | undefined): string | undefined {
  if (!text) return undefined;
  return NEW_ARXIV.exec(text)?.[1] ?? OLD_ARXIV.exec(text)?.[1];
}

/**
 * Stable id: an arXiv id when the input carries one, else `t-` and a short hash of the
 * normalised title, so the same paper from papers.txt and JSON gets the same id.
 */
export function paperIdFor({ id, url, title }: { id?: string; url?: string; title: string }): string {
  const arxiv = arxivIdFrom(id) ?? arxivIdFrom(url);
  if (arxiv) return arxiv;
  if (id && /^[\w.:-]{1,128}$/.test(id)) return id;
  return `t-${createHash('sha256').update(titleKey(title)).digest('hex').slice(0, 16)}`;
}

export function contentHashOf(title: string, abstract: string): string {
  return createHash('sha256').update(`${title}\n${abstract}`).digest('hex');
}
