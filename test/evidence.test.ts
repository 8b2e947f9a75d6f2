import { describe, expect, it } from 'vitest';
import { askedIdf, cuedSentences, ownWordsFirst, rankSentences, sentenceScorer } from '../src/retrieve/evidence.ts';
import { applyDocument, emptyTermStats, idf } from '../src/store/term-stats.ts';
import { contentTerms } from '../src/text/tokenize.ts';

const abstract =
  'We propose a new method that improves accuracy by 12% on ImageNet. ' +
  'Our quantization stores each weight of a large language model in two bits. ' +
  'Traditionally, quantization needed retraining.';
const stats = emptyTermStats();
for (const t of [abstract, 'Speech recognition with transformers.', 'Video generation with diffusion models.']) applyDocument(stats, contentTerms(t), 1);

describe('evidence sentences', () => {
  it('leads with a sentence that holds the question’s words, however strong the cue phrases of one that holds none', () => {
    const score = sentenceScorer('how many bits per weight does the quantization use?', new Map([...new Set(contentTerms('bits weight quantization'))].map((t) => [t, 1])), stats);
    const ranked = rankSentences(cuedSentences(abstract), score);
    expect(ranked[0]).toBe('Our quantization stores each weight of a large language model in two bits.');
    // A result sentence without any question word still ranks below one with a single shared word.
    expect(ranked.indexOf('We propose a new method that improves accuracy by 12% on ImageNet.')).toBe(2);
  });
});

describe('evidence for a follow-up', () => {
  const evidence = ['OTOv2 trains and compresses a DNN once.', 'It partitions variables into zero-invariant groups.', 'The source code is available at https://example.org/otov2.'];

  it('puts the sentences holding the follow-up’s own words first, keeping the given order otherwise', () => {
    expect(ownWordsFirst(evidence, 'does it release code?')).toEqual([evidence[2], evidence[0], evidence[1]]);
  });

  it('keeps the order when the follow-up has no words of its own', () => {
    expect(ownWordsFirst(evidence, 'tell me more about it')).toEqual(evidence);
  });
});

describe('what a question asks for', () => {
  it('counts a word no paper has at half the mean idf of the words papers know, not above all of them', () => {
    const known = ['quantiz', 'speech'];
    const mass = known.reduce((a, t) => a + idf(stats, t), 0);
    expect(askedIdf(known, [], stats)).toBeCloseTo(mass);
    expect(askedIdf(known, ['rabbit'], stats)).toBeCloseTo(mass * 1.25);
    // Only unknown words: each at half the idf of a word no paper has.
    expect(askedIdf([], ['zebra'], stats)).toBeCloseTo(idf(stats, 'zebra') / 2);
  });
});
