import { describe, expect, it } from 'vitest';
import { checkCitations } from '../src/answer/citation-check.ts';
import type { Answer } from '../src/types.ts';

const paper = {
  title: 'Tiny Codecs for Speech',
  abstract: 'We present a neural speech codec that compresses audio to one kilobit per second. Listeners preferred it in blind tests.',
};
const papers = new Map([['p1', paper]]);
const valid: Pick<Answer, 'text' | 'citations' | 'mode'> = {
  mode: 'extractive',
  text: '**Tiny Codecs for Speech** [1]: We present a neural speech codec that compresses audio to one kilobit per second. [1] Listeners preferred it in blind tests. [1]',
  citations: [{ n: 1, paperId: 'p1', title: paper.title, quote: 'Listeners preferred it in blind tests.' }],
};

describe('citation check', () => {
  it('accepts an answer whose citations and quotes match the papers', () => {
    expect(checkCitations(valid, papers)).toEqual([]);
  });

  it('flags a marker that points at no listed source', () => {
    const problems = checkCitations({ ...valid, text: `${valid.text} Also this. [2]` }, papers);
    expect(problems.map((p) => p.problem)).toContain('unknown-source');
  });

  it('flags a quote that is not verbatim in the cited paper', () => {
    const citations = [{ ...valid.citations[0]!, quote: 'Listeners loved it in blind tests.' }];
    expect(checkCitations({ ...valid, citations }, papers).map((p) => p.problem)).toEqual(['quote-not-in-paper']);
  });

  it('flags an extractive sentence the cited paper does not contain', () => {
    const text = valid.text.replace('one kilobit', 'half a kilobit');
    expect(checkCitations({ ...valid, text }, papers).map((p) => p.problem)).toEqual(['sentence-not-in-paper']);
  });

  it('flags a citation of a paper that was not retrieved', () => {
    const citations = [{ ...valid.citations[0]!, paperId: 'p9' }];
    expect(checkCitations({ ...valid, citations }, papers).map((p) => p.problem)).toEqual(['quote-not-in-paper']);
  });
});
