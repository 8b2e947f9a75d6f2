import { describe, expect, it } from 'vitest';
import { renderDigestMarkdown } from '../src/digest/build-digest.ts';
import { clip, detailsOf, gistOf } from '../src/digest/gist.ts';
import { latestOccurrence, localDay, nextOccurrence, previousOccurrence } from '../src/digest/schedule.ts';
import { groupByKeywords } from '../src/digest/themes.ts';
import type { Digest, DigestPaper } from '../src/digest/types.ts';

const ABSTRACT =
  'Simultaneous speech translation systems must decide when to emit output. We propose Monotonic Chunk Attention (MCA), which learns chunk boundaries jointly with the translation objective. On MuST-C En-De, MCA reduces average lagging by 31% at equal BLEU.';

describe('gists', () => {
  it('takes the sentence that states the contribution, verbatim', () => {
    expect(gistOf({ abstract: ABSTRACT })).toBe('We propose Monotonic Chunk Attention (MCA), which learns chunk boundaries jointly with the translation objective.');
  });

  it('prefers the source summary when there is one, and falls back to the first sentence', () => {
    expect(gistOf({ abstract: ABSTRACT, aiSummary: 'MCA learns when to emit translations. It is fast.' })).toBe('MCA learns when to emit translations.');
    expect(gistOf({ abstract: 'Large models hallucinate. They do so often.' })).toBe('Large models hallucinate.');
  });

  it('gives the thread the contribution and what follows', () => {
    expect(detailsOf({ abstract: ABSTRACT })).toBe(
      'We propose Monotonic Chunk Attention (MCA), which learns chunk boundaries jointly with the translation objective. On MuST-C En-De, MCA reduces average lagging by 31% at equal BLEU.',
    );
    expect(detailsOf({ abstract: ABSTRACT }, 120)).toBe('We propose Monotonic Chunk Attention (MCA), which learns chunk boundaries jointly with the translation objective.');
  });

  it('clips long text at a word boundary and marks the cut', () => {
    expect(clip('one two three four five', 14)).toBe('one two three…');
    expect(clip('short', 14)).toBe('short');
  });
});

describe('offline themes', () => {
  const papers = [
    { id: 'a', title: 'Streaming Speech Recognition' },
    { id: 'b', title: 'Speech Synthesis for Low-Resource Languages' },
    { id: 'c', title: 'Dense Retrieval with Hard Negatives' },
    { id: 'd', title: 'Sparse Retrieval at Web Scale' },
    { id: 'e', title: 'Protein Backbone Generation', keywords: ['protein design'] },
    { id: 'f', title: 'Scaling Laws for Language Models' },
    { id: 'g', title: 'Language Models as Retrievers' },
  ];

  it('groups papers by the distinctive words they share and puts the rest last', () => {
    // "language" and "model" are common across the store; "speech" and "retrieval" are not.
    const idf = (term: string) => ({ languag: 0.5, model: 0.3 })[term] ?? 3;
    expect(groupByKeywords(papers, { idf })).toEqual([
      // "Retrievers" shares the stem; the theme takes the commonest spelling.
      { name: 'Retrieval', ids: ['c', 'd', 'g'] },
      { name: 'Speech', ids: ['a', 'b'] },
      { name: 'More new papers', ids: ['e', 'f'] },
    ]);
  });

  it('names one group when nothing is shared', () => {
    expect(groupByKeywords(papers.slice(4, 5), { idf: () => 3 })).toEqual([{ name: 'New papers', ids: ['e'] }]);
  });

  it('stops at the theme limit', () => {
    expect(groupByKeywords(papers, { idf: () => 3, maxThemes: 1 }).map((g) => g.name)).toEqual(['Language', 'More new papers']);
  });
});

describe('schedule', () => {
  const weekdays = { pattern: '0 9 * * 1-5', timezone: 'Europe/Berlin' };

  it('owes only the latest missed occurrence after downtime', () => {
    // Down from Friday 2030-01-04 until Wednesday noon: Mon, Tue and Wed 09:00 Berlin were missed.
    expect(latestOccurrence(weekdays, new Date('2030-01-04T10:00:00Z'), new Date('2030-01-09T12:00:00Z'))).toEqual(new Date('2030-01-09T08:00:00Z'));
    expect(latestOccurrence(weekdays, new Date('2030-01-09T08:00:00Z'), new Date('2030-01-09T12:00:00Z'))).toBeUndefined();
  });

  it('finds a yearly occurrence years back without walking every day', () => {
    expect(latestOccurrence({ pattern: '0 9 1 1 *', timezone: 'UTC' }, new Date('2025-06-01T00:00:00Z'), new Date('2030-03-01T00:00:00Z'))).toEqual(
      new Date('2030-01-01T09:00:00Z'),
    );
  });

  it('dates a digest by the day in the digest time zone', () => {
    expect(localDay(new Date('2030-01-07T23:30:00Z'), 'Europe/Berlin')).toBe('2030-01-08');
    expect(localDay(new Date('2030-01-07T23:30:00Z'), 'UTC')).toBe('2030-01-07');
  });

  it('knows the next and the previous run', () => {
    expect(nextOccurrence(weekdays, new Date('2030-01-04T09:00:00Z'))).toEqual(new Date('2030-01-07T08:00:00Z'));
    expect(previousOccurrence(weekdays, new Date('2030-01-07T08:00:00Z'))).toEqual(new Date('2030-01-04T08:00:00Z'));
  });
});

describe('markdown rendering', () => {
  const paper = (n: number, extra: Partial<DigestPaper> = {}): DigestPaper => ({
    id: `p${n}`,
    title: `Paper ${n}`,
    url: `https://arxiv.org/abs/p${n}`,
    gist: `Gist ${n}.`,
    details: `Details ${n}. More.`,
    authors: ['A. Author', 'B. Author', 'C. Author', 'D. Author'],
    ...extra,
  });
  const digest: Digest = {
    header: 'Paperboy daily · 27 Nov · 5 new papers · 1 theme',
    day: '2026-11-27',
    themes: [{ name: 'speech', papers: [paper(1, { upvotes: 87, title: 'A [bracketed] *title*' }), paper(2), paper(3), paper(4, { url: undefined }), paper(5)] }],
    notes: ['arXiv could not be reached; this digest may be incomplete.'],
    paperIds: ['p1', 'p2', 'p3', 'p4', 'p5'],
    topics: ['speech'],
    since: '2026-11-26T09:00:00.000Z',
    until: '2026-11-27T09:00:00.000Z',
  };

  it('renders the short message: header, notes, a few lines per theme and what the thread holds', () => {
    expect(renderDigestMarkdown(digest)).toBe(
      [
        '**Paperboy daily · 27 Nov · 5 new papers · 1 theme**',
        '> arXiv could not be reached; this digest may be incomplete.',
        '',
        '**speech**',
        '- [A \\[bracketed\\] \\*title\\*](https://arxiv.org/abs/p1) — Gist 1. · ▲ 87',
        '- [Paper 2](https://arxiv.org/abs/p2) — Gist 2.',
        '- [Paper 3](https://arxiv.org/abs/p3) — Gist 3.',
        '- _…and 2 more papers in the thread_',
      ].join('\n'),
    );
  });

  it('renders the full list for the thread with authors and longer gists', () => {
    const full = renderDigestMarkdown(digest, { full: true });
    expect(full).toContain('- **Paper 4**\n  A. Author, B. Author, C. Author et al.\n  Details 4. More.');
    expect(full).toContain('- [Paper 5](https://arxiv.org/abs/p5)\n');
    expect(full).not.toContain('more papers in the thread');
  });
});
