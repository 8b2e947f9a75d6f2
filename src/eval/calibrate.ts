import type { RetrievedPaper, Retriever } from '../retrieve/hybrid-retriever.ts';
import { ANSWERABILITY_FEATURE_NAMES, FEATURE_NAMES, answerability as answerabilityOf, logistic, type LogisticModel } from '../retrieve/relevance.ts';
import { asksForSeveral } from '../retrieve/asks-for-several.ts';
import { calibrateCitations } from './calibrate-citations.ts';
import type { EvalQuestion } from './question-set.ts';

/** Folds of the training questions that give the out-of-fold scores the floor is chosen on, when they come from one set only. */
const FLOOR_FOLDS = 5;

interface Example {
  x: number[];
  y: 0 | 1;
}

/** A training question for answerability: its best paper's features, and what the engine decides on. */
interface AskedQuestion extends Example {
  ranked: Pick<RetrievedPaper, 'features' | 'score'>[];
  /** Which set (question writer) it came from: the floor is chosen on sets held out whole. */
  group: string;
}

/**
 * Fits both models of relevance.ts on question sets:
 * - paper relevance on (question, retrieved paper) pairs labelled by the set, floor at best F1, and
 *   a second floor at best F1 over the pairs of questions that ask for several papers;
 * - answerability on questions (answerable vs `none`, the two classes weighted equally), from
 *   the best paper's features and its lead. Its floor is chosen on out-of-fold scores of the
 *   training questions, each the engine's decision score (relevance.ts `answerability`) under a
 *   model fitted without the question's whole set: in-sample scores are over-confident, and a
 *   new writer's questions differ from every set we have (fitted without the paraphrased set, the
 *   9-in-10 rule this replaces refused most of its answerable questions). The floor minimises the out-of-fold balanced error, the share of `none`
 *   questions answered plus the share of answerable ones refused: a floor set to refuse a fixed
 *   share of `none` questions follows how adversarial the hardest set happens to be.
 * - the citation rule (calibrate-citations.ts), with the paper model fitted here.
 */
export async function calibrate(questions: EvalQuestion[], retriever: Retriever, { k = 10 } = {}) {
  const pairs: (Example & { several: boolean })[] = [];
  const asked: AskedQuestion[] = [];
  // A follow-up means nothing without its conversation, so it teaches neither model.
  for (const q of questions.filter((x) => x.after === undefined)) {
    const gold = new Set(q.relevant);
    const hits = await retriever.retrieve(q.question, { k });
    const several = asksForSeveral(q.question);
    for (const h of hits) pairs.push({ x: FEATURE_NAMES.map((n) => h.features[n]), y: gold.has(h.paper.title) ? 1 : 0, several });
    const [best, runnerUp] = hits;
    if (best) {
      const features = { ...best.features, lead: best.score - (runnerUp?.score ?? 0) };
      asked.push({ x: ANSWERABILITY_FEATURE_NAMES.map((n) => features[n]), y: q.kind === 'none' ? 0 : 1, ranked: hits, group: q.set ?? '' });
    }
  }
  const paper = { ...toModel(FEATURE_NAMES, fitLogistic(pairs)), severalFloor: 0.5 };
  const answerability = toModel(ANSWERABILITY_FEATURE_NAMES, fitLogistic(asked, { balanced: true }));

  const pairScores = pairs.map((p) => ({ s: score(paper, FEATURE_NAMES, p.x), y: p.y, several: p.several }));
  paper.floor = bestF1Floor(pairScores);
  // Questions asking for the papers on a topic want every relevant one: their own floor, else the general one.
  const severalScores = pairScores.filter((p) => p.several);
  paper.severalFloor = severalScores.some((p) => p.y === 1) ? bestF1Floor(severalScores) : paper.floor;

  const outOfFold = outOfFoldAnswerability(asked);
  answerability.floor = balancedFloor(outOfFold.scores);
  const citations = await calibrateCitations(questions, retriever, paper);
  const questionScores = asked.map((a) => ({ s: answerabilityOf(a.ranked, answerability), y: a.y }));
  const none = questionScores.filter((q) => q.y === 0).map((q) => q.s);
  const answerable = questionScores.filter((q) => q.y === 1);
  return {
    paper,
    answerability,
    citations,
    fit: {
      pairs: pairs.length,
      questions: asked.length,
      abstainRecall: round(none.filter((s) => s < answerability.floor).length / Math.max(1, none.length)),
      answerableAbstained: round(answerable.filter((q) => q.s < answerability.floor).length / Math.max(1, answerable.length)),
      /** How the out-of-fold scores were made: sets held out whole, or folds of one set. */
      outOfFold: outOfFold.by,
      /** What the chosen floor and others trade, out of fold: the evidence for the choice. */
      chosen: tradeOffAt(outOfFold.scores, answerability.floor),
      tradeOff: Array.from({ length: 11 }, (_, i) => tradeOffAt(outOfFold.scores, round(0.3 + i * 0.05))),
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

/**
 * Each question's answerability as the engine computes it, under a balanced model fitted without
 * its set (without its fold, round-robin, when all come from one set).
 */
function outOfFoldAnswerability(asked: AskedQuestion[]): { by: string; scores: { s: number; y: number }[] } {
  const groups = [...new Set(asked.map((a) => a.group))];
  const bySet = groups.length > 1;
  const foldOf = (a: AskedQuestion, i: number) => (bySet ? groups.indexOf(a.group) : i % FLOOR_FOLDS);
  const scores = new Array<{ s: number; y: number }>(asked.length);
  for (let fold = 0; fold < (bySet ? groups.length : FLOOR_FOLDS); fold++) {
    const model = toModel(ANSWERABILITY_FEATURE_NAMES, fitLogistic(asked.filter((a, i) => foldOf(a, i) !== fold), { balanced: true }));
    asked.forEach((a, i) => foldOf(a, i) === fold && (scores[i] = { s: answerabilityOf(a.ranked, model), y: a.y }));
  }
  return { by: bySet ? 'leave-one-set-out' : `${FLOOR_FOLDS}-fold`, scores };
}

/** The floor with the least balanced error (`none` answered plus answerable refused, each as a share of its class); the lowest of equals. */
function balancedFloor(scores: { s: number; y: number }[]): number {
  const error = (floor: number) => shareBelow(scores, 1, floor) + 1 - shareBelow(scores, 0, floor);
  const floors = Array.from({ length: 97 }, (_, i) => (i + 2) / 100);
  return round(floors.reduce((best, f) => (error(f) < error(best) - 1e-9 ? f : best)));
}

function shareBelow(scores: { s: number; y: number }[], y: number, floor: number): number {
  return scores.filter((p) => p.y === y && p.s < floor).length / Math.max(1, scores.filter((p) => p.y === y).length);
}

/** Out-of-fold share of `none` questions abstained on and of answerable ones refused at a floor. */
function tradeOffAt(scores: { s: number; y: number }[], floor: number): { floor: number; noneAbstained: number; answerableAbstained: number } {
  return { floor, noneAbstained: round(shareBelow(scores, 0, floor)), answerableAbstained: round(shareBelow(scores, 1, floor)) };
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
