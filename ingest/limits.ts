/** Longest title any source may give (a longer "title" is a paragraph that lost its line break). */
export const MAX_TITLE_CHARS = 400;
/** Longest abstract: arXiv caps theirs near 2,000 characters; ten times that is a whole paper pasted in. */
export const MAX_ABSTRACT_CHARS = 20_000;

/** Why a title/abstract pair cannot be stored, or undefined when it can. The one rule for every format and source. */
export function lengthProblem(title: string, abstract: string): string | undefined {
  if (title.length > MAX_TITLE_CHARS) return `title is ${title.length} characters (at most ${MAX_TITLE_CHARS})`;
  if (abstract.length > MAX_ABSTRACT_CHARS) return `abstract is ${abstract.length} characters (at most ${MAX_ABSTRACT_CHARS})`;
  return undefined;
}
