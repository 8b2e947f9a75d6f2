import type { Answer, SearchHit } from '../../src/types.ts';

/** Plain-terminal rendering of an answer: the text, then numbered sources. */
export function renderAnswer(answer: Answer): string {
  return [plainText(answer.text), renderAnswerTail(answer)].filter(Boolean).join('\n\n');
}

/** Markdown emphasis means nothing on a plain terminal. */
export function plainText(markdown: string): string {
  return markdown.replace(/\*\*(.+?)\*\*/g, '$1');
}

/** What follows the answer text: a degradation note, the sources or the near misses. */
export function renderAnswerTail(answer: Answer): string {
  const lines: string[] = [];
  if (answer.note) lines.push(`Note: ${answer.note}`, '');
  if (answer.citations.length > 0) {
    lines.push('Sources:');
    for (const c of answer.citations) lines.push(`  [${c.n}] ${c.title}${c.url ? ` — ${c.url}` : ''}`);
  }
  if (answer.abstained && answer.related.length > 0) {
    lines.push('Maybe related:');
    for (const r of answer.related) lines.push(`  - ${r.title}${r.url ? ` — ${r.url}` : ''}`);
  }
  return lines.join('\n').trim();
}

export function renderHits(hits: SearchHit[]): string {
  if (hits.length === 0) return 'No papers matched.';
  return hits
    .map((h, i) => `${i + 1}. ${h.paper.title}${h.paper.url ? ` — ${h.paper.url}` : ''}\n   ${h.evidence[0] ?? ''}`)
    .join('\n');
}
