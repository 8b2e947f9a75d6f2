import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITATION_CANDIDATES, MAX_CITED, paperAtPlace, papersToCite, type CitationRule } from '../src/answer/cite-choice.ts';
import { calibrateCitations } from '../src/eval/calibrate-citations.ts';
import { readQuestionSet } from '../src/eval/question-set.ts';
import type { RetrievedPaper } from '../src/retrieve/hybrid-retriever.ts';
import { SHIPPED_MODELS, type RelevanceFeatures } from '../src/retrieve/relevance.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

/** A ranked paper with what the rule reads of its evidence: concept coverage in one sentence and in the whole paper, and fused score. */
function ranked(title: string, { sentenceCoverage, coverage = 1, score, relevance = 0.9 }: { sentenceCoverage: number; coverage?: number; score: number; relevance?: number }): RetrievedPaper {
  const features = { sentenceCoverage, coverage } as RelevanceFeatures;
  return { paper: { id: title, title, abstract: `${title}.`, authors: [], source: 'test', addedAt: '', contentHash: '' }, score, relevance, features, evidence: [`${title}.`] };
}

const models = { paper: { ...SHIPPED_MODELS.paper, floor: 0.5, severalFloor: 0.2 } };
const rule: CitationRule = { conceptShare: 0.8, severalConceptShare: 0.5, coverageShare: 1, severalCoverageShare: 0.5, scoreShare: 0.4 };
const titles = (papers: RetrievedPaper[]) => papers.map((p) => p.paper.title);

describe('which ranked papers an answer cites', () => {
  const list = [
    ranked('best', { sentenceCoverage: 1, score: 1 }),
    ranked('whole concept', { sentenceCoverage: 0.9, score: 0.8 }),
    ranked('one shared word', { sentenceCoverage: 0.3, score: 0.7 }),
    ranked('part of the concept', { sentenceCoverage: 0.6, score: 0.7 }),
    ranked('not relevant by the model', { sentenceCoverage: 1, score: 0.9, relevance: 0.1 }),
    ranked('far below the best', { sentenceCoverage: 1, score: 0.3 }),
    ranked('lacks a concept the best has', { sentenceCoverage: 1, coverage: 0.6, score: 0.9 }),
  ];

  it('cites the best paper and those whose evidence addresses the main concept about as well, never one sharing a word', () => {
    expect(titles(papersToCite('masked image modeling', list, models, rule))).toEqual(['best', 'whole concept']);
  });

  it('wants every relevant paper when the question asks for the papers on a topic, at its own lower bars', () => {
    expect(titles(papersToCite('which papers do masked image modeling?', list, models, rule))).toEqual(['best', 'whole concept', 'part of the concept', 'lacks a concept the best has']);
  });

  it('leaves out a paper whose best sentence matches part of the question when the paper lacks a concept the best paper has', () => {
    const cited = titles(papersToCite('knowledge distillation for vision-language models', list, models, rule));
    expect(cited).not.toContain('lacks a concept the best has');
    expect(titles(papersToCite('knowledge distillation for vision-language models', list, models, { ...rule, coverageShare: 0.5 }))).toContain('lacks a concept the best has');
  });

  it('answers "which of those is…" with the one paper that fits best', () => {
    expect(titles(papersToCite('which of those is faster to train?', list, models, rule))).toEqual(['best']);
    expect(titles(papersToCite('which of them use large language models?', list, models, rule))).toEqual(['best', 'whole concept']);
  });

  it('looks past the first few ranks for papers that clearly address the concept, up to a readable list', () => {
    const deep = [ranked('best', { sentenceCoverage: 1, score: 1 }), ...Array.from({ length: 11 }, (_, i) => ranked(`also ${i + 2}`, { sentenceCoverage: 1, score: 0.9 }))];
    const cited = papersToCite('masked image modeling', deep, models, rule);
    expect(cited).toHaveLength(Math.min(MAX_CITED, CITATION_CANDIDATES));
    expect(MAX_CITED).toBeGreaterThan(5);
  });

  it('cites nothing when nothing was ranked', () => {
    expect(papersToCite('anything', [], models, rule)).toEqual([]);
  });
});

describe('calibrating the citation rule on our own questions', () => {
  let t: Awaited<ReturnType<typeof makeTestEngine>>;
  beforeAll(async () => {
    t = await makeTestEngine();
  });
  afterAll(async () => t?.cleanup());

  it('keeps single-answer questions to their one paper and fits shares in range', async () => {
    const questions = readQuestionSet('eval/questions.jsonl').filter((q) => q.kind === 'single');
    const fitted = await calibrateCitations(questions, t.retriever, SHIPPED_MODELS.paper);
    for (const share of [fitted.conceptShare, fitted.severalConceptShare, fitted.scoreShare]) {
      expect(share).toBeGreaterThanOrEqual(0.3);
      expect(share).toBeLessThanOrEqual(1);
    }
    for (const share of [fitted.coverageShare, fitted.severalCoverageShare]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    // With one relevant paper per question, a further citation only costs: the bars are the highest that still keep F1.
    for (const q of questions.slice(0, 10)) {
      const hits = await t.retriever.retrieve(q.question, { k: CITATION_CANDIDATES });
      const cited = papersToCite(q.question, hits, SHIPPED_MODELS, fitted);
      expect(cited.length, q.question).toBeLessThanOrEqual(2);
    }
  }, 120_000);
});

describe('a follow-up naming a paper by its place in the previous answer', () => {
  it('finds the paper at that place, the last one too, and nothing without a place', () => {
    const cited = ['a', 'b', 'c'];
    expect(paperAtPlace('tell me more about the second one', cited)).toBe('b');
    expect(paperAtPlace('does the last paper release code?', cited)).toBe('c');
    expect(paperAtPlace('what about the 1st one?', cited)).toBe('a');
    expect(paperAtPlace('the fifth one?', cited)).toBeUndefined();
    expect(paperAtPlace('which of those is fastest?', cited)).toBeUndefined();
  });
});
