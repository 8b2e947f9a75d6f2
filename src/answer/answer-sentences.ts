import { splitSentences } from '../text/sentences.ts';

/** One line of a Markdown answer: its list marker (if any) and its sentences, each with its own markers. */
export interface AnswerLine {
  prefix: string;
  sentences: string[];
}

const LIST_MARKER = /^(\s*(?:[-*•]|\d+[.)])\s+)/;

/**
 * Splits a generated answer into lines and sentences so each sentence can be checked and kept or
 * dropped on its own. Markers written after the full stop ("… encoders. [1]") belong to the
 * sentence before them.
 */
export function answerLines(text: string): AnswerLine[] {
  return text.split('\n').map((line) => {
    const prefix = LIST_MARKER.exec(line)?.[1] ?? '';
    const sentences: string[] = [];
    for (const piece of splitSentences(line.slice(prefix.length))) {
      // A bold span (a title like "Decoder-Only or Encoder-Decoder?") is never split.
      const last = sentences.length - 1;
      if (last >= 0 && (sentences[last]!.match(/\*\*/g) ?? []).length % 2 === 1) {
        sentences[last] += ` ${piece}`;
        continue;
      }
      const lead = /^((?:\s*\[\d+\])+)\s*/.exec(piece);
      if (lead && sentences.length > 0) {
        sentences[sentences.length - 1] += ` ${lead[1]!.trim()}`;
        const rest = piece.slice(lead[0].length);
        if (rest) sentences.push(rest);
      } else sentences.push(piece);
    }
    return { prefix, sentences };
  });
}

/** Lines back to Markdown, without lines left empty and without runs of blank lines. */
export function joinLines(lines: AnswerLine[]): string {
  return lines
    .map((l) => (l.sentences.length > 0 ? l.prefix + l.sentences.join(' ') : l.prefix.trim() ? undefined : ''))
    .filter((l): l is string => l !== undefined)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
