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

  it('picks the lowest answerability floor that answers at most a tenth of the none questions out of fold, and shows what other floors trade', async () => {
    // Every third question of a set with both kinds keeps the test quick.
    const questions = readQuestionSet('eval/questions-abstain-2.jsonl').filter((_, i) => i % 3 === 0);
    const { answerability, fit } = await calibrate(questions, t.retriever);
    expect(Object.values(answerability.weights).every((w) => w >= 0)).toBe(true);
    const rows = fit.tradeOff;
    expect(rows.map((r) => r.floor)).toEqual([0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]);
    // A higher floor refuses more of both kinds.
    rows.slice(1).forEach((r, i) => {
      expect(r.noneAbstained).toBeGreaterThanOrEqual(rows[i]!.noneAbstained);
      expect(r.answerableAbstained).toBeGreaterThanOrEqual(rows[i]!.answerableAbstained);
    });
    // Below the chosen floor too many none questions are answered; from it on, few enough.
    for (const r of rows) {
      if (r.floor < answerability.floor) expect(r.noneAbstained).toBeLessThan(0.9);
      else expect(r.noneAbstained).toBeGreaterThanOrEqual(0.9);
    }
  }, 120_000);
});
