import { describe, expect, it } from 'vitest';
import { answerToSlack, paperToSlack, searchToSlack } from '../adapters/format/slack-blocks.ts';
import {
  SLACK_LIMITS,
  escapeMrkdwn,
  markdownToMrkdwn,
  slackLink,
  slackTextToPlain,
  splitMrkdwn,
} from '../adapters/format/slack-mrkdwn.ts';
import type { Answer, Paper } from '../src/types.ts';
import { renderSlack } from './helpers/rendered-links.ts';

/** Anything Slack would turn into a notification for people other than the asker. */
const PING = /<!(channel|here|everyone)|<!subteam|<@[UW]|(^|[^\u2060])@(channel|here|everyone)\b/i;

function answer(overrides: Partial<Answer> = {}): Answer {
  return {
    text: 'SPLADE expands queries with learned term weights [1].',
    citations: [
      { n: 1, paperId: '2107.05720', title: 'SPLADE: Sparse Lexical and Expansion Model', url: 'https://arxiv.org/abs/2107.05720', quote: 'We propose SPLADE.' },
    ],
    mode: 'extractive',
    abstained: false,
    related: [],
    timingsMs: {},
    ...overrides,
  };
}

function allText(message: { text: string; blocks: unknown[] }): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}

describe('markdown to Slack mrkdwn', () => {
  it('turns bold, italics, headings and lists into mrkdwn, and links into plain text', () => {
    const md = '## Summary\n**Fast** and *sparse* [SPLADE](https://arxiv.org/abs/2107.05720) [1]\n- one\n* two\n1. three';
    expect(markdownToMrkdwn(md)).toBe(
      '*Summary*\n*Fast* and _sparse_ SPLADE (https:\u2060//arxiv.org/abs/2107.05720) [1]\n• one\n• two\n1. three',
    );
  });

  it('escapes &, < and > in prose and in code, and keeps code untouched otherwise', () => {
    expect(markdownToMrkdwn('a < b && c > d `x<y **z**`')).toBe('a &lt; b &amp;&amp; c &gt; d `x&lt;y **z**`');
  });

  it('never lets text form a broadcast or a user mention', () => {
    const hostile = '<!channel> <!here> <!everyone> <@U123ABC> <!subteam^S1> @here @channel @everyone [x](javascript:alert(1))';
    const out = markdownToMrkdwn(hostile);
    expect(out).not.toMatch(PING);
    expect(out).not.toContain('<');
    expect(out).toContain('&lt;!channel&gt;');
  });

  it('links only http(s) URLs and keeps | and > out of the link target', () => {
    expect(slackLink('A|B > C', 'https://x.org/a|b>c?q=1&r=2')).toBe('<https://x.org/a%7Cb%3Ec?q=1&amp;r=2|A|B &gt; C>');
    expect(slackLink('Title', 'ftp://x.org/p')).toBe('Title');
    expect(slackLink('Title', 'not a url')).toBe('Title');
  });

  it('escapeMrkdwn leaves ordinary text alone', () => {
    expect(escapeMrkdwn('Dense retrieval beats BM25 on MS MARCO.')).toBe('Dense retrieval beats BM25 on MS MARCO.');
  });
});

describe('Slack text to plain text', () => {
  it('drops the bot mention, keeps other mentions readable and decodes entities', () => {
    const text = '<@UBOT> what did <@U2|ana> say about <https://x.org|this> &amp; <#C1|research>? a &lt; b';
    expect(slackTextToPlain(text, 'UBOT')).toBe('what did @ana say about this & #research? a < b');
  });

  it('is empty for a bare mention', () => {
    expect(slackTextToPlain('  <@UBOT>  ', 'UBOT')).toBe('');
  });
});

describe('splitting long mrkdwn', () => {
  it('cuts at boundaries, within the limit, without breaking links or entities', () => {
    const link = '<https://arxiv.org/abs/1|a linked title with spaces>';
    const text = Array.from({ length: 400 }, (_, i) => `word${i} &amp; ${link}`).join(' ');
    const pieces = splitMrkdwn(text, 300);
    expect(pieces.length).toBeGreaterThan(10);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(300);
      expect(p.split('<').length).toBe(p.split('>').length);
      expect(p).not.toMatch(/&[a-z]*$/);
    }
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(text);
  });

  it('hard-cuts text with no spaces', () => {
    const pieces = splitMrkdwn('x'.repeat(7000), 3000);
    expect(pieces.map((p) => p.length)).toEqual([3000, 3000, 1000]);
  });
});

describe('answers as Slack messages', () => {
  it('renders the answer, then a Sources block with linked titles', () => {
    const { text, blocks } = answerToSlack(answer());
    expect(blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'SPLADE expands queries with learned term weights [1].', verbatim: true } },
      { type: 'divider' },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Sources*\n[1] <https://arxiv.org/abs/2107.05720|SPLADE: Sparse Lexical and Expansion Model> — “We propose SPLADE.”',
          verbatim: true,
        },
      },
    ]);
    expect(text).toContain('[1] <https://arxiv.org/abs/2107.05720|SPLADE');
  });

  it('shows the degradation note and, when abstaining, the near misses', () => {
    const { blocks } = answerToSlack(
      answer({ citations: [], abstained: true, text: 'No paper answers that.', note: 'The model timed out.', related: [{ id: 't-1', title: 'Near miss' }] }),
    );
    expect(blocks).toContainEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '_The model timed out._', verbatim: true }] });
    expect(JSON.stringify(blocks)).toContain('*Maybe related*\\n• Near miss (t-1)');
  });

  it('keeps hostile paper and answer text from pinging anyone', () => {
    const message = answerToSlack(
      answer({
        text: 'Hey <!channel> and @here, ask <@U999> [1]',
        citations: [{ n: 1, paperId: 'x', title: '<!everyone> Paper', url: 'https://x.org', quote: '<@U1> said @everyone' }],
      }),
    );
    expect(allText(message)).not.toMatch(PING);
  });

  it('fits a very long answer into Slack limits, cutting the answer but keeping the Sources', () => {
    const long = answer({ text: Array.from({ length: 6000 }, (_, i) => `Sentence ${i} about retrieval [1].`).join('\n\n') });
    const { text, blocks } = answerToSlack(long);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(blocks).toHaveLength(SLACK_LIMITS.blocksPerMessage);
    for (const b of blocks) {
      if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    expect(blocks.at(-3)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '_…cut to fit Slack’s message limits._', verbatim: true }] });
    expect(blocks.at(-2)).toEqual({ type: 'divider' });
    expect(JSON.stringify(blocks.at(-1))).toContain('*Sources*');
  });
});

describe('search results and papers', () => {
  const paper: Paper = {
    id: '2107.05720',
    title: 'SPLADE',
    abstract: 'In neural IR, sparse representations matter. We propose SPLADE.',
    authors: ['Thibault Formal', 'Benjamin Piwowarski'],
    url: 'https://arxiv.org/abs/2107.05720',
    publishedAt: '2021-07-12T00:00:00Z',
    source: 'file:papers.txt',
    addedAt: '2026-01-01T00:00:00Z',
    contentHash: 'h',
  };

  it('lists hits with a one-line gist from the best evidence', () => {
    const { blocks } = searchToSlack('sparse', [
      { paper: { ...paper }, score: 1, relevance: 0.9, evidence: ['We propose\nSPLADE.'] },
    ]);
    expect(blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Top 1 for “sparse”*', verbatim: true } },
      { type: 'section', text: { type: 'mrkdwn', text: '*1.* <https://arxiv.org/abs/2107.05720|SPLADE> (2107.05720)\nWe propose SPLADE.', verbatim: true } },
    ]);
  });

  it('says so when nothing matched, escaping the query', () => {
    expect(searchToSlack('<!here>', []).text).toBe('No papers matched “&lt;!here&gt;”.');
  });

  it('shows title, authors, date, id and abstract of a paper', () => {
    expect(paperToSlack(paper).blocks).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*<https://arxiv.org/abs/2107.05720|SPLADE>*\nThibault Formal, Benjamin Piwowarski · 2021-07-12 · 2107.05720', verbatim: true },
      },
      { type: 'section', text: { type: 'mrkdwn', text: 'In neural IR, sparse representations matter. We propose SPLADE.', verbatim: true } },
    ]);
  });
});

describe('hostile text', () => {
  const HOSTILE = [
    '# Heading [click me](https://evil.example/phish) and [again](https://evil.example/2)',
    'bare https://evil.example/bare and <https://evil.example/angle|x> www.evil.example',
    '<@U123ABC> <#C123|general> <!subteam^S1|@team> <!channel> <!here> @everyone',
    '> a quote',
    '*bold* _italic_ ~strike~ `code`',
  ].join('\n');

  it('escapeMrkdwn leaves no link, mention, quote or formatting', () => {
    const escaped = escapeMrkdwn(HOSTILE);
    expect(renderSlack({ text: escaped })).toEqual({ links: [], mentions: [] });
    expect(escaped).not.toMatch(/[*_~`]/);
    expect(escaped).not.toMatch(/^\s*(&gt;|>)/m);
    expect(renderSlack({ text: HOSTILE }).links.length).toBeGreaterThan(2);
  });

  it('escapeMrkdwn keeps characters that cannot format as typed', () => {
    expect(escapeMrkdwn('Set ADMIN_USER_IDS, e.g. "0 9 * * 1-5" or 2*3')).toBe('Set ADMIN_USER_IDS, e.g. "0 9 * * 1-5" or 2*3');
    expect(escapeMrkdwn('_x_ *y* ~z~')).toBe('\u02cdx\u02cd \u2217y\u2217 \u223cz\u223c');
  });

  it('answers, search results and papers show no link but their own Sources', () => {
    const paper: Paper = {
      id: '2501.00001', title: HOSTILE, abstract: HOSTILE, authors: ['<@U1>'], url: 'https://arxiv.org/abs/2501.00001',
      source: 'test', addedAt: '2026-01-01T00:00:00Z', contentHash: 'h',
    };
    const messages = [
      answerToSlack(answer({ text: `**${HOSTILE}** [1]: ${HOSTILE} [1]`, citations: [{ n: 1, paperId: paper.id, title: HOSTILE, url: paper.url, quote: HOSTILE }] })),
      searchToSlack(HOSTILE, [{ paper, score: 1, relevance: 1, evidence: [HOSTILE] }]),
      paperToSlack(paper),
    ];
    for (const message of messages) {
      const { links, mentions } = renderSlack(message);
      expect([...new Set(links)]).toEqual([paper.url]);
      expect(mentions).toEqual([]);
      expect(message).toMatchObject({ unfurl_links: false, unfurl_media: false });
    }
  });
});
