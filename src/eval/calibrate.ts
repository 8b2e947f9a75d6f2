import type { Retriever } from '../retrieve/hybrid-retriever.ts';
import { ANSWERABILITY_FEATURE_NAMES, FEATURE_NAMES, logistic, type LogisticModel } from '../retrieve/relevance.ts';
import { asksForSeveral } from '../retrieve/asks-for-several.ts';
import type { EvalQuestion } from './question-set.ts';

/** Share of unanswerable training questions the answerability floor may answer (out of fold). */
const FALSE_ANSWER_TARGET = 0.1;
/** Folds of the training questions that give the out-of-fold scores the floor is chosen on. */
const FLOOR_FOLDS = 5;

interface Example {
  x: number[];
  y: 0 | 1;
}

/**
 * Fits both models of relevance.ts on question sets:
 * - paper relevance on (question, retrieved paper) pairs labelled by the set, floor at best F1, and
 *   a second floor at best F1 over the pairs of questions that ask for several papers;
 * - answerability on questions (answerable vs `none`, the two classes weighted equally), from
 *   the best paper's features and its lead. Its floor is chosen on out-of-fold scores of the
 *   training questions (each scored by a model fitted without it): in-sample scores are
 *   over-confident, and a floor set on them answers too many unseen `none` questions. The floor
 *   is the lowest that answers at most FALSE_ANSWER_TARGET of those `none` questions.
 */
export async function calibrate(questions: EvalQuestion[], retriever: Retriever, { k = 10 } = {}) {
  const pairs: (Example & { several: boolean })[] = [];
  const asked: Example[] = [];
  // A follow-up means nothing without its conversation, so it teaches neither model.
  for (const q of questions.filter((x) => x.after === undefined)) {
    const gold = new Set(q.relevant);
    const hits = await retriever.retrieve(q.question, { k });
    const several = asksForSeveral(q.question);
    for (const h of hits) pairs.push({ x: FEATURE_NAMES.map((n) => h.features[n]), y: gold.has(h.paper.title) ? 1 : 0, several });
    const [best, runnerUp] = hits;
    if (best) {
      const features = { ...best.features, lead: best.score - (runnerUp?.score ?? 0) };
      asked.push({ x: ANSWERABILITY_FEATURE_NAMES.map((n) => features[n]), y: q.kind === 'none' ? 0 : 1 });
    }
  }
  const paper = { ...toModel(FEATURE_NAMES, fitLogistic(pairs)), severalFloor: 0.5 };
  const answerability = toModel(ANSWERABILITY_FEATURE_NAMES, fitLogistic(asked, { balanced: true }));

  const pairScores = pairs.map((p) => ({ s: score(paper, FEATURE_NAMES, p.x), y: p.y, several: p.several }));
  paper.floor = bestF1Floor(pairScores);
  // Questions asking for the papers on a topic want every relevant one: their own floor, else the general one.
  const severalScores = pairScores.filter((p) => p.several);
  paper.severalFloor = severalScores.some((p) => p.y === 1) ? bestF1Floor(severalScores) : paper.floor;

  const outOfFold = outOfFoldScores(asked, ANSWERABILITY_FEATURE_NAMES);
  answerability.floor = floorForFalseAnswers(outOfFold, FALSE_ANSWER_TARGET);
  const questionScores = asked.map((a) => ({ s: score(answerability, ANSWERABILITY_FEATURE_NAMES, a.x), y: a.y }));
  const none = questionScores.filter((q) => q.y === 0).map((q) => q.s);
  const answerable = questionScores.filter((q) => q.y === 1);
  return {
    paper,
    answerability,
    fit: {
      pairs: pairs.length,
      questions: asked.length,
      abstainRecall: round(none.filter((s) => s < answerability.floor).length / Math.max(1, none.length)),
      answerableAbstained: round(answerable.filter((q) => q.s < answerability.floor).length / Math.max(1, answerable.length)),
      /** What other floors would trade, out of fold: the evidence for the chosen one. */
      tradeOff: tradeOff(outOfFold),
    },
  };
}

/**
 * L2-regularised logistic regression by batch gradient descent (features are all of order 1).
 * Weights are kept non-negative: every feature is built so that more means more relevant, and a
 * negative weight would only fit the collinearity of one training set (signs flipped between sets).
 */
function fitLogistic(examples: Example[], { l2 = 0.001, steps = 20_000, rate = 1, balanced = false } = {}): number[] {
  const d = examples[0]?.x.length ?? 0;
  const w = new Array<number>(d + 1).fill(0);
  const positives = examples.filter((e) => e.y === 1).length;
  const classWeight = (y: number) => (!balanced ? 1 : examples.length / (2 * Math.max(1, y === 1 ? positives : examples.length - positives)));
  for (let step = 0; step < steps; step++) {
    const grad = new Array<number>(d + 1).fill(0);
    for (const { x, y } of examples) {
      const z = w[0]! + x.reduce((a, v, j) => a + v * w[j + 1]!, 0);
      const err = (1 / (1 + Math.exp(-z)) - y) * classWeight(y);
      grad[0]! += err;
      x.forEach((v, j) => (grad[j + 1]! += err * v));
    }
    for (let j = 0; j <= d; j++) w[j]! -= rate * (grad[j]! / examples.length + (j > 0 ? l2 * w[j]! : 0));
    for (let j = 1; j <= d; j++) w[j] = Math.max(0, w[j]!);
  }
  return w;
}

function toModel<N extends string>(names: readonly N[], w: number[]): LogisticModel<N> {
  return { intercept: round(w[0]!), weights: Object.fromEntries(names.map((n, j) => [n, round(w[j + 1]!)])) as Record<N, number>, floor: 0.5 };
}

function score<N extends string>(model: LogisticModel<N>, names: readonly N[], x: number[]): number {
  return logistic(model, Object.fromEntries(names.map((n, j) => [n, x[j]!])) as Record<N, number>);
}

function bestF1Floor(scores: { s: number; y: number }[]): number {
  let best = { floor: 0.5, f1: -1 };
  for (let floor = 0.02; floor < 0.98; floor += 0.01) {
    const tp = scores.filter((p) => p.s >= floor && p.y === 1).length;
    const fp = scores.filter((p) => p.s >= floor && p.y === 0).length;
    const fn = scores.filter((p) => p.s < floor && p.y === 1).length;
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1) best = { floor: round(floor), f1 };
  }
  return best.floor;
}

/** Each example scored by a balanced model fitted on the other folds (round-robin, so folds mix the sets' kinds). */
function outOfFoldScores<N extends string>(examples: Example[], names: readonly N[]): { s: number; y: number }[] {
  const models = Array.from({ length: FLOOR_FOLDS }, (_, fold) => toModel(names, fitLogistic(examples.filter((_, j) => j % FLOOR_FOLDS !== fold), { balanced: true })));
  return examples.map((e, i) => ({ s: score(models[i % FLOOR_FOLDS]!, names, e.x), y: e.y }));
}

/** The lowest floor (fewest answerable questions refused) that answers at most `target` of the unanswerable ones. */
function floorForFalseAnswers(scores: { s: number; y: number }[], target: number): number {
  const negatives = scores.filter((p) => p.y === 0).map((p) => p.s);
  const floors = Array.from({ length: 97 }, (_, i) => (i + 2) / 100);
  const floor = floors.find((f) => negatives.filter((s) => s >= f).length <= target * negatives.length) ?? floors.at(-1)!;
  return round(floor);
}

/** Out-of-fold share of `none` questions abstained on and of answerable ones refused, at floors 0.30 to 0.80. */
function tradeOff(scores: { s: number; y: number }[]): { floor: number; noneAbstained: number; answerableAbstained: number }[] {
  const share = (y: number, floor: number) => round(scores.filter((p) => p.y === y && p.s < floor).length / Math.max(1, scores.filter((p) => p.y === y).length));
  return Array.from({ length: 11 }, (_, i) => round(0.3 + i * 0.05)).map((floor) => ({ floor, noneAbstained: share(0, floor), answerableAbstained: share(1, floor) }));
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
