import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { IngestError } from '../errors.ts';

const question = z.object({
  id: z.string(),
  kind: z.enum(['single', 'multi', 'none']),
  question: z.string().min(1),
  relevant: z.array(z.string()),
  facts: z.array(z.string()).default([]),
});
export type EvalQuestion = z.infer<typeof question>;

/** Reads a JSON Lines question set (format of eval/questions.jsonl); errors name the line. */
export function readQuestionSet(file: string): EvalQuestion[] {
  const out: EvalQuestion[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new IngestError(file, i + 1, `not valid JSON (${(e as Error).message})`);
      }
      const parsed = question.safeParse(value);
      if (!parsed.success) throw new IngestError(file, i + 1, parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '));
      out.push(parsed.data);
    });
  return out;
}
