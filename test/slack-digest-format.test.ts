import { describe, expect, it } from 'vitest';
import { digestThreadToSlack, digestToSlack } from '../adapters/format/slack-digest.ts';
import type { SlackMessage } from '../adapters/format/slack-blocks.ts';
import { SLACK_LIMITS } from '../adapters/format/slack-mrkdwn.ts';
import type { Digest, DigestPaper } from '../src/digest/types.ts';

/** Anything Slack would turn into a notification for people other than the asker. */
const PING = /<!(channel|here|everyone)|<!subteam|<@[UW]|(^|[^\u2060])@(channel|here|everyone)\b/i;

function paper(n: number, over: Partial<DigestPaper> = {}): DigestPaper {
  return {
    id: `3002.${String(n).padStart(5, '0')}`,
    title: `Paper number ${n}`,
    url: `https://arxiv.org/abs/3002.${String(n).padStart(5, '0')}`,
    gist: `Gist of paper ${n}.`,
    details: `Details of paper ${n}. `.repeat(3).trim(),
    authors: ['Ada Lovelace', 'Alan Turing'],
    ...over,
  };
}

function digest(themes: Digest['themes'], over: Partial<Digest> = {}): Digest {
  const paperIds = themes.flatMap((t) => t.papers.map((p) => p.id));
  return {
    header: `Paperboy daily · 27 Nov · ${paperIds.length} new papers · ${themes.length} themes`,
    day: '2026-11-27',
    themes,
    notes: [],
    paperIds,
    topics: [],
    since: '2026-11-26T09:00:00.000Z',
    until: '2026-11-27T09:00:00.000Z',
    ...over,
  };
}

function withinLimits(message: SlackMessage) {
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  for (const block of message.blocks) {
    if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  }
}

const blockText = (m: SlackMessage) => m.blocks.map((b) => (b.type === 'section' ? b.text!.text : '')).join('\n\n');

describe('Slack digest formatting', () => {
  it('shows the best three per theme, says how many more are in the thread, and lists every paper there once', () => {
    const d = digest([
      { name: 'speech', papers: [1, 2, 3, 4, 5].map((n) => paper(n, { upvotes: 10 - n })) },
      { name: 'retrieval', papers: [paper(6)] },
    ]);
    expect(digestToSlack(d).text).toBe(
      [
        '*Paperboy daily · 27 Nov · 6 new papers · 2 themes*',
        '',
        '*speech*',
        '• <https://arxiv.org/abs/3002.00001|Paper number 1> — Gist of paper 1. · ▲ 9',
        '• <https://arxiv.org/abs/3002.00002|Paper number 2> — Gist of paper 2. · ▲ 8',
        '• <https://arxiv.org/abs/3002.00003|Paper number 3> — Gist of paper 3. · ▲ 7',
        '• _…and 2 more papers in the thread_',
        '',
        '*retrieval*',
        '• <https://arxiv.org/abs/3002.00006|Paper number 6> — Gist of paper 6.',
        '',
        '_The full list, with longer summaries, is in the thread. Mention me there to ask about these papers._',
      ].join('\n'),
    );
    const [thread, ...more] = digestThreadToSlack(d);
    expect(more).toEqual([]);
    expect(thread!.text).toBe(
      [
        '*All 6 papers*',
        '*speech* (5)',
        ...[1, 2, 3, 4, 5].map((n) => `*<https://arxiv.org/abs/3002.0000${n}|Paper number ${n}>* · ▲ ${10 - n}\n_Ada Lovelace, Alan Turing_\nDetails of paper ${n}. Details of paper ${n}. Details of paper ${n}.`),
        '*retrieval* (1)',
        '*<https://arxiv.org/abs/3002.00006|Paper number 6>*\n_Ada Lovelace, Alan Turing_\nDetails of paper 6. Details of paper 6. Details of paper 6.',
      ].join('\n\n'),
    );
  });

  it('escapes paper text so nothing pings, links or breaks out, and drops links that are not http(s)', () => {
    const hostile = paper(1, {
      title: '<!channel> Sparse retrieval @here <@U0VICTIM>',
      url: 'javascript:alert(1)',
      gist: 'Beats BM25 & friends <b> for @everyone.',
      details: '<https://evil.example|click> me <!subteam^S1>',
      authors: ['<@U0VICTIM>', 'Eve'],
    });
    const d = digest([{ name: '<!here> theme', papers: [hostile] }], { notes: ['arXiv <!channel> could not be reached'] });
    const top = digestToSlack(d);
    const thread = digestThreadToSlack(d);
    const everything = JSON.stringify([top, thread]);
    expect(everything).not.toMatch(PING);
    expect(everything).not.toContain('<https://evil.example');
    expect(everything).not.toContain('javascript:');
    expect(top.text).toContain('• &lt;!channel&gt; Sparse retrieval @\u2060here &lt;@U0VICTIM&gt; — Beats BM25 &amp; friends &lt;b&gt; for @\u2060everyone.');
    expect(top.text).toContain('*&lt;!here&gt; theme*');
    expect(top.text).toContain('\n> _arXiv &lt;!channel&gt; could not be reached_');
    expect(thread[0]!.text).toContain('_&lt;@U0VICTIM&gt;, Eve_');
  });

  it('splits a long thread over several messages within Slack’s limits, never ending one on a theme heading', () => {
    const long = (n: number) => paper(n, { title: `Title ${n} `.repeat(40), details: `Sentence ${n} of the details. `.repeat(80), authors: Array.from({ length: 9 }, (_, i) => `Author ${i}`) });
    const d = digest(
      Array.from({ length: 12 }, (_, t) => ({ name: `theme ${t}`, papers: Array.from({ length: 10 }, (_, i) => long(t * 10 + i + 1)) })),
      { notes: ['A note.'] },
    );
    const top = digestToSlack(d);
    withinLimits(top);
    expect(top.text).toContain('_…and 7 more papers in the thread_');

    const thread = digestThreadToSlack(d);
    expect(thread.length).toBeGreaterThan(5);
    thread.forEach(withinLimits);
    const all = thread.map(blockText).join('\n\n');
    for (const id of d.paperIds) expect(all.split(`|Title ${Number(id.slice(5))} `).length - 1).toBe(1);
    for (const m of thread) expect(blockText(m)).not.toMatch(/\*theme \d+\* \(10\)$/);
    // Long titles, author lists and details are cut.
    expect(all).toContain('Author 0, Author 1, Author 2 et al._');
    expect(all).not.toContain('Author 3');
  });

  it('says there is nothing new (about the channel’s topics) and has no thread for an empty digest', () => {
    const empty = digest([], { header: 'Paperboy daily · 27 Nov · no new papers', topics: ['speech', 'retrieval'] });
    expect(digestToSlack(empty).text).toBe('*Paperboy daily · 27 Nov · no new papers*\n\nNothing new about speech, retrieval since the last digest.');
    expect(digestToSlack({ ...empty, topics: [] }).text).toBe('*Paperboy daily · 27 Nov · no new papers*\n\nNothing new since the last digest.');
    expect(digestThreadToSlack(empty)).toEqual([]);
  });
});
