import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Paper } from '../types.ts';

/** Longest abstract text handed to the model per source. */
const MAX_ABSTRACT_CHARS = 2500;

/**
 * Numbers and delimits the papers for the answer prompt. Paper text is untrusted: anything that
 * looks like our delimiters is defused so a crafted abstract cannot close its source early.
 */
export function formatSources(papers: RetrievedPaper[]): string {
  return papers.map((p, i) => formatSource(p.paper, i + 1)).join('\n\n');
}

/** One paper as source `n`, between delimiters. */
export function formatSource(paper: Paper, n: number): string {
  const lines = [
    `Title: ${defuse(paper.title)}`,
    paper.authors.length > 0 ? `Authors: ${defuse(paper.authors.join(', '))}` : undefined,
    paper.publishedAt ? `Published: ${paper.publishedAt.slice(0, 10)}` : undefined,
    `Abstract: ${defuse(paper.abstract.slice(0, MAX_ABSTRACT_CHARS))}`,
  ].filter(Boolean);
  return `<source n="${n}">\n${lines.join('\n')}\n</source>`;
}

/**
 * The question between delimiters like the sources, so text in it cannot pass for instructions
 * or close a block; with a condensed follow-up, the user's own words go along too.
 */
export function formatQuestion(question: string, asked?: string): string {
  const block = `<question>\n${defuse(question)}\n</question>`;
  return asked && asked.trim() !== question.trim() ? `${block}\n<user_message>\n${defuse(asked)}\n</user_message>` : block;
}

function defuse(text: string): string {
  return text.replace(/<\s*\/?\s*(source|question|user_message)/gi, '‹$1');
}
