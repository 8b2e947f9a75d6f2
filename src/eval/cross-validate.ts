import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { createEngine } from '../engine.ts';
import { createHybridRetriever } from '../retrieve/hybrid-retriever.ts';
import type { PaperStore } from '../store/lance-store.ts';
import { calibrate } from './calibrate.ts';
import type { EvalQuestion } from './question-set.ts';
import { askQuestions, summarise, type EvalReport, type QuestionResult } from './run-eval.ts';

/**
 * k-fold cross-validated eval of a training set: each fold is answered by an engine whose
 * relevance models were fitted on the other folds only, so the figures are out-of-sample. A
 * follow-up stays in the fold of the question it follows.
 */
export async function crossValidatedEval(
  questions: EvalQuestion[],
  { store, embedder, folds = 5 }: { store: PaperStore; embedder: EmbeddingsInterface; folds?: number },
): Promise<EvalReport> {
  const foldOf = assignFolds(questions, folds);
  const results: QuestionResult[] = [];
  for (let f = 0; f < folds; f++) {
    const test = questions.filter((q) => foldOf.get(q.id) === f);
    if (test.length === 0) continue;
    const train = questions.filter((q) => foldOf.get(q.id) !== f);
    const fitted = await calibrate(train, createHybridRetriever({ store, embedder }));
    const engine = createEngine({ store, embedder, models: fitted });
    results.push(...(await askQuestions(test, { engine, store })));
  }
  const order = new Map(questions.map((q, i) => [q.id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return summarise(questions, results, `${folds}-fold cross-validated (each fold answered by models fitted on the other folds)`);
}

/** Round-robin over conversation roots in file order (sets are grouped by kind, so folds mix kinds). */
function assignFolds(questions: EvalQuestion[], folds: number): Map<string, number> {
  const foldOf = new Map<string, number>();
  let next = 0;
  for (const q of questions) {
    const parent = q.after === undefined ? undefined : foldOf.get(q.after);
    if (parent !== undefined) foldOf.set(q.id, parent);
    else foldOf.set(q.id, next++ % folds);
  }
  return foldOf;
}
