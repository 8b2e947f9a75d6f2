/** How papers are named in text: arXiv ids and the dates of Hugging Face's daily lists. Pure syntax, no fetching. */

const NEW_STYLE_ID = /^(\d{4}\.\d{4,5})(?:v\d+)?$/;
// Pre-2007 ids: archive[.SUBJECT]/YYMMNNN, e.g. hep-th/9901001 or math.AG/0601001.
const OLD_STYLE_ID = /^([a-z]+(?:-[a-z]+)*(?:\.[A-Za-z-]+)?\/\d{7})(?:v\d+)?$/;

/**
 * The bare arXiv id of an id, `arXiv:` reference or abs/pdf URL, without its version suffix;
 * undefined when it is not an arXiv id.
 *
 * @example
 * normalizeArxivId('http://arxiv.org/abs/2501.12345v2') // '2501.12345'
 * normalizeArxivId('hep-th/9901001v1')                  // 'hep-th/9901001'
 */
export function normalizeArxivId(raw: string): string | undefined {
  const bare = raw
    .trim()
    .replace(/^https?:\/\/(?:export\.|www\.)?arxiv\.org\/(?:abs|pdf)\//i, '')
    .replace(/^arxiv:/i, '')
    .replace(/\.pdf$/i, '');
  return (NEW_STYLE_ID.exec(bare) ?? OLD_STYLE_ID.exec(bare))?.[1];
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isDailyDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}
