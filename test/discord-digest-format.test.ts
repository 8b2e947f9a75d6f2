import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { digestRefOf, formatDigest, formatDigestStatus, formatDigestTop } from '../adapters/format/discord-digest.ts';
import { DISCORD_LIMITS, NO_MENTIONS, type DiscordMessage } from '../adapters/format/discord-markdown.ts';
import type { DigestStatus } from '../src/digest/digest-service.ts';
import type { Digest, DigestPaper, DigestTheme } from '../src/digest/types.ts';

function paper(id: string, overrides: Partial<DigestPaper> = {}): DigestPaper {
  return {
    id,
    title: `Paper ${id}`,
    url: `https://arxiv.org/abs/${id}`,
    gist: `What paper ${id} found.`,
    details: `What paper ${id} found, in more words. How it was measured.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    ...overrides,
  };
}

function digestOf(themes: DigestTheme[], extra: Partial<Digest> = {}): Digest {
  const paperIds = themes.flatMap((t) => t.papers.map((p) => p.id));
  return {
    header: `Paperboy daily · 7 Jan · ${paperIds.length} new papers · ${themes.length} themes`,
    day: '2030-01-07',
    themes,
    notes: [],
    paperIds,
    topics: [],
    since: '2030-01-04T09:00:00.000Z',
    until: '2030-01-07T09:00:00.000Z',
    ...extra,
  };
}

function embedChars(e: APIEmbed): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

function expectWithinLimits(message: DiscordMessage): void {
  expect(message.allowedMentions).toEqual(NO_MENTIONS);
  expect(message.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
  expect(message.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedCharsPerMessage);
  for (const e of message.embeds) {
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedFields);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    }
  }
}

describe('formatDigest', () => {
  it('puts the header in the title, a field per theme with its best three papers, and the ref in the footer', () => {
    const digest = digestOf([
      { name: 'speech', papers: [paper('2611.00001', { upvotes: 87 }), paper('2611.00002'), paper('2611.00003'), paper('2611.00004'), paper('2611.00005')] },
      { name: 'retrieval', papers: [paper('2611.00006', { upvotes: 3 })] },
    ]);
    const { top, thread, threadName } = formatDigest(digest, { ref: 'abc123' });

    const [embed] = top.embeds;
    expect(top.embeds).toHaveLength(1);
    expect(embed!.title).toBe(digest.header);
    expect(embed!.fields!.map((f) => f.name)).toEqual(['speech', 'retrieval']);
    expect(embed!.fields![0]!.value.split('\n')).toEqual([
      '• [Paper 2611.00001](https://arxiv.org/abs/2611.00001) — What paper 2611.00001 found. · ▲ 87',
      '• [Paper 2611.00002](https://arxiv.org/abs/2611.00002) — What paper 2611.00002 found.',
      '• [Paper 2611.00003](https://arxiv.org/abs/2611.00003) — What paper 2611.00003 found.',
      '…and 2 more papers in the thread',
    ]);
    expect(digestRefOf(embed!)).toBe('abc123');
    expect(embed!.footer!.text).toContain('thread');
    expect(threadName).toBe(digest.header);

    const listed = thread.flatMap((m) => m.embeds).map((e) => e.description).join('\n');
    for (const id of digest.paperIds) expect(listed.split(`(https://arxiv.org/abs/${id})`)).toHaveLength(2);
    expect(thread.flatMap((m) => m.embeds).map((e) => e.title).filter(Boolean)).toEqual(['speech', 'retrieval']);
    expect(listed).toContain('_Ada Lovelace, Alan Turing_');
  });

  it('escapes markdown and links in paper text so a title cannot break out of its link', () => {
    const sneaky = paper('2611.00009', {
      title: 'Attention is [all](https://evil.example) you *need*',
      gist: 'Beats `code` and __underline__ @everyone.',
      authors: ['A_B', 'C*D', 'E', 'F'],
    });
    const { top, thread } = formatDigest(digestOf([{ name: '# heading?', papers: [sneaky] }]));
    const field = top.embeds[0]!.fields![0]!;
    expect(field.name).toBe('\\# heading?');
    expect(field.value).toBe(
      '• [Attention is \\[all\\](https\\://evil.example) you \\*need\\*](https://arxiv.org/abs/2611.00009) — Beats \\`code\\` and \\_\\_underline\\_\\_ @\u200beveryone.',
    );
    expect(thread[0]!.embeds[0]!.description).toContain('_A\\_B, C\\*D, E et al._');
  });

  it('stays within every Discord limit for a very large digest, pointing the overflow to the thread', () => {
    // Prose, not one long word: discord.js's escaper is slow on the latter, and abstracts are prose.
    const long = 'We propose a streaming model for speech that attends monotonically to its input. '.repeat(5);
    const themes = Array.from({ length: 30 }, (_, t) => ({
      name: `theme ${t} ${long}`,
      papers: Array.from({ length: 12 }, (_, i) =>
        paper(`2611.${String(t * 100 + i).padStart(5, '0')}`, { title: `Title ${long}`, gist: long, details: long.repeat(5), authors: [long] }),
      ),
    }));
    const digest = digestOf(themes, { header: `H ${long}`, notes: ['arXiv could not be reached; this digest may be incomplete.'] });
    const { top, thread, threadName } = formatDigest(digest, { ref: 'r'.repeat(25) });

    expectWithinLimits(top);
    expect(top.embeds).toHaveLength(1);
    expect(top.embeds[0]!.description).toContain('⚠️ arXiv could not be reached');
    expect(top.embeds[0]!.fields!.at(-1)).toMatchObject({ name: 'More', value: expect.stringMatching(/^\d+ more themes \(\d+ papers\) in the thread$/) as unknown });
    expect(digestRefOf(top.embeds[0]!)).toBe('r'.repeat(25));
    expect(threadName.length).toBeLessThanOrEqual(100);

    for (const message of thread) expectWithinLimits(message);
    const entries = thread.flatMap((m) => m.embeds).flatMap((e) => e.description!.split(/\n\n(?=\*\*\d+\.\*\*)/));
    expect(entries).toHaveLength(30 * 12);
    expect(entries.at(-1)).toMatch(/^\*\*360\.\*\* /);
  });

  it('says there is nothing new, and has no thread, for an empty digest', () => {
    const { top, thread } = formatDigest(digestOf([], { header: 'Paperboy daily · 8 Jan · no new papers', topics: ['speech'] }), { ref: 'k' });
    expect(thread).toEqual([]);
    expect(top.embeds[0]!.description).toBe('Topics: speech\nNothing new about these topics since the last digest.');
    expect(top.embeds[0]!.fields).toEqual([]);
    expect(digestRefOf(top.embeds[0]!)).toBe('k');
  });

  it('reads no ref from embeds that are not digests', () => {
    expect(digestRefOf({ footer: { text: 'Mode: extractive' } })).toBeUndefined();
    expect(digestRefOf({})).toBeUndefined();
    expect(digestRefOf(formatDigestTop(digestOf([])).embeds[0]!)).toBeUndefined();
  });
});

describe('formatDigestStatus', () => {
  const where = { guildId: '10', channelId: '20' };
  const base: DigestStatus = { subscribed: true, topics: ['speech', 'retrieval'], cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' };

  it('shows topics, schedule, the next run as a Discord timestamp and a link to the last digest', () => {
    const text = formatDigestStatus(
      { ...base, nextRun: new Date('2030-01-08T08:00:00Z'), lastDelivery: { day: '2030-01-07', state: 'posted', paperCount: 8, messageRef: '30' } },
      where,
    );
    expect(text).toBe(
      [
        '**Daily digest: on**',
        'Topics: speech, retrieval',
        'Schedule: `0 9 * * 1-5` (Europe/Berlin)',
        'Next digest: <t:1894089600:F> (<t:1894089600:R>)',
        'Last digest: 2030-01-07 · posted, 8 papers · [open](https://discord.com/channels/10/20/30)',
      ].join('\n'),
    );
  });

  it('explains a channel the bot lost, and one that never subscribed', () => {
    const removed = formatDigestStatus({ ...base, subscribed: false, status: 'removed', removedReason: 'discord channel 20 is gone: 50001 Missing Access' }, where);
    expect(removed).toContain('50001 Missing Access');
    expect(removed).toContain('`/digest subscribe`');
    expect(formatDigestStatus({ ...base, subscribed: false, topics: [] }, where)).toContain('no daily digest');
  });

  it('reports a skipped or failed last delivery without a link', () => {
    const skipped = formatDigestStatus({ ...base, lastDelivery: { day: '2030-01-08', state: 'skipped-empty', paperCount: 0 } }, where);
    expect(skipped).toContain('Last digest: 2030-01-08 · nothing new, nothing posted');
    const failed = formatDigestStatus({ ...base, lastDelivery: { day: '2030-01-08', state: 'failed', paperCount: 3, error: 'boom', messageRef: '1' } }, where);
    expect(failed).toContain('Last digest: 2030-01-08 · failed (boom)');
    expect(failed).not.toContain('[open]');
  });
});
