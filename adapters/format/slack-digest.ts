/**
 * A digest → Slack messages: the short top-level message (header, themes, one line per paper) and
 * the thread's full list, split over as many messages as Slack's limits need. Paper text is escaped
 * and cut, so nothing in it can ping, link or format.
 */
import type { Digest, DigestPaper } from '../../src/digest/types.ts';
import { mrkdwnMessage, type SlackMessage } from './slack-blocks.ts';
import { SLACK_LIMITS, escapeMrkdwn, slackLink, truncate } from './slack-mrkdwn.ts';

const TITLE_CHARS = 200;
const GIST_CHARS = 280;
const DETAILS_CHARS = 1200;
const AUTHORS_SHOWN = 3;

export interface SlackDigestOptions {
  /** Papers per theme in the top-level message; the rest are only in the thread. */
  perTheme?: number;
  /** Upper bound on the mrkdwn of one thread message (its blocks hold it all; the fallback text is cut). */
  threadMessageChars?: number;
}

/**
 * The top-level message: header, notes, each theme with its best papers as one line each.
 *
 * @example digestToSlack(digest).text // '*Paperboy daily · 27 Nov · 12 new papers · 3 themes*\n…'
 */
export function digestToSlack(digest: Digest, options: SlackDigestOptions = {}): SlackMessage {
  return mrkdwnMessage(digestMrkdwn(digest, options));
}

/** The top-level message as safe mrkdwn, for callers that add to it (e.g. a preview note). */
export function digestMrkdwn(digest: Digest, { perTheme = 3 }: SlackDigestOptions = {}): string {
  const parts = [`*${escapeMrkdwn(digest.header)}*${notesOf(digest)}`];
  if (digest.paperIds.length === 0) parts.push(nothingNew(digest));
  let hiddenTotal = 0;
  for (const theme of digest.themes) {
    const shown = theme.papers.slice(0, perTheme);
    const hidden = theme.papers.length - shown.length;
    hiddenTotal += hidden;
    const lines = shown.map((p) => `• ${linkedTitle(p)} — ${escapeMrkdwn(truncate(oneLine(p.gist), GIST_CHARS))}${votes(p)}`);
    if (hidden > 0) lines.push(`• _…and ${plural(hidden, 'more paper')} in the thread_`);
    parts.push(`*${escapeMrkdwn(theme.name)}*\n${lines.join('\n')}`);
  }
  if (digest.paperIds.length > 0) {
    const where = hiddenTotal > 0 ? 'The full list, with longer summaries, is' : 'Longer summaries are';
    parts.push(`_${where} in the thread. Mention me there to ask about these papers._`);
  }
  return parts.join('\n\n');
}

/**
 * The thread under the digest: every paper with its authors and a few sentences, grouped by theme.
 * Empty for a digest without papers.
 */
export function digestThreadToSlack(digest: Digest, { threadMessageChars = 12_000 }: SlackDigestOptions = {}): SlackMessage[] {
  if (digest.paperIds.length === 0) return [];
  const paragraphs: Paragraph[] = [{ text: `*All ${plural(digest.paperIds.length, 'paper')}*` }];
  for (const theme of digest.themes) {
    paragraphs.push({ text: `*${escapeMrkdwn(theme.name)}* (${theme.papers.length})`, heading: true });
    paragraphs.push(...theme.papers.map((p) => ({ text: paperEntry(p) })));
  }
  return packed(paragraphs, threadMessageChars).map(mrkdwnMessage);
}

function paperEntry(p: DigestPaper): string {
  const authors = p.authors.length > AUTHORS_SHOWN ? `${p.authors.slice(0, AUTHORS_SHOWN).join(', ')} et al.` : p.authors.join(', ');
  return [
    `*${linkedTitle(p)}*${votes(p)}`,
    ...(authors ? [`_${escapeMrkdwn(truncate(oneLine(authors), TITLE_CHARS))}_`] : []),
    escapeMrkdwn(truncate(oneLine(p.details), DETAILS_CHARS)),
  ].join('\n');
}

interface Paragraph {
  text: string;
  /** A theme heading: never the last paragraph of a message. */
  heading?: boolean;
}

/**
 * Paragraphs in order, into as few messages as `maxChars` and Slack's block limit allow. Each
 * paragraph is one section at most (every entry is cut well below a section's limit).
 */
function packed(paragraphs: Paragraph[], maxChars: number): string[] {
  const messages: Paragraph[][] = [[]];
  let chars = 0;
  for (const paragraph of paragraphs) {
    const current = messages.at(-1)!;
    const size = paragraph.text.length + 2;
    if (current.length > 0 && (chars + size > maxChars || current.length >= SLACK_LIMITS.blocksPerMessage)) {
      // A heading that would end a message moves on with its papers.
      const carried = current.length > 1 && current.at(-1)!.heading ? [current.pop()!] : [];
      messages.push([...carried, paragraph]);
      chars = [...carried, paragraph].reduce((n, p) => n + p.text.length + 2, 0);
    } else {
      current.push(paragraph);
      chars += size;
    }
  }
  return messages.map((m) => m.map((p) => p.text).join('\n\n'));
}

function notesOf(digest: Digest): string {
  return digest.notes.map((n) => `\n> _${escapeMrkdwn(oneLine(n))}_`).join('');
}

function nothingNew(digest: Digest): string {
  return digest.topics.length > 0
    ? `Nothing new about ${escapeMrkdwn(digest.topics.join(', '))} since the last digest.`
    : 'Nothing new since the last digest.';
}

function linkedTitle(p: DigestPaper): string {
  return slackLink(truncate(oneLine(p.title), TITLE_CHARS), p.url);
}

function votes(p: DigestPaper): string {
  return p.upvotes !== undefined ? ` · ▲ ${p.upvotes}` : '';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
