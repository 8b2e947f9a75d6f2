import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';

/** Longest abstract text handed to the model per source. */
const MAX_ABSTRACT_CHARS = 2500;

/**
 * Numbers and delimits the papers for the answer prompt. Paper text is untrusted: anything that
 * looks like our delimiters is defused so a crafted abstract cannot close its source early.
 */
export function formatSources(papers: RetrievedPaper[]): string {
  return papers
    .map(({ paper }, i) => {
      const lines = [
        `Title: ${defuse(paper.title)}`,
        paper.authors.length > 0 ? `Authors: ${defuse(paper.authors.join(', '))}` : undefined,
        paper.publishedAt ? `Published: ${paper.publishedAt.slice(0, 10)}` : undefined,
        `Abstract: ${defuse(paper.abstract.slice(0, MAX_ABSTRACT_CHARS))}`,
      ].filter(Boolean);
      return `<source n="${i + 1}">\n${lines.join('\n')}\n</source>`;
    })
    .join('\n\n');
}

function defuse(text: string): string {
  return text.replace(/<\s*\/?\s*source/gi, '‹source');
}
