import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { IngestError } from '../errors.ts';
import { mapJsonLines } from '../text/json-lines.ts';

const question = z.object({
  id: z.string(),
  kind: z.enum(['single', 'multi', 'none']),
  question: z.string().min(1),
  relevant: z.array(z.string()),
  facts: z.array(z.string()).default([]),
  /** A follow-up: asked with the question of this id and its answer as the conversation. */
  after: z.string().optional(),
});
/** `set`: the file the question came from (its writer and style), for leave-one-set-out fitting. */
export type EvalQuestion = z.infer<typeof question> & { set?: string };

/** Reads a JSON Lines question set (format of eval/questions.jsonl); errors name the line. */
export function readQuestionSet(file: string): EvalQuestion[] {
  const questions = mapJsonLines(readFileSync(file, 'utf8'), file, (value, line) => {
    const parsed = question.safeParse(value);
    if (!parsed.success) throw new IngestError(file, line, parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '));
    return { ...parsed.data, set: basename(file) };
  });
  questions.forEach((q, i) => {
    if (q.after !== undefined && !questions.slice(0, i).some((earlier) => earlier.id === q.after)) {
      throw new IngestError(file, i + 1, `"after" names ${q.after}, which is not an earlier question of the set`);
    }
  });
  return questions;
}
