import { readFile } from 'node:fs/promises';
import { IngestError } from '../../src/errors.ts';
import type { PaperInput } from '../../src/types.ts';
import { parseJsonArray, parseJsonLines } from './json-papers.ts';
import { parsePapersTxt } from './papers-txt.ts';

/** Reads one local file, choosing the parser by extension (or by content for unknown ones). */
export async function readPaperFile(file: string): Promise<PaperInput[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new IngestError(file, 0, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (/\.jsonl$|\.ndjson$/i.test(file)) return parseJsonLines(text, file);
  if (/\.json$/i.test(file)) return parseJsonArray(text, file);
  const head = text.trimStart();
  if (head.startsWith('[')) return parseJsonArray(text, file);
  if (head.startsWith('{')) return parseJsonLines(text, file);
  return parsePapersTxt(text, file);
}
