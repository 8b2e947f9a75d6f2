import { IngestError } from '../../src/errors.ts';
import { normalizeText } from '../../src/text/normalize.ts';
import type { PaperInput } from '../../src/types.ts';
import { MAX_TITLE_CHARS, lengthProblem } from '../limits.ts';
import { paperIdFor } from '../../src/paper-id.ts';

/** An abstract is a long paragraph; anything shorter is a title or page furniture. */
const MIN_ABSTRACT_CHARS = 120;

/**
 * Parses the trending-papers text format: optional page furniture, then for each paper a title
 * line, a blank line, the abstract on one line, a blank line. Lines that do not form a
 * title + abstract pair after the first paper are errors naming the line.
 */
export function parsePapersTxt(text: string, file: string): PaperInput[] {
  const lines = text.split(/\r?\n/);
  const blocks: { line: number; text: string }[] = [];
  lines.forEach((raw, i) => {
    const t = raw.trim();
    if (t) blocks.push({ line: i + 1, text: t });
  });
  const papers: PaperInput[] = [];
  let i = 0;
  while (i < blocks.length) {
    const title = blocks[i]!;
    const abstract = blocks[i + 1];
    const pairs = abstract !== undefined && title.text.length <= MAX_TITLE_CHARS && abstract.text.length >= MIN_ABSTRACT_CHARS;
    if (!pairs) {
      if (papers.length === 0 && title.text.length < MIN_ABSTRACT_CHARS) {
        i++; // page furniture before the first paper ("Subscribe", dates, …)
        continue;
      }
      const reason =
        abstract === undefined
          ? `title "${clip(title.text)}" has no abstract after it`
          : title.text.length > MAX_TITLE_CHARS
            ? `expected a title line, found a paragraph of ${title.text.length} characters`
            : `the line after title "${clip(title.text)}" is too short to be an abstract (${abstract.text.length} characters)`;
      throw new IngestError(file, abstract === undefined || title.text.length > MAX_TITLE_CHARS ? title.line : abstract.line, reason);
    }
    const t = normalizeText(title.text);
    const a = normalizeText(abstract.text);
    const problem = lengthProblem(t, a);
    if (problem) throw new IngestError(file, abstract.line, problem);
    papers.push({ id: paperIdFor({ title: t }), title: t, abstract: a, authors: [], source: `file:${baseName(file)}` });
    i += 2;
  }
  if (papers.length === 0) throw new IngestError(file, 1, 'no papers found (expected: title line, blank line, abstract line)');
  return papers;
}

function clip(s: string) {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

export function baseName(file: string) {
  return file.split(/[\\/]/).pop() ?? file;
}
