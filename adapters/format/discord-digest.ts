/**
 * A digest → Discord message payloads: one short top-level embed (header, notes, a field per
 * theme with its best papers one line each) and the full list for the thread. Pure functions,
 * within Discord's limits, paper text escaped, no mentions.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { DigestStatus } from '../../src/digest/digest-service.ts';
import type { Digest, DigestPaper } from '../../src/digest/types.ts';
import { DISCORD_LIMITS, NO_MENTIONS, escapeDiscord, linkedTitle, packEmbeds, truncate, type DiscordMessage } from './discord-markdown.ts';

export const DIGEST_COLOR = 0xf59f00;
/** Discord's cap on a thread name. */
const THREAD_NAME_CHARS = 100;
const PER_THEME = 3;
const LINE_TITLE_CHARS = 120;
const LINE_GIST_CHARS = 160;
const DETAILS_CHARS = 700;
/** Room left in the top embed for the "more in the thread" field. */
const OVERFLOW_RESERVE = 100;
const REF_MARK = ' · ref ';

export interface DiscordDigestMessages {
  /** The channel message: header, themes, and the delivery ref in its footer. */
  top: DiscordMessage;
  /** The full list, for the thread started from `top`; empty when the digest has no papers. */
  thread: DiscordMessage[];
  threadName: string;
}

/**
 * @example
 * const { top, thread, threadName } = formatDigest(digest, { ref: digestRef(deliveryKey) });
 */
export function formatDigest(digest: Digest, { ref }: { ref?: string } = {}): DiscordDigestMessages {
  return { top: formatDigestTop(digest, { ref }), thread: formatDigestThread(digest), threadName: truncate(digest.header, THREAD_NAME_CHARS) };
}

/** The short top-level message; `ref` (when given) goes in the footer, where `digestRefOf` finds it again. */
export function formatDigestTop(digest: Digest, { ref }: { ref?: string } = {}): DiscordMessage {
  const empty = digest.paperIds.length === 0;
  const hint = empty ? 'Paperboy' : 'Ask about these papers in the thread';
  const embed: APIEmbed = {
    color: DIGEST_COLOR,
    title: truncate(digest.header, DISCORD_LIMITS.embedTitle),
    footer: { text: ref === undefined ? hint : `${hint}${REF_MARK}${ref}` },
  };
  const description = descriptionOf(digest);
  if (description) embed.description = truncate(description, DISCORD_LIMITS.embedDescription / 2);
  embed.fields = themeFields(digest, DISCORD_LIMITS.embedCharsPerMessage - embedSize(embed));
  return { embeds: [embed], allowedMentions: NO_MENTIONS };
}

/** The delivery ref a digest embed's footer carries, or undefined for any other embed. */
export function digestRefOf(embed: Pick<APIEmbed, 'footer'>): string | undefined {
  const text = embed.footer?.text ?? '';
  const at = text.lastIndexOf(REF_MARK);
  return at < 0 ? undefined : text.slice(at + REF_MARK.length);
}

/** Every paper, theme by theme: linked title, upvotes, authors and a few sentences. */
export function formatDigestThread(digest: Digest): DiscordMessage[] {
  const embeds: APIEmbed[] = [];
  let n = 0;
  for (const theme of digest.themes) {
    const title = truncate(escapeDiscord(theme.name), DISCORD_LIMITS.embedTitle);
    let current: APIEmbed | undefined;
    for (const paper of theme.papers) {
      const entry = fullEntry(paper, ++n);
      if (!current || current.description!.length + 2 + entry.length > DISCORD_LIMITS.embedDescription) {
        // Continuations of a long theme carry no title, so they read as one list.
        current = { color: DIGEST_COLOR, ...(current ? {} : { title }), description: entry };
        embeds.push(current);
      } else {
        current.description += `\n\n${entry}`;
      }
    }
  }
  return packEmbeds(embeds);
}

/**
 * `/digest status`: topics, schedule, next run (in each reader's own time zone via Discord's
 * timestamp markup) and how the last delivery went, linked when it was posted.
 */
export function formatDigestStatus(status: DigestStatus, where: { guildId?: string | null; channelId: string }): string {
  if (!status.subscribed) {
    if (status.status === 'removed') {
      const why = status.removedReason ? ` (${escapeDiscord(truncate(status.removedReason, 200))})` : '';
      return `Digests stopped here: I could no longer post in this channel${why}. Give me access again, then \`/digest subscribe\`.`;
    }
    return 'This channel gets no daily digest. `/digest subscribe` turns it on (add `topics:` to narrow it down).';
  }
  const lines = [
    '**Daily digest: on**',
    `Topics: ${status.topics.length > 0 ? escapeDiscord(status.topics.join(', ')) : 'everything new'}`,
    `Schedule: \`${status.cron.replaceAll('`', '')}\` (${escapeDiscord(status.timezone)})`,
  ];
  if (status.nextRun) lines.push(`Next digest: ${discordTime(status.nextRun)}`);
  const last = status.lastDelivery;
  if (last) {
    const link = last.messageRef && last.state === 'posted' ? ` · [open](https://discord.com/channels/${where.guildId ?? '@me'}/${where.channelId}/${last.messageRef})` : '';
    lines.push(`Last digest: ${last.day} · ${deliveryStateText(last)}${link}`);
  }
  return lines.join('\n');
}

function deliveryStateText(last: NonNullable<DigestStatus['lastDelivery']>): string {
  switch (last.state) {
    case 'posted':
      return `posted, ${plural(last.paperCount, 'paper')}`;
    case 'skipped-empty':
      return 'nothing new, nothing posted';
    case 'failed':
      return `failed${last.error ? ` (${escapeDiscord(truncate(last.error, 200))})` : ''}`;
    default:
      return 'being posted';
  }
}

/** Discord renders `<t:…>` in every reader's own time zone. */
function discordTime(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<t:${seconds}:F> (<t:${seconds}:R>)`;
}

function descriptionOf(digest: Digest): string {
  const lines = digest.notes.map((note) => `⚠️ ${escapeDiscord(note)}`);
  if (digest.topics.length > 0) lines.push(`Topics: ${escapeDiscord(digest.topics.join(', '))}`);
  if (digest.paperIds.length === 0) {
    lines.push(digest.topics.length > 0 ? 'Nothing new about these topics since the last digest.' : 'Nothing new since the last digest.');
  }
  return lines.join('\n');
}

/** One field per theme while the message has room; the rest are pointed to the thread. */
function themeFields(digest: Digest, budget: number): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  let used = 0;
  for (const [i, theme] of digest.themes.entries()) {
    const field = themeField(theme.name, theme.papers);
    const size = field.name.length + field.value.length;
    const last = i === digest.themes.length - 1;
    const fits = used + size <= budget - (last ? 0 : OVERFLOW_RESERVE) && fields.length < DISCORD_LIMITS.embedFields - (last ? 0 : 1);
    if (!fits) {
      const rest = digest.themes.slice(i);
      const papers = rest.reduce((sum, t) => sum + t.papers.length, 0);
      fields.push({ name: 'More', value: `${plural(rest.length, 'more theme')} (${plural(papers, 'paper')}) in the thread` });
      break;
    }
    fields.push(field);
    used += size;
  }
  return fields;
}

function themeField(name: string, papers: DigestPaper[]): APIEmbedField {
  const lines: string[] = [];
  for (const paper of papers.slice(0, PER_THEME)) {
    const line = `• ${shortLine(paper)}`;
    // Leaves room for the "…and N more" line.
    if ([...lines, line].join('\n').length > DISCORD_LIMITS.fieldValue - 40) break;
    lines.push(line);
  }
  const hidden = papers.length - lines.length;
  if (hidden > 0) lines.push(`…and ${plural(hidden, 'more paper')} in the thread`);
  return { name: truncate(escapeDiscord(name), DISCORD_LIMITS.fieldName), value: lines.join('\n') };
}

function shortLine(paper: DigestPaper): string {
  const gist = paper.gist.trim() ? ` — ${escapeDiscord(truncate(paper.gist.trim(), LINE_GIST_CHARS))}` : '';
  return `${linkedTitle(paper, LINE_TITLE_CHARS)}${gist}${votes(paper)}`;
}

function fullEntry(paper: DigestPaper, n: number): string {
  const lines = [`**${n}.** ${linkedTitle(paper)}${votes(paper)}`];
  if (paper.authors.length > 0) {
    const authors = paper.authors.length > 3 ? `${paper.authors.slice(0, 3).join(', ')} et al.` : paper.authors.join(', ');
    lines.push(`_${escapeDiscord(truncate(authors, 200))}_`);
  }
  const details = (paper.details || paper.gist).trim();
  if (details) lines.push(escapeDiscord(truncate(details, DETAILS_CHARS)));
  return lines.join('\n');
}

function votes(paper: DigestPaper): string {
  return paper.upvotes !== undefined ? ` · ▲ ${paper.upvotes}` : '';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function embedSize(embed: APIEmbed): number {
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
}
