import { splitSentences } from '../src/text/sentences.ts';

export interface TextChunk {
  ord: number;
  /** `Title. sentence sentence …`: the title prefix gives every chunk its paper's topic. */
  text: string;
}

/** Groups whole sentences into chunks of at most `maxChars` (a single longer sentence stands alone). */
export function chunkAbstract(title: string, abstract: string, { maxChars = 600 } = {}): TextChunk[] {
  const groups: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const s of splitSentences(abstract)) {
    if (current.length > 0 && size + s.length + 1 > maxChars) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(s);
    size += s.length + 1;
  }
  if (current.length > 0) groups.push(current);
  const prefix = /[.!?]$/.test(title) ? title : `${title}.`;
  return groups.map((g, ord) => ({ ord, text: `${prefix} ${g.join(' ')}` }));
}
