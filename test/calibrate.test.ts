import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate } from '../src/eval/calibrate.ts';
import { readQuestionSet } from '../src/eval/question-set.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

describe('calibration on our own questions', () => {
  let t: Awaited<ReturnType<typeof makeTestEngine>>;
  beforeAll(async () => {
    t = await makeTestEngine();
  });
  afterAll(async () => t?.cleanup());

  it('picks the answerability floor with the least balanced error on sets held out whole, and shows what other floors trade', async () => {
    // Every third question of two sets with both kinds keeps the test quick.
    const questions = ['eval/questions-abstain-2.jsonl', 'eval/questions-chat-more.jsonl'].flatMap((f) => readQuestionSet(f).filter((_, i) => i % 3 === 0));
    const { answerability, fit } = await calibrate(questions, t.retriever);
    expect(fit.outOfFold).toBe('leave-one-set-out');
    expect(Object.values(answerability.weights).every((w) => w >= 0)).toBe(true);
    const rows = fit.tradeOff;
    expect(rows.map((r) => r.floor)).toEqual([0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]);
    // A higher floor refuses more of both kinds.
    rows.slice(1).forEach((r, i) => {
      expect(r.noneAbstained).toBeGreaterThanOrEqual(rows[i]!.noneAbstained);
      expect(r.answerableAbstained).toBeGreaterThanOrEqual(rows[i]!.answerableAbstained);
    });
    // No floor shown errs less, out of fold, than the chosen one (none answered plus answerable refused; shares rounded to 0.001).
    const error = (r: (typeof rows)[number]) => 1 - r.noneAbstained + r.answerableAbstained;
    expect(fit.chosen.floor).toBe(answerability.floor);
    for (const r of rows) expect(error(r)).toBeGreaterThanOrEqual(error(fit.chosen) - 0.002);
  }, 120_000);
});
