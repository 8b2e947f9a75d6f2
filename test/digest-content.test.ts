import { describe, expect, it } from 'vitest';
import { renderDigestMarkdown } from '../src/digest/build-digest.ts';
import { clip, detailsOf, gistOf } from '../src/digest/gist.ts';
import { latestOccurrence, localDay, nextOccurrence, previousOccurrence } from '../src/digest/schedule.ts';
import { groupByKeywords } from '../src/digest/themes.ts';
import { contentTerms } from '../src/text/tokenize.ts';
import { parseAtomEntries } from '../ingest/sources/arxiv.ts';
import { parsePapersTxt } from '../ingest/sources/papers-txt.ts';
import { loadFixture } from './fakes/fake-paper-sources.ts';
import { readFileSync } from 'node:fs';
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

  it('never leads with a sentence that points back at what the reader has not seen', () => {
    const abstract =
      'Codecs compress audio for language models. Two gaps remain: (i) codebooks are too large and (ii) decoding is slow. For (ii), we develop a hierarchical decoder. Consequently, leveraging speech language models, we propose Language-Codec. This halves the bitrate.';
    // The contribution, with its lead-in dropped, not "For (ii), …" nor "This …".
    expect(gistOf({ abstract })).toBe('Leveraging speech language models, we propose Language-Codec.');
    expect(gistOf({ abstract: 'Probes find a gap. Based on this discovery, we propose Dream Engine for interleaved control.' })).toBe(
      'We propose Dream Engine for interleaved control.',
    );
    expect(gistOf({ abstract: 'Transformers dominate. These models are slow. Our results show that pruning halves latency.' })).toBe(
      'Our results show that pruning halves latency.',
    );
    expect(detailsOf({ abstract }, 200)).toBe('Leveraging speech language models, we propose Language-Codec. This halves the bitrate.');
  });

  it.each([
    ['the bundled corpus', () => bundledPapers()],
    ['100 real arXiv entries', () => arxivPapers()],
  ])('on %s, no gist starts with a dangling reference', (_, papers) => {
    const dangling = /^(?:[([]|[ivx]+\)|For \(|Consequently|Thus|Hence|Therefore|However|Moreover|Furthermore|Additionally|In addition|Also|Then|Finally|Further|Here|It |Its |They |Their |These |Those |Such |This (?!paper|work|study|article))/;
    const gists = papers().map((p) => gistOf({ abstract: p.abstract }));
    expect(gists.filter((g) => dangling.test(g))).toEqual([]);
    expect(gists.every((g) => g.length > 20)).toBe(true);
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
  const paper = (id: string, title: string, abstract = '') => ({ id, title, abstract });

  it('names themes as the papers write them: acronyms and phrases kept, adjectives never a name', () => {
    const papers = [
      paper('a', 'Automated Testing of LLMs', 'We test LLMs with automated metamorphic relations. LLMs fail often.'),
      paper('b', 'Jailbreaking LLMs with Automated Prompts', 'Automated prompts break the safety training of LLMs. LLMs comply.'),
      paper('c', 'Streaming Speech Recognition', 'Chunked encoders make speech recognition fast. Speech recognition latency drops.'),
      paper('d', 'Speech Recognition for Dialects', 'Dialect data improves speech recognition. Speech recognition errors halve.'),
      paper('e', 'Protein Backbone Generation', 'Diffusion over protein backbones.'),
    ];
    const groups = groupByKeywords(papers);
    expect(groups.map((g) => g.name).sort()).toEqual(['LLMs', 'More new papers', 'Speech recognition']);
    expect(groups.find((g) => g.name === 'LLMs')!.ids).toEqual(['a', 'b']);
    expect(groups.at(-1)).toEqual({ name: 'More new papers', ids: ['e'] });
  });

  it('finds today’s topic however many of today’s papers share it, when the background rarely has it', () => {
    const today = Array.from({ length: 12 }, (_, i) =>
      paper(`p${i}`, `Metamorphic Testing of System ${String.fromCharCode(65 + i)}`, `Metamorphic testing of component ${i} relies on relations over outputs.`),
    );
    const groups = groupByKeywords(today, { backgroundDf: () => 1, backgroundDocs: 500 });
    expect(groups).toEqual([{ name: 'Metamorphic testing', ids: today.map((p) => p.id) }]);
  });

  it('names one group when nothing is shared', () => {
    expect(groupByKeywords([paper('e', 'Protein Backbone Generation')])).toEqual([{ name: 'New papers', ids: ['e'] }]);
  });

  describe.each([
    ['the bundled corpus (the whole store new)', () => bundledPapers(), () => []],
    ['100 real arXiv entries against the bundled background', () => arxivPapers(), () => bundledPapers()],
  ])('%s', (_, today, background) => {
    const papers = today();
    const df = documentFrequencies(background());
    const groups = groupByKeywords(papers, { backgroundDf: (t) => df.get(t) ?? 0, backgroundDocs: background().length });
    const named = groups.filter((g) => g.name !== 'More new papers');

    it('puts at least three in four papers under a named theme, each paper once', () => {
      expect(named.flatMap((g) => g.ids).length / papers.length).toBeGreaterThanOrEqual(0.75);
      expect(groups.flatMap((g) => g.ids).sort()).toEqual(papers.map((p) => p.id).sort());
    });

    it('spells every theme name as the papers do, never as a mangled acronym', () => {
      const text = papers.map((p) => `${p.title} ${p.abstract}`).join(' ');
      for (const g of named) {
        expect(g.name).not.toMatch(/\b(?:Llms?|Ai|Bert|Gpt)\b/);
        // As written, up to the capital a heading starts with.
        expect(text.toLowerCase(), g.name).toContain(g.name.toLowerCase());
        expect(text, g.name).toContain(g.name.slice(1));
      }
    });
  });
});

function bundledPapers() {
  return parsePapersTxt(readFileSync(new URL('../data/papers.txt', import.meta.url), 'utf8'), 'data/papers.txt').map((p, i) => ({ id: `b${i}`, title: p.title, abstract: p.abstract }));
}

function arxivPapers() {
  const { body } = JSON.parse(loadFixture('arxiv/q_testing_s0_m100_cfe7536492ca.json')) as { body: string };
  return parseAtomEntries(body).map((e) => ({ id: e.id, title: e.title, abstract: e.summary }));
}

function documentFrequencies(papers: { title: string; abstract: string }[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const p of papers) for (const t of new Set(contentTerms(`${p.title} ${p.abstract}`))) df.set(t, (df.get(t) ?? 0) + 1);
  return df;
}

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
