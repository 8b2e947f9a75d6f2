import type { Paper } from '../types.ts';
import { runGrounding, type GroundingItem, type GroundingReport } from './run-grounding.ts';

/** The claim check's two coverage floors, as the cross-validation tries them. */
const WHOLE_FLOORS = [0.5, 0.55, 0.6, 0.65, 0.7];
const CLAUSE_FLOORS = [0.4, 0.45, 0.5, 0.55, 0.6];

interface Counts {
  keptSupported: number;
  supported: number;
  shown: number;
  unsupported: number;
}

export interface GroundingFolds {
  /** The floors each fold chose on the other folds, as "whole/clause". */
  picks: string[];
  /** Out-of-fold totals: supported kept, and every other label shown. */
  totals: Counts;
}

/**
 * k-fold cross-validation of the claim check's coverage floors over a labelled set: each fold is
 * measured with the floors that do best (supported kept minus not supported shown, as shares) on
 * the other folds. Items are dealt to folds round-robin in file order.
 */
export function crossValidateGrounding(items: GroundingItem[], papers: Pick<Paper, 'title' | 'abstract'>[], folds = 5): GroundingFolds {
  const runs = WHOLE_FLOORS.flatMap((minCoverage) =>
    CLAUSE_FLOORS.map((minClauseCoverage) => ({ key: `${minCoverage}/${minClauseCoverage}`, byItem: countsByItem(runGrounding(items, papers, { minCoverage, minClauseCoverage })) })),
  );
  const ids = items.map((item) => item.id);
  const picks: string[] = [];
  let totals = zero();
  for (let f = 0; f < folds; f++) {
    const train = ids.filter((_id, i) => i % folds !== f);
    const test = ids.filter((_id, i) => i % folds === f);
    let best = runs[0]!;
    let bestScore = -Infinity;
    for (const run of runs) {
      const c = sum(run.byItem, train);
      const score = c.keptSupported / c.supported - c.shown / c.unsupported;
      if (score > bestScore + 1e-9) [best, bestScore] = [run, score];
    }
    picks.push(best.key);
    totals = add(totals, sum(best.byItem, test));
  }
  return { picks, totals };
}

function countsByItem(report: GroundingReport): Map<string, Counts> {
  return new Map(
    report.items.map(({ id, sentences }) => [
      id,
      sentences.reduce(
        (c, s) => (s.label === 'supported' ? { ...c, supported: c.supported + 1, keptSupported: c.keptSupported + (s.kept ? 1 : 0) } : { ...c, unsupported: c.unsupported + 1, shown: c.shown + (s.kept ? 1 : 0) }),
        zero(),
      ),
    ]),
  );
}

const zero = (): Counts => ({ keptSupported: 0, supported: 0, shown: 0, unsupported: 0 });
const add = (a: Counts, b: Counts): Counts => ({ keptSupported: a.keptSupported + b.keptSupported, supported: a.supported + b.supported, shown: a.shown + b.shown, unsupported: a.unsupported + b.unsupported });
const sum = (byItem: Map<string, Counts>, ids: string[]) => ids.reduce((c, id) => add(c, byItem.get(id) ?? zero()), zero());

/** "supported kept a/b = r, not supported shown c/d = s (floors per fold …)". */
export function formatGroundingFolds({ picks, totals: t }: GroundingFolds): string {
  return [
    `${picks.length}-fold cross-validated (floors whole/clause chosen on the other folds: ${picks.join(' ')})`,
    `supported kept: ${t.keptSupported}/${t.supported} = ${(t.keptSupported / t.supported).toFixed(3)}`,
    `not supported shown: ${t.shown}/${t.unsupported} = ${(t.shown / t.unsupported).toFixed(3)}`,
  ].join('\n');
}
