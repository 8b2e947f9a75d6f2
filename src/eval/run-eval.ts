import { checkCitations } from '../answer/citation-check.ts';
import type { PaperStore } from '../store/lance-store.ts';
import type { Engine } from '../types.ts';
import { factCovered, mean, percentile, rankingMetrics } from './metrics.ts';
import type { EvalQuestion } from './question-set.ts';

export interface QuestionResult {
  id: string;
  kind: EvalQuestion['kind'];
  question: string;
  ranked: string[];
  baselineRanked: string[];
  abstained: boolean;
  answer: string;
  citations: { n: number; title: string; quote: string }[];
  citationsValid: boolean;
  factsCovered: number;
  factsTotal: number;
  latencyMs: number;
}

type RankingSummary = { r1: number; r5: number; r10: number; mrr10: number; ndcg10: number; n: number };

export interface EvalReport {
  paperboy: { single: RankingSummary; multi: RankingSummary };
  bm25Baseline: { single: RankingSummary; multi: RankingSummary };
  abstention: { noneAbstained: number; answerableAbstained: number; precision: number; recall: number };
  factCoverage: number;
  citationValidity: number;
  latencyMs: { p50: number; p95: number };
  questions: QuestionResult[];
}

/**
 * Runs a question set through the engine (ranking from `search`, answers from `ask`) and, in the
 * same run, a plain BM25 baseline: LanceDB's full-text search with one document per paper.
 */
export async function runEval(questions: EvalQuestion[], { engine, store }: { engine: Engine; store: PaperStore }): Promise<EvalReport> {
  const results: QuestionResult[] = [];
  // One untimed question first, so latency figures are warm.
  await engine.ask(questions[0]?.question ?? 'warm-up');
  for (const q of questions) {
    const ranked = (await engine.search(q.question, { k: 10 })).map((h) => h.paper.title);
    const baselineRanked = (await store.searchPapersText(q.question.replace(/[^\p{L}\p{N}\s-]/gu, ' '), 10)).map((h) => h.paper.title);
    const started = performance.now();
    const answer = await engine.ask(q.question);
    const latencyMs = performance.now() - started;
    const cited = await store.getPapers(answer.citations.map((c) => c.paperId));
    const problems = checkCitations(answer, new Map(cited.map((p) => [p.id, p])));
    const covered = answer.abstained ? 0 : q.facts.filter((f) => factCovered(f, answer.text)).length;
    results.push({
      id: q.id,
      kind: q.kind,
      question: q.question,
      ranked,
      baselineRanked,
      abstained: answer.abstained,
      answer: answer.text,
      citations: answer.citations.map(({ n, title, quote }) => ({ n, title, quote })),
      citationsValid: problems.length === 0,
      factsCovered: covered,
      factsTotal: q.facts.length,
      latencyMs,
    });
  }
  const gold = new Map(questions.map((q) => [q.id, q.relevant]));
  const summarise = (kind: 'single' | 'multi', pick: (r: QuestionResult) => string[]): RankingSummary => {
    const rows = results.filter((r) => r.kind === kind).map((r) => rankingMetrics(pick(r), gold.get(r.id)!));
    return {
      r1: mean(rows.map((m) => m.r1)),
      r5: mean(rows.map((m) => m.r5)),
      r10: mean(rows.map((m) => m.r10)),
      mrr10: mean(rows.map((m) => m.mrr10)),
      ndcg10: mean(rows.map((m) => m.ndcg10)),
      n: rows.length,
    };
  };
  const none = results.filter((r) => r.kind === 'none');
  const answerable = results.filter((r) => r.kind !== 'none');
  const abstained = results.filter((r) => r.abstained);
  const withFacts = answerable.filter((r) => r.factsTotal > 0);
  return {
    paperboy: { single: summarise('single', (r) => r.ranked), multi: summarise('multi', (r) => r.ranked) },
    bm25Baseline: { single: summarise('single', (r) => r.baselineRanked), multi: summarise('multi', (r) => r.baselineRanked) },
    abstention: {
      noneAbstained: mean(none.map((r) => (r.abstained ? 1 : 0))),
      answerableAbstained: mean(answerable.map((r) => (r.abstained ? 1 : 0))),
      precision: abstained.length ? abstained.filter((r) => r.kind === 'none').length / abstained.length : Number.NaN,
      recall: mean(none.map((r) => (r.abstained ? 1 : 0))),
    },
    factCoverage: withFacts.reduce((a, r) => a + r.factsCovered, 0) / Math.max(1, withFacts.reduce((a, r) => a + r.factsTotal, 0)),
    citationValidity: mean(answerable.filter((r) => !r.abstained).map((r) => (r.citationsValid ? 1 : 0))),
    latencyMs: { p50: percentile(results.map((r) => r.latencyMs), 50), p95: percentile(results.map((r) => r.latencyMs), 95) },
    questions: results,
  };
}

export function formatReport(r: EvalReport): string {
  const f = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));
  const row = (name: string, s: RankingSummary) =>
    `${name.padEnd(22)} ${f(s.r1)}  ${f(s.r5)}  ${f(s.r10)}  ${f(s.mrr10)}  ${f(s.ndcg10)}   (n=${s.n})`;
  return [
    `${''.padEnd(22)} R@1    R@5    R@10   MRR@10 nDCG@10`,
    row('paperboy  single', r.paperboy.single),
    row('bm25 base single', r.bm25Baseline.single),
    row('paperboy  multi', r.paperboy.multi),
    row('bm25 base multi', r.bm25Baseline.multi),
    `abstention: none abstained ${f(r.abstention.noneAbstained)} (recall), answerable abstained ${f(r.abstention.answerableAbstained)}, precision ${f(r.abstention.precision)}`,
    `fact coverage ${f(r.factCoverage)}   citation validity ${f(r.citationValidity)}`,
    `answer latency p50 ${r.latencyMs.p50.toFixed(1)} ms, p95 ${r.latencyMs.p95.toFixed(1)} ms`,
  ].join('\n');
}
