import { normalizeArxivId } from '../text/paper-refs.ts';

/**
 * arXiv abs/pdf and Hugging Face paper URLs, `arXiv:` references (new- or old-style ids), and bare
 * new-style ids like 2501.12345.
 */
const PAPER_LINK =
  /https?:\/\/(?:www\.|export\.)?(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/([a-z.-]+\/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?[^\s)>]*|\barxiv:\s*([a-z.-]+\/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?|\b(\d{4}\.\d{4,5})(?:v\d+)?\b/gi;

/**
 * The arXiv ids a question names, in order, without versions or repeats.
 *
 * @example arxivIdsIn('summarise https://arxiv.org/abs/2501.12345v2') // ['2501.12345']
 */
export function arxivIdsIn(text: string): string[] {
  const ids = [...text.matchAll(PAPER_LINK)].map((m) => normalizeArxivId(m[1] ?? m[2] ?? m[3] ?? ''));
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** The question with its paper links and ids taken out. */
export function withoutPaperLinks(text: string): string {
  return text.replace(PAPER_LINK, ' ').replace(/\s+/g, ' ').trim();
}
