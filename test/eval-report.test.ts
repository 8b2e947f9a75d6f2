import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citationMetrics } from '../src/eval/metrics.ts';
import { readQuestionSet } from '../src/eval/question-set.ts';
import { summarise, type QuestionResult } from '../src/eval/run-eval.ts';

const result = (over: Partial<QuestionResult> & Pick<QuestionResult, 'id' | 'kind'>): QuestionResult => ({
  question: 'q',
  ranked: [],
  baselineRanked: [],
  abstained: false,
  answer: '',
  citations: [],
  citationsValid: true,
  factsCovered: 0,
  factsTotal: 0,
  latencyMs: 1,
  ...over,
});
const cite = (...titles: string[]) => titles.map((title, i) => ({ n: i + 1, title, quote: title }));

describe('eval figures', () => {
  it('scores citations: cited papers that are relevant, relevant papers cited', () => {
    expect(citationMetrics(['A', 'B', 'X'], ['A', 'B', 'C', 'D'])).toEqual({ precision: 2 / 3, recall: 0.5 });
    expect(citationMetrics([], ['A']).precision).toBe(0);
  });

  it('counts follow-ups apart from the ranking rows, answered only with a relevant paper cited', () => {
    const questions = [
      { id: 'm1', kind: 'multi' as const, question: 'q', relevant: ['A', 'B'], facts: [] },
      { id: 'f1', kind: 'single' as const, question: 'which of those?', relevant: ['B'], facts: [], after: 'm1' },
      { id: 'f2', kind: 'single' as const, question: 'and it?', relevant: ['A'], facts: [], after: 'm1' },
    ];
    const report = summarise(
      questions,
      [
        result({ id: 'm1', kind: 'multi', ranked: ['A', 'X', 'B'], citations: cite('A', 'X') }),
        result({ id: 'f1', kind: 'single', after: 'm1', citations: cite('B') }),
        result({ id: 'f2', kind: 'single', after: 'm1', citations: cite('B') }),
      ],
      'test',
    );
    expect(report.paperboy.single.n).toBe(0);
    expect(report.paperboy.multi).toMatchObject({ n: 1, r1: 0.5 });
    expect(report.citations.multi).toEqual({ precision: 0.5, recall: 0.5, n: 1 });
    expect(report.followUps).toEqual({ answered: 0.5, n: 2 });
  });

  it('rejects a follow-up whose "after" names no earlier question', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paperboy-eval-'));
    const file = join(dir, 'set.jsonl');
    await writeFile(file, '{"id":"a","kind":"single","question":"q?","relevant":["T"],"after":"zz"}\n');
    expect(() => readQuestionSet(file)).toThrow(/set.jsonl:1.*"after" names zz/);
    await rm(dir, { recursive: true, force: true });
  });
});
