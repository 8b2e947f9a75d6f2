import { describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import {
  DISCORD_LIMITS,
  formatAnswer,
  formatPaper,
  formatSearchResults,
  formatTitleChoices,
  linkedTitle,
  escapeDiscord,
  splitText,
  truncate,
  unescapeDiscord,
  type DiscordMessage,
} from '../adapters/format/discord-markdown.ts';
import type { Answer, Citation, Paper } from '../src/types.ts';
import { discordTexts, renderDiscord } from './helpers/rendered-links.ts';

const CITATION = /\[\d+(?:\s*[,;]\s*\d+)*\]/g;

function citation(n: number, title = `Paper number ${n}`): Citation {
  return { n, paperId: `p${n}`, title, url: `https://arxiv.org/abs/2401.${String(n).padStart(5, '0')}`, quote: `Finding ${n} holds.` };
}

function answer(overrides: Partial<Answer> = {}): Answer {
  return { text: 'Short answer [1].', citations: [citation(1)], mode: 'extractive', abstained: false, related: [], timingsMs: {}, ...overrides };
}

/** Sentences with citations in every form the engine may emit, including grouped `[1, 2]`. */
function longCitedText(sentences: number): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const marker = i % 3 === 0 ? `[${(i % 9) + 1}, ${(i % 7) + 1}]` : `[${(i % 12) + 1}]`;
    parts.push(`Sentence ${i} reports that model ${i} improves accuracy on benchmark ${i % 5} ${marker}.`);
    if (i % 7 === 6) parts.push('\n\n');
  }
  return parts.join(' ');
}

function embedChars(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

function expectWithinDiscordLimits(messages: DiscordMessage[]): void {
  for (const message of messages) {
    expect(message.allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(message.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    expect(message.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedCharsPerMessage);
    for (const embed of message.embeds) {
      expect(embed.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      expect(embed.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
      expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedFields);
      for (const field of embed.fields ?? []) {
        expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
        expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
      }
    }
  }
}

describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('  One piece [1].  ', 100)).toEqual(['One piece [1].']);
  });

  it('never cuts inside a citation, never strands one at the start of a piece, and loses no words', () => {
    const text = longCitedText(120);
    for (const max of [60, 97, 150, 333, 1000]) {
      const pieces = splitText(text, max);
      expect(pieces.length).toBeGreaterThan(1);
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(max);
        expect(piece).not.toMatch(/^\[\d/);
        // Every bracket opened in a piece closes in it.
        expect(piece.replace(CITATION, '')).not.toMatch(/[[\]]/);
      }
      expect(pieces.join(' ').split(/\s+/)).toEqual(text.trim().split(/\s+/));
      expect(pieces.join(' ').match(CITATION)).toEqual(text.match(CITATION));
    }
  });

  it('prefers a paragraph break, then a sentence end, over any space', () => {
    const paragraph = 'First paragraph ends here [1].';
    expect(splitText(`${paragraph}\n\nSecond one follows [2].`, 40)).toEqual([paragraph, 'Second one follows [2].']);
    expect(splitText('Alpha beta gamma delta [1]. Epsilon zeta eta theta iota [2].', 40)).toEqual([
      'Alpha beta gamma delta [1].',
      'Epsilon zeta eta theta iota [2].',
    ]);
  });

  it('does not cut at the space inside a grouped citation', () => {
    expect(splitText('Alpha beta gamma [1, 2] delta', 21)).toEqual(['Alpha beta', 'gamma [1, 2] delta']);
  });

  it('keeps a citation that follows a full stop with its sentence', () => {
    expect(splitText('Claim one is true. [3] Then another claim follows here.', 23)).toEqual([
      'Claim one is true. [3]',
      'Then another claim',
      'follows here.',
    ]);
  });

  it('hard-cuts text without spaces before a citation it would otherwise split', () => {
    const pieces = splitText(`${'x'.repeat(18)}[123]${'y'.repeat(10)}`, 20);
    expect(pieces).toEqual(['x'.repeat(18), `[123]${'y'.repeat(10)}`]);
  });

  it('does not split a surrogate pair', () => {
    const pieces = splitText('😀'.repeat(15), 7);
    for (const piece of pieces) expect(piece).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(pieces.join('')).toBe('😀'.repeat(15));
  });
});

describe('formatAnswer', () => {
  it('renders the answer, a Sources field per citation with linked titles, and the mode in the footer', () => {
    const [message, ...rest] = formatAnswer(
      answer({ text: 'Speech models got faster [1] and smaller [2].', citations: [citation(1), citation(2)] }),
      { question: 'What changed in speech?' },
    );
    expect(rest).toEqual([]);
    const [embed] = message!.embeds;
    expect(embed!.title).toBe('What changed in speech?');
    expect(embed!.description).toBe('Speech models got faster [1] and smaller [2].');
    expect(embed!.fields).toEqual([
      { name: 'Source [1]', value: '[Paper number 1](https://arxiv.org/abs/2401.00001)\n“Finding 1 holds.”' },
      { name: 'Source [2]', value: '[Paper number 2](https://arxiv.org/abs/2401.00002)\n“Finding 2 holds.”' },
    ]);
    expect(embed!.footer).toEqual({ text: 'Mode: extractive' });
  });

  it('adds the degradation note to the footer', () => {
    const [message] = formatAnswer(answer({ mode: 'extractive', note: 'The model timed out; quoting instead.' }));
    expect(message!.embeds.at(-1)!.footer!.text).toBe('Mode: extractive · The model timed out; quoting instead.');
  });

  it('splits a long answer with many sources across embeds and messages within every Discord limit', () => {
    const citations = Array.from({ length: 40 }, (_, i) => citation(i + 1, `A rather long paper title about topic ${i + 1} `.repeat(4)));
    const messages = formatAnswer(answer({ text: longCitedText(400), citations }), { question: 'q' });
    expect(messages.length).toBeGreaterThan(1);
    expectWithinDiscordLimits(messages);

    const embeds = messages.flatMap((m) => m.embeds);
    const descriptions = embeds.map((e) => e.description ?? '').join(' ');
    expect(descriptions.match(CITATION)).toEqual(longCitedText(400).match(CITATION));
    expect(embeds.flatMap((e) => e.fields ?? []).map((f) => f.name)).toEqual(citations.map((c) => `Source [${c.n}]`));
    expect(embeds.filter((e) => e.footer)).toHaveLength(1);
    expect(embeds.at(-1)!.footer!.text).toBe('Mode: extractive');
  });

  it('escapes markdown in titles and quotes and keeps hostile URLs out of links', () => {
    const [message] = formatAnswer(
      answer({
        citations: [
          { n: 1, paperId: 'a', title: '**Bold** _claims_ [x](https://evil.example) `code`', url: 'https://arxiv.org/abs/1 (v2)', quote: '# Not a heading *really*' },
          { n: 2, paperId: 'b', title: 'Sneaky', url: 'javascript:alert(1)', quote: '' },
        ],
      }),
    );
    const [first, second] = message!.embeds[0]!.fields!;
    expect(first!.value).toBe(
      '[\\*\\*Bold\\*\\* \\_claims\\_ \\[x\\](https\\://evil.example) \\`code\\`](https://arxiv.org/abs/1%20%28v2%29)\n“\\# Not a heading \\*really\\*”',
    );
    expect(second!.value).toBe('Sneaky');
  });

  it('lists near misses when the engine abstains', () => {
    const [message] = formatAnswer(
      answer({
        text: 'I found no paper about that.',
        citations: [],
        abstained: true,
        related: [{ id: 'r1', title: 'Close call', url: 'https://arxiv.org/abs/2' }, { id: 'r2', title: 'No link' }],
      }),
    );
    expect(message!.embeds[0]!.fields).toEqual([
      { name: 'Maybe related', value: '• [Close call](https://arxiv.org/abs/2)\n• No link' },
    ]);
  });
});

describe('formatSearchResults', () => {
  it('numbers the papers and gives each an escaped one-line gist', () => {
    const hit = (n: number, evidence: string[]) => ({
      paper: { id: `p${n}`, title: `Title *${n}*`, url: `https://x.org/${n}`, abstract: `Abstract ${n}.`, authors: [] },
      score: 1,
      relevance: 0.9,
      evidence,
    });
    const message = formatSearchResults('speech  ', [hit(1, ['Uses _CTC_.']), hit(2, [])]);
    expect(message.embeds[0]!.title).toBe('Papers for “speech”');
    expect(message.embeds[0]!.description).toBe(
      '**1.** [Title \\*1\\*](https://x.org/1)\nUses \\_CTC\\_.\n\n**2.** [Title \\*2\\*](https://x.org/2)\nAbstract 2.',
    );
  });

  it('says so when nothing matched', () => {
    expect(formatSearchResults('zzz', []).embeds[0]!.description).toMatch(/^No papers matched/);
  });
});

describe('formatPaper', () => {
  const paper: Paper = {
    id: '2402.12654',
    title: `OWSM-CTC: ${'Very '.repeat(80)}long`,
    abstract: 'word '.repeat(1500),
    authors: ['Ada @everyone', 'Bo'],
    url: 'https://arxiv.org/abs/2402.12654',
    publishedAt: '2024-02-20T00:00:00Z',
    source: 'file:papers.txt',
    addedAt: '2026-01-01T00:00:00Z',
    contentHash: 'h',
  };

  it('shows the linked title, the abstract and the metadata, cut to Discord limits', () => {
    const message = formatPaper(paper);
    const embed = message.embeds[0]!;
    expect(embed.url).toBe('https://arxiv.org/abs/2402.12654');
    expect(embed.title!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
    expect(embed.title).toMatch(/^OWSM-CTC: Very .*…$/);
    expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(embed.fields).toEqual([
      { name: 'Authors', value: 'Ada @\u200beveryone, Bo' },
      { name: 'Published', value: '2024-02-20', inline: true },
      { name: 'ID', value: '`2402.12654`', inline: true },
    ]);
    expectWithinDiscordLimits([message]);
  });
});

describe('formatTitleChoices', () => {
  it('offers at most 25 choices with names and values Discord accepts', () => {
    const refs = [
      { id: 'x'.repeat(101), title: 'Id too long for a choice value' },
      ...Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, title: `Title ${i} ${'long '.repeat(30)}` })),
    ];
    const choices = formatTitleChoices(refs);
    expect(choices).toHaveLength(25);
    expect(choices[0]!.value).toBe('p0');
    for (const choice of choices) expect(choice.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.choiceName);
  });
});

describe('escapeDiscord', () => {
  it('round-trips through unescapeDiscord', () => {
    for (const text of ['**a** _b_ ~~c~~ ||d|| `e` > f', '# Heading\n- item\n1. first', '[x](https://y.z) \\ back', 'C++ & 3.5% (v2)']) {
      expect(unescapeDiscord(escapeDiscord(text))).toBe(text);
    }
  });
});

describe('truncate and linkedTitle', () => {
  it('cuts at a word boundary with an ellipsis', () => {
    expect(truncate('one two three four', 12)).toBe('one two…');
    expect(truncate('short', 12)).toBe('short');
  });

  it('links only http(s) URLs', () => {
    expect(linkedTitle({ title: 'T', url: 'ftp://x.org/a' })).toBe('T');
    expect(linkedTitle({ title: 'T', url: 'https://x.org/a_(b)' })).toBe('[T](https://x.org/a_%28b%29)');
  });
});

describe('hostile text', () => {
  const HOSTILE = [
    '# Heading [click me](https://evil.example/phish) and [again](https://evil.example/2) on one line',
    'bare https://evil.example/bare and <https://evil.example/angle> www.evil.example',
    '<@123456789012345678> <@!123456789012345678> <@&223456789012345678> <#323456789012345678> @everyone @here',
    '> a quote',
    '-# subtext',
    '- a list',
    '1. numbered',
    '||spoiler|| *em* __under__ ~~strike~~ `code` ```block```',
  ].join('\n');

  it('escapeDiscord leaves no link, mention, heading, list or quote, and reads back unchanged', () => {
    const escaped = escapeDiscord(HOSTILE);
    expect(renderDiscord(escaped)).toEqual({ links: [], mentions: [] });
    expect(escaped.split('\n').filter((line) => /^\s*(#|-|>|\d+\.\s)/.test(line))).toEqual([]);
    expect(unescapeDiscord(escaped)).toBe(HOSTILE);
    // The check itself sees what the raw text would do.
    expect(renderDiscord(HOSTILE).links).toEqual(expect.arrayContaining(['https://evil.example/phish', 'https://evil.example/2', 'https://evil.example/bare']));
    expect(renderDiscord(HOSTILE).mentions).toHaveLength(6);
  });

  it('an answer keeps its emphasis and citations but no link or mention from its text', () => {
    const text = `**Paper** [1]: ${HOSTILE} [1, 2] [3](https://evil.example/3)`;
    const [message] = formatAnswer(answer({ text, citations: [citation(1, HOSTILE)] }));
    const embed = message!.embeds[0]!;
    expect(embed.description).toMatch(/^\*\*Paper\*\* \[1\]: /);
    expect(embed.description).toContain(' [1, 2] ');
    const rendered = discordTexts(message!).map(renderDiscord);
    expect(rendered.flatMap((r) => r.links)).toEqual([citation(1).url]);
    expect(rendered.flatMap((r) => r.mentions)).toEqual([]);
  });
});
