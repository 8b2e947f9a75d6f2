import { stat } from 'node:fs/promises';
import { IngestError } from '../../src/errors.ts';
import type { PaperInput } from '../../src/types.ts';
import { jsonLinesPapers, parseJsonArray } from './json-papers.ts';
import { parsePapersTxt } from './papers-txt.ts';
import { readLines, type NumberedLine } from './read-lines.ts';

/** Formats parsed as one text; above this size only JSON Lines (streamed) is accepted. */
const WHOLE_FILE_MAX_BYTES = 200 * 1024 * 1024;

/** Reads one local file, choosing the parser by extension (or by content for unknown ones). */
export async function readPaperFile(file: string): Promise<PaperInput[]> {
  const out: PaperInput[] = [];
  for await (const p of streamPaperFile(file)) out.push(p);
  return out;
}

/**
 * The papers of one local file, one at a time: JSON Lines is streamed (memory bounded by one
 * line); papers.txt and JSON arrays are parsed whole. Every format goes through the same UTF-8
 * check and byte-order-mark handling.
 */
export async function* streamPaperFile(file: string): AsyncGenerator<PaperInput> {
  if (/\.jsonl$|\.ndjson$/i.test(file)) {
    yield* jsonLinesPapers(readLines(file), file);
    return;
  }
  const size = await stat(file).then(
    (s) => s.size,
    (e: NodeJS.ErrnoException) => {
      throw new IngestError(file, 0, `cannot read file (${e.code ?? e.message})`);
    },
  );
  if (size > WHOLE_FILE_MAX_BYTES) {
    throw new IngestError(file, 0, `file is ${Math.round(size / 2 ** 20)} MB; above ${WHOLE_FILE_MAX_BYTES / 2 ** 20} MB give papers as JSON Lines (.jsonl), which is read as a stream`);
  }
  const lines: NumberedLine[] = [];
  for await (const l of readLines(file)) lines.push(l);
  const text = lines.map((l) => l.text).join('\n');
  if (/\.json$/i.test(file)) return yield* parseJsonArray(text, file);
  const head = text.trimStart();
  if (head.startsWith('[')) return yield* parseJsonArray(text, file);
  if (head.startsWith('{')) return yield* jsonLinesPapers(lines, file);
  yield* parsePapersTxt(text, file);
}

/** Parses a whole file without keeping it, so a malformed file fails before anything is written; returns its record count. */
export async function checkPaperFile(file: string): Promise<number> {
  let n = 0;
  for await (const _ of streamPaperFile(file)) n++;
  return n;
}
