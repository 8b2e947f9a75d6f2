import { describe, expect, it } from 'vitest';
import { weakestPartMet } from '../src/retrieve/question-parts.ts';
import { applyDocument, emptyTermStats } from '../src/store/term-stats.ts';
import { contentTerms } from '../src/text/tokenize.ts';

const papers = [
  { title: 'Variational graph auto-encoders', abstract: 'We learn graph neural networks for link prediction on citation graphs.' },
  { title: 'Forecasting traffic with graphs', abstract: 'Graph neural networks predict traffic flow on road networks.' },
  { title: 'Audio codecs', abstract: 'We compress speech into discrete tokens with a new codec.' },
  { title: 'A new benchmark', abstract: 'New tasks for new models.' },
  { title: 'New results', abstract: 'We report new findings.' },
];
const stats = emptyTermStats();
const weakestPartsMet = (question: string) => papers.map((p) => weakestPartMet(question, p, stats));
for (const p of papers) applyDocument(stats, contentTerms(`${p.title}. ${p.abstract}`), 1);

describe('how well papers meet the weakest part of a question', () => {
  it('is low for a paper that meets one part of a near-miss topic and full for one that meets both', () => {
    const [onlyGraphs, both, neither] = weakestPartsMet('graph neural networks for traffic prediction');
    expect(both).toBe(1);
    expect(onlyGraphs).toBeLessThan(0.5);
    expect(neither).toBe(0);
  });

  it('counts a part met through the query analysis (a corrected typo) and ignores chat noise', () => {
    const [, both] = weakestPartsMet('hey @here, graph neural netwroks for trafic prediction? thanks!');
    expect(both).toBe(1);
  });

  it('does not judge a long description by its weakest part: its parts are paraphrase', () => {
    const [onlyGraphs] = weakestPartsMet('graph neural networks for traffic prediction, trained on citations, for links, with speech');
    expect(onlyGraphs).toBe(1);
  });

  it('asks nothing of a part that is phrasing rather than a concept ("what is new on…")', () => {
    const [onlyGraphs] = weakestPartsMet('what is new on graph neural networks?');
    expect(onlyGraphs).toBe(1);
  });

  it('treats a question with no joining word as one part', () => {
    const [onlyGraphs] = weakestPartsMet('graph neural networks');
    expect(onlyGraphs).toBe(1);
  });
});
