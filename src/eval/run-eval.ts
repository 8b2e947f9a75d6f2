import { checkCitations } from '../answer/citation-check.ts';
import type { PaperStore } from '../store/lance-store.ts';
import type { Engine, Turn } from '../types.ts';
import { citationMetrics, factCovered, mean, percentile, rankingMetrics } from './metrics.ts';
import type { EvalQuestion } from './question-set.ts';

export interface QuestionResult {
  id: string;
  kind: EvalQuestion['kind'];
  question: string;
  /** Set for follow-ups: the id of the question asked before it. */
  after?: string;
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
type CitationSummary = { precision: number; recall: number; n: number };

export interface EvalReport {
  /** How the relevance models were fitted for the figures: shipped, or cross-validated folds. */
  calibration: string;
  paperboy: { single: RankingSummary; multi: RankingSummary };
  bm25Baseline: { single: RankingSummary; multi: RankingSummary };
  abstention: { noneAbstained: number; answerableAbstained: number; precision: number; recall: number };
  /** Over answered questions: cited papers that are relevant, and relevant papers cited. */
  citations: { single: CitationSummary; multi: CitationSummary };
  /** Follow-up lines answered with at least one relevant paper cited. */
  followUps: { answered: number; n: number };
  factCoverage: number;
  citationValidity: number;
  latencyMs: { p50: number; p95: number };
  questions: QuestionResult[];
}

/**
 * Asks a question set (ranking from `search`, answers from `ask`) and, in the same run, a plain
 * BM25 baseline: LanceDB's full-text search with one document per paper. A follow-up line is
 * asked with its earlier question and that answer as the conversation history.
 */
export async function askQuestions(questions: EvalQuestion[], { engine, store }: { engine: Engine; store: PaperStore }): Promise<QuestionResult[]> {
  const results: QuestionResult[] = [];
  const answers = new Map<string, string>();
  const byId = new Map(questions.map((q) => [q.id, q]));
  // One untimed question first, so latency figures are warm.
  await engine.ask(questions[0]?.question ?? 'warm-up');
  for (const q of questions) {
    const earlier = q.after === undefined ? undefined : byId.get(q.after);
    const history: Turn[] = earlier ? [{ role: 'user', text: earlier.question }, { role: 'assistant', text: answers.get(earlier.id) ?? '' }] : [];
    const ranked = (await engine.search(q.question, { k: 10 })).map((h) => h.paper.title);
    const baselineRanked = (await store.searchPapersText(q.question.replace(/[^\p{L}\p{N}\s-]/gu, ' '), 10)).map((h) => h.paper.title);
    const started = performance.now();
    const answer = await engine.ask(q.question, { history });
    const latencyMs = performance.now() - started;
    answers.set(q.id, answer.text);
    const cited = await store.getPapers(answer.citations.map((c) => c.paperId));
    const problems = checkCitations(answer, new Map(cited.map((p) => [p.id, p])));
    const covered = answer.abstained ? 0 : q.facts.filter((f) => factCovered(f, answer.text)).length;
    results.push({
      id: q.id,
      kind: q.kind,
      question: q.question,
      ...(q.after !== undefined && { after: q.after }),
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
  return results;
}

/** Runs a question set with one engine and summarises it. */
export async function runEval(questions: EvalQuestion[], deps: { engine: Engine; store: PaperStore }, calibration = 'shipped models'): Promise<EvalReport> {
  return summarise(questions, await askQuestions(questions, deps), calibration);
}

/**
 * Figures over a set's results. Follow-up lines are left out of the ranking rows (search has no
 * conversation) and counted under follow-ups instead.
 */
export function summarise(questions: EvalQuestion[], results: QuestionResult[], calibration: string): EvalReport {
  const gold = new Map(questions.map((q) => [q.id, q.relevant]));
  const standalone = results.filter((r) => r.after === undefined);
  const ranking = (kind: 'single' | 'multi', pick: (r: QuestionResult) => string[]): RankingSummary => {
    const rows = standalone.filter((r) => r.kind === kind).map((r) => rankingMetrics(pick(r), gold.get(r.id)!));
    return {
      r1: mean(rows.map((m) => m.r1)),
      r5: mean(rows.map((m) => m.r5)),
      r10: mean(rows.map((m) => m.r10)),
      mrr10: mean(rows.map((m) => m.mrr10)),
      ndcg10: mean(rows.map((m) => m.ndcg10)),
      n: rows.length,
    };
  };
  const citing = (kind: 'single' | 'multi'): CitationSummary => {
    const rows = standalone.filter((r) => r.kind === kind && !r.abstained).map((r) => citationMetrics(r.citations.map((c) => c.title), gold.get(r.id)!));
    return { precision: mean(rows.map((m) => m.precision)), recall: mean(rows.map((m) => m.recall)), n: rows.length };
  };
  const none = results.filter((r) => r.kind === 'none');
  const answerable = results.filter((r) => r.kind !== 'none');
  const abstained = results.filter((r) => r.abstained);
  const withFacts = answerable.filter((r) => r.factsTotal > 0);
  const followUps = results.filter((r) => r.after !== undefined && r.kind !== 'none');
  return {
    calibration,
    paperboy: { single: ranking('single', (r) => r.ranked), multi: ranking('multi', (r) => r.ranked) },
    bm25Baseline: { single: ranking('single', (r) => r.baselineRanked), multi: ranking('multi', (r) => r.baselineRanked) },
    abstention: {
      noneAbstained: mean(none.map((r) => (r.abstained ? 1 : 0))),
      answerableAbstained: mean(answerable.map((r) => (r.abstained ? 1 : 0))),
      precision: abstained.length ? abstained.filter((r) => r.kind === 'none').length / abstained.length : Number.NaN,
      recall: mean(none.map((r) => (r.abstained ? 1 : 0))),
    },
    citations: { single: citing('single'), multi: citing('multi') },
    followUps: {
      answered: mean(followUps.map((r) => (!r.abstained && r.citations.some((c) => gold.get(r.id)!.includes(c.title)) ? 1 : 0))),
      n: followUps.length,
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
  const cite = (name: string, s: CitationSummary) => `${name}: precision ${f(s.precision)}, recall ${f(s.recall)} (n=${s.n} answered)`;
  return [
    `calibration: ${r.calibration}`,
    `${''.padEnd(22)} R@1    R@5    R@10   MRR@10 nDCG@10`,
    row('paperboy  single', r.paperboy.single),
    row('bm25 base single', r.bm25Baseline.single),
    row('paperboy  multi', r.paperboy.multi),
    row('bm25 base multi', r.bm25Baseline.multi),
    `abstention: none abstained ${f(r.abstention.noneAbstained)} (recall), answerable abstained ${f(r.abstention.answerableAbstained)}, precision ${f(r.abstention.precision)}`,
    `citations ${cite('single', r.citations.single)}; ${cite('multi', r.citations.multi)}`,
    `follow-ups answered with a relevant paper cited ${f(r.followUps.answered)} (n=${r.followUps.n})`,
    `fact coverage ${f(r.factCoverage)}   citation validity ${f(r.citationValidity)}`,
    `answer latency p50 ${r.latencyMs.p50.toFixed(1)} ms, p95 ${r.latencyMs.p95.toFixed(1)} ms`,
  ].join('\n');
}
