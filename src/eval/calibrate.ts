import type { Retriever } from '../retrieve/hybrid-retriever.ts';
import { FEATURE_NAMES, relevanceOf, type RelevanceModel } from '../retrieve/relevance.ts';
import type { EvalQuestion } from './question-set.ts';

/**
 * Fits the relevance model: logistic regression (L2-regularised, batch gradient descent on
 * standardised-free raw features, which are all in [0, ~3]) on (question, retrieved paper)
 * pairs labelled by the question set, then picks the abstention floor from the top paper's
 * relevance on each question.
 */
export async function calibrate(questions: EvalQuestion[], retriever: Retriever, { k = 10, l2 = 0.01, steps = 5000, rate = 0.5, minAbstainRecall = 0.9 } = {}) {
  const xs: number[][] = [];
  const ys: number[] = [];
  const perQuestion: { kind: EvalQuestion['kind']; top: number[] | undefined }[] = [];
  for (const q of questions) {
    const gold = new Set(q.relevant);
    const hits = await retriever.retrieve(q.question, { k });
    hits.forEach((h) => {
      xs.push(FEATURE_NAMES.map((n) => h.features[n]));
      ys.push(gold.has(h.paper.title) ? 1 : 0);
    });
    perQuestion.push({ kind: q.kind, top: hits[0] ? FEATURE_NAMES.map((n) => hits[0]!.features[n]) : undefined });
  }
  const w = new Array(FEATURE_NAMES.length + 1).fill(0);
  for (let step = 0; step < steps; step++) {
    const grad = new Array(w.length).fill(0);
    xs.forEach((x, i) => {
      const z = w[0] + x.reduce((a, v, j) => a + v * w[j + 1], 0);
      const err = 1 / (1 + Math.exp(-z)) - ys[i]!;
      grad[0] += err;
      x.forEach((v, j) => (grad[j + 1] += err * v));
    });
    for (let j = 0; j < w.length; j++) w[j] -= rate * (grad[j] / xs.length + (j > 0 ? l2 * w[j] : 0));
  }
  const model: RelevanceModel = {
    intercept: round(w[0]),
    weights: Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, round(w[j + 1])])) as RelevanceModel['weights'],
  };
  const scored = perQuestion.map((p) => ({
    none: p.kind === 'none',
    r: p.top ? relevanceOf(Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, p.top![j]!])) as never, model) : 0,
  }));
  // Floor: the highest share of answerable questions answered while at least `minAbstainRecall`
  // of the unanswerable ones abstain; halfway between neighbouring scores to avoid sitting on one.
  const noneScores = scored.filter((s) => s.none).map((s) => s.r).sort((a, b) => b - a);
  const answerable = scored.filter((s) => !s.none).map((s) => s.r);
  const allowedAbove = Math.floor(noneScores.length * (1 - minAbstainRecall));
  const ceiling = noneScores[allowedAbove] ?? 0;
  const nextUp = Math.min(...[...noneScores, ...answerable].filter((r) => r > ceiling), 1);
  const floor = round((ceiling + nextUp) / 2);
  const abstainRecall = mean(noneScores.map((r) => (r < floor ? 1 : 0)));
  const answerableAbstained = mean(answerable.map((r) => (r < floor ? 1 : 0)));
  return { model, pairs: xs.length, positives: ys.filter((y) => y === 1).length, floor, abstainRecall, answerableAbstained };
}

function mean(xs: number[]) {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
