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
 * follow-up stays in the fold of the question it follows. `bySet`: each set (file) is a fold,
 * answered by models fitted on the other sets: the nearer proxy for a new writer's questions.
 */
export async function crossValidatedEval(
  questions: EvalQuestion[],
  { store, embedder, folds: k = 5, bySet = false }: { store: PaperStore; embedder: EmbeddingsInterface; folds?: number; bySet?: boolean },
): Promise<EvalReport> {
  const sets = [...new Set(questions.map((q) => q.set ?? ''))];
  const foldOf = bySet ? new Map(questions.map((q) => [q.id, sets.indexOf(q.set ?? '')])) : assignFolds(questions, k);
  const folds = bySet ? sets.length : k;
  const results: QuestionResult[] = [];
  for (let f = 0; f < folds; f++) {
    const test = questions.filter((q) => foldOf.get(q.id) === f);
    if (test.length === 0) continue;
    const train = questions.filter((q) => foldOf.get(q.id) !== f);
    const fitted = await calibrate(train, createHybridRetriever({ store, embedder }));
    const engine = createEngine({ store, embedder, models: fitted, citationRule: fitted.citations });
    results.push(...(await askQuestions(test, { engine, store })));
  }
  const order = new Map(questions.map((q, i) => [q.id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const how = bySet ? `leave-one-set-out over ${folds} sets (each set answered by models fitted on the others)` : `${folds}-fold cross-validated (each fold answered by models fitted on the other folds)`;
  return summarise(questions, results, how);
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
