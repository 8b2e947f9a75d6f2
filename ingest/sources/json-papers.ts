import { z } from 'zod';
import { IngestError } from '../../src/errors.ts';
import { normalizeText } from '../../src/text/normalize.ts';
import type { PaperInput } from '../../src/types.ts';
import { lengthProblem } from '../limits.ts';
import { paperIdFor } from '../../src/paper-id.ts';
import type { NumberedLine } from './read-lines.ts';
import { baseName } from './papers-txt.ts';

const record = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    title: z.string().trim().min(1, 'title is empty'),
    abstract: z.string().optional(),
    summary: z.string().optional(),
    authors: z.array(z.union([z.string(), z.object({ name: z.string() })])).optional(),
    url: z.string().url().optional(),
    publishedAt: z.string().optional(),
    upvotes: z.number().int().nonnegative().optional(),
  })
  .refine((r) => (r.abstract ?? r.summary ?? '').trim().length > 0, { message: 'needs a non-empty "abstract" or "summary"' });

/** JSON Lines, streamed: one paper object a line; blank lines are allowed. */
export async function* jsonLinesPapers(lines: AsyncIterable<NumberedLine> | Iterable<NumberedLine>, file: string): AsyncGenerator<PaperInput> {
  let found = false;
  for await (const { line, text } of lines) {
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new IngestError(file, line, `not valid JSON (${(e as Error).message})`);
    }
    yield toPaper(value, file, line);
    found = true;
  }
  if (!found) throw new IngestError(file, 1, 'no papers found');
}

/** A JSON array of paper objects; errors name the line where the bad element starts. */
export function parseJsonArray(text: string, file: string): PaperInput[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message);
    throw new IngestError(file, pos ? lineAt(text, Number(pos[1])) : 1, `not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(value)) throw new IngestError(file, 1, 'expected a JSON array of papers');
  const starts = elementStartLines(text);
  return value.map((v, i) => toPaper(v, file, starts[i] ?? 1));
}

function toPaper(value: unknown, file: string, line: number): PaperInput {
  const parsed = record.safeParse(value);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new IngestError(file, line, why);
  }
  const r = parsed.data;
  const title = normalizeText(r.title);
  const abstract = normalizeText(r.abstract ?? r.summary ?? '');
  const problem = lengthProblem(title, abstract);
  if (problem) throw new IngestError(file, line, problem);
  const id = r.id === undefined ? undefined : String(r.id);
  return {
    id: paperIdFor({ id, url: r.url, title }),
    title,
    abstract,
    authors: (r.authors ?? []).map((a) => normalizeText(typeof a === 'string' ? a : a.name)),
    url: r.url,
    publishedAt: r.publishedAt,
    upvotes: r.upvotes,
    source: `file:${baseName(file)}`,
  };
}

function lineAt(text: string, offset: number) {
  return text.slice(0, offset).split('\n').length;
}

/** Line numbers where each top-level array element begins (a small scanner, aware of strings). */
function elementStartLines(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectStart = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (expectStart && !/\s/.test(c)) {
      starts.push(line);
      expectStart = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1 && c === '[') expectStart = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectStart = true;
  }
  return starts;
}
