import { describe, expect, it } from 'vitest';
import { ML_GLOSSARY } from '../src/retrieve/ml-glossary.ts';
import { analyzeQuery } from '../src/retrieve/query-terms.ts';
import { termIndexOf } from './helpers/term-index.ts';
import { contentTerms } from '../src/text/tokenize.ts';

const texts = [
  'Matryoshka representation learning trains nested embeddings.',
  'Pruning removes weights; sparsity makes networks smaller.',
  'Audio understanding and speech recognition on noisy recordings.',
  'Knowledge distillation trains a student from a teacher.',
  'Synthetic data generation builds a dataset and corpus for spoken dialogue and conversational speech.',
];
const { stats, abbreviations } = termIndexOf(texts);
const expanded = (question: string) => [...analyzeQuery(question, stats, abbreviations).expansions.keys()];

describe('ML glossary', () => {
  it('keeps every reader phrase of several words at two or more search terms', () => {
    // Stopwords are dropped before matching: "make things up" would fire on every "make".
    const collapsed = ML_GLOSSARY.flatMap((e) => e.readers ?? []).filter((p) => p.trim().split(/\s+/).length > 1 && contentTerms(p).length < 2);
    expect(collapsed).toEqual([]);
  });

  it('has no phrase that is all stopwords', () => {
    const empty = ML_GLOSSARY.flatMap((e) => [...e.papers, ...(e.readers ?? [])]).filter((p) => contentTerms(p).length === 0);
    expect(empty).toEqual([]);
  });

  it('bridges a reader\'s plain words to the papers\' words', () => {
    expect(expanded('embeddings like russian dolls')).toContain('matryoshka');
    expect(expanded('cut connections out of a network')).toContain('prune');
    expect(expanded('models that deal with sound')).toContain('audio');
    expect(expanded('a small network that imitates a bigger model')).toContain('teacher');
    expect(expanded('a student model learning from a bigger one')).toEqual(expect.arrayContaining(['teacher', 'knowledg', 'distil']));
  });

  it('leaves ordinary chat wording alone', () => {
    expect(expanded('papers that talk about pruning')).toEqual(['sparsiti']);
    expect(expanded('got anything on training data?')).toEqual([]);
  });
});
