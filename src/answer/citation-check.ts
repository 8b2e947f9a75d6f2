import type { Answer, Paper } from '../types.ts';

export interface CitationProblem {
  n: number;
  problem: 'unknown-source' | 'quote-not-in-paper' | 'sentence-not-in-paper';
  detail: string;
}

const MARKER = /\[(\d+)\]/g;

/**
 * Verifies an answer against its sources: every `[n]` in the text must name a listed citation,
 * every citation's quote must appear verbatim in that paper's title or abstract, and (for
 * extractive answers, which only quote) every sentence cited `[n]` must appear in paper n.
 */
export function checkCitations(answer: Pick<Answer, 'text' | 'citations' | 'mode'>, papers: Map<string, Pick<Paper, 'title' | 'abstract'>>): CitationProblem[] {
  const problems: CitationProblem[] = [];
  const byN = new Map(answer.citations.map((c) => [c.n, c]));
  for (const m of answer.text.matchAll(MARKER)) {
    const n = Number(m[1]);
    if (!byN.has(n)) problems.push({ n, problem: 'unknown-source', detail: `[${n}] has no entry in the sources` });
  }
  for (const c of answer.citations) {
    const paper = papers.get(c.paperId);
    const source = paper ? `${paper.title}\n${paper.abstract}` : '';
    if (!paper || !source.includes(c.quote)) {
      problems.push({ n: c.n, problem: 'quote-not-in-paper', detail: `quote for [${c.n}] is not in "${c.title}"` });
    }
  }
  if (answer.mode === 'extractive') {
    for (const { n, sentence } of citedSentences(answer.text)) {
      const c = byN.get(n);
      const paper = c ? papers.get(c.paperId) : undefined;
      if (paper && !`${paper.title}\n${paper.abstract}`.includes(sentence)) {
        problems.push({ n, problem: 'sentence-not-in-paper', detail: `"${sentence.slice(0, 80)}" is not in "${paper.title}"` });
      }
    }
  }
  return problems;
}

/** Extractive answers write `sentence [n]`: yields each quoted sentence with its marker. */
function citedSentences(text: string): { n: number; sentence: string }[] {
  const out: { n: number; sentence: string }[] = [];
  for (const paragraph of text.split(/\n\n+/)) {
    const body = paragraph.replace(/^\*\*.*?\*\* \[\d+\]: /, '');
    const re = /(.+?) \[(\d+)\](?: |$)/gs;
    for (const m of body.matchAll(re)) out.push({ n: Number(m[2]), sentence: m[1]!.trim() });
  }
  return out;
}
