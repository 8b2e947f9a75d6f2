/**
 * Engine results → Discord message payloads: embeds within Discord's limits, paper text escaped,
 * no mentions. Pure functions; the Discord adapter only sends what these return.
 */
import type { APIEmbed, APIEmbedField, MessageMentionOptions } from 'discord.js';
import type { Answer, Paper, PaperRef, SearchHit } from '../../src/types.ts';

/** Discord's documented limits, in characters unless named otherwise. */
export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  /** Sum of every embed's title, description, fields and footer in one message. */
  embedCharsPerMessage: 6000,
  embedsPerMessage: 10,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

/** Sent with every message: nothing the bot posts (user or paper text included) pings anyone. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [], repliedUser: false };

export const COLORS = { answer: 0x5865f2, abstained: 0x99aab5, paper: 0x2b8a3e } as const;

/** Lengths of quoted evidence and gists, short enough that a field list stays readable. */
const QUOTE_CHARS = 300;
const GIST_CHARS = 200;
const LINK_TITLE_CHARS = 200;

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  allowedMentions: MessageMentionOptions;
}

/** A `[n]` citation marker, including grouped forms like `[1, 3]`. */
const CITATION = /\[\d+(?:\s*[,;]\s*\d+)*\]/g;

/** Zero-width space: keeps `@everyone` readable while stopping Discord from treating it as a mention. */
const ZWSP = '\u200b';
/** Inline markdown characters, escaped wherever they appear (`[`/`]` make masked links, `<` mentions). */
const INLINE_SPECIAL = /[\\*_~`|<>[\]]/g;
/** What starts a heading, subtext, list or quote at the beginning of a line. */
const LINE_START = /^([ \t]*)(#{1,3}(?=\s)|-#|[-+](?=\s)|\d+\.(?=\s))/gm;

/**
 * Escapes every Discord markdown construct in untrusted text (paper titles, abstracts, quotes, model
 * text): emphasis, code, spoilers, every masked link on every line, bare URLs (so they stay plain
 * text), headings, lists, quotes and mentions. discord.js's `escapeMarkdown` escapes only the first
 * masked link on a line and leaves bare URLs live, so this does not use it.
 *
 * @example escapeDiscord('[a](https://x.io) [b](https://y.io)') // '\\[a\\](https\\://x.io) \\[b\\](https\\://y.io)'
 */
export function escapeDiscord(text: string): string {
  return defuse(text.replace(INLINE_SPECIAL, '\\$&').replace(LINE_START, escapeLineMark));
}

function escapeLineMark(_match: string, lead: string, mark: string): string {
  // A backslash before a digit is no escape: numbered lists are stopped at their dot.
  return mark.endsWith('.') ? `${lead}${mark.slice(0, -1)}\\.` : `${lead}\\${mark}`;
}

/**
 * Makes the engine's answer markdown (the composer's or the model's) safe while keeping its
 * emphasis, lists, code and `[n]` citations: masked links (any `[` that is not a citation is
 * escaped), bare URLs, headings, quotes, spoilers and mentions become text.
 */
export function safeMarkdown(markdown: string): string {
  // Odd-indexed parts are code, where Discord renders nothing as a link or mention.
  return markdown
    .split(/(```[\s\S]*?```|`[^`\n]+`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : defuse(
            part
              .replace(/[\\<>|]|\[(?!\d+(?:\s*[,;]\s*\d+)*\](?!\())/g, '\\$&')
              .replace(/^([ \t]*)(#{1,3}(?=\s)|-#)/gm, escapeLineMark),
          ),
    )
    .join('');
}

/** Bare URLs stay text (`https\://`), and `@everyone`/`@here`/raw ids cannot form a mention. */
function defuse(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1\\:')
    .replace(/@(everyone|here|[!&]?\d{15,21})/gi, `@${ZWSP}$1`);
}

/** Undoes `escapeDiscord`, e.g. to read back a question the bot rendered earlier. */
export function unescapeDiscord(text: string): string {
  return text.replace(/\\([^A-Za-z0-9\s])/g, '$1').replaceAll(`@${ZWSP}`, '@');
}

/** Cuts `text` to `max` characters at a word boundary, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - 1);
  const space = room.search(/\s\S*$/);
  const kept = space > max / 2 ? room.slice(0, space) : dropLoneSurrogate(room);
  return `${kept.trimEnd()}…`;
}

/**
 * Splits long text into pieces of at most `max` characters, preferring paragraph, line, sentence
 * and word boundaries in that order. A cut never falls inside a `[n]` citation and never separates
 * a citation from the sentence before it.
 */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const { end, next } = findCut(rest, max);
    pieces.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(next).trimStart();
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

const BOUNDARIES = [/\n[ \t]*\n\s*/g, /\n\s*/g, /(?<=[.!?]["'”’)]?)\s+/g, /\s+/g];

function findCut(text: string, max: number): { end: number; next: number } {
  const citations = [...text.matchAll(CITATION)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const insideCitation = (i: number) => citations.some((c) => c.start < i && i < c.end);
  const citationAt = (i: number) => citations.some((c) => c.start === i);
  for (const [level, boundary] of BOUNDARIES.entries()) {
    // Coarse boundaries only count in the second half, so pieces do not come out tiny.
    const floor = level === BOUNDARIES.length - 1 ? 1 : Math.floor(max / 2);
    let best: { end: number; next: number } | undefined;
    for (const m of text.matchAll(boundary)) {
      if (m.index > max) break;
      const next = m.index + m[0].length;
      if (m.index >= floor && !insideCitation(m.index) && !citationAt(next)) best = { end: m.index, next };
    }
    if (best) return best;
  }
  // No usable whitespace: hard cut, moved back to the start of a citation it would split.
  let end = max;
  const split = citations.find((c) => c.start < end && end < c.end);
  if (split && split.start > 0) end = split.start;
  end = dropLoneSurrogate(text.slice(0, end)).length;
  return { end, next: end };
}

function dropLoneSurrogate(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}

/** An http(s) URL safe inside a markdown link, or undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.href.replaceAll('(', '%28').replaceAll(')', '%29');
  } catch {
    return undefined;
  }
}

/** A paper title as markdown: escaped, linked when its URL is known. */
export function linkedTitle(ref: { title: string; url?: string }, max = LINK_TITLE_CHARS): string {
  const title = truncate(ref.title, max);
  const url = safeUrl(ref.url);
  // Inside link text every bracket is escaped, so a title cannot close the link early or nest one.
  return url ? `[${escapeDiscord(title)}](${url})` : escapeDiscord(title);
}

function embedChars(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + fields;
}

/** Groups embeds into as few messages as Discord's per-message limits allow. */
export function packEmbeds(embeds: APIEmbed[]): DiscordMessage[] {
  const messages: DiscordMessage[] = [];
  let current: APIEmbed[] = [];
  let chars = 0;
  for (const embed of embeds) {
    const size = embedChars(embed);
    const full =
      current.length === DISCORD_LIMITS.embedsPerMessage || chars + size > DISCORD_LIMITS.embedCharsPerMessage;
    if (current.length > 0 && full) {
      messages.push({ embeds: current, allowedMentions: NO_MENTIONS });
      current = [];
      chars = 0;
    }
    current.push(embed);
    chars += size;
  }
  if (current.length > 0) messages.push({ embeds: current, allowedMentions: NO_MENTIONS });
  return messages;
}

/**
 * Adds fields to the last embed, opening continuation embeds when the field count or the size of
 * one embed (plus `reserve` for the footer still to come) would exceed Discord's limits.
 */
function appendFields(embeds: APIEmbed[], fields: APIEmbedField[], reserve: number): void {
  for (const field of fields) {
    let last = embeds.at(-1)!;
    const size = field.name.length + field.value.length;
    const count = last.fields?.length ?? 0;
    if (count === DISCORD_LIMITS.embedFields || embedChars(last) + size + reserve > DISCORD_LIMITS.embedCharsPerMessage) {
      last = { color: last.color, fields: [] };
      embeds.push(last);
    }
    (last.fields ??= []).push(field);
  }
}

function sourceField(citation: Answer['citations'][number]): APIEmbedField {
  const quote = citation.quote.trim() ? `\n“${escapeDiscord(truncate(citation.quote.trim(), QUOTE_CHARS))}”` : '';
  return { name: `Source [${citation.n}]`, value: linkedTitle(citation) + quote };
}

function relatedField(related: PaperRef[]): APIEmbedField {
  const lines: string[] = [];
  for (const ref of related) {
    const line = `• ${linkedTitle(ref)}`;
    if ([...lines, line].join('\n').length > DISCORD_LIMITS.fieldValue) break;
    lines.push(line);
  }
  return { name: 'Maybe related', value: lines.join('\n') };
}

/**
 * An answer as one or more messages: the text (split where needed) in embed descriptions, the
 * cited papers as a Sources field list, and the mode (plus any degradation note) in the footer.
 * The first message replaces the deferred reply; any others are follow-ups.
 */
export function formatAnswer(answer: Answer, { question }: { question?: string } = {}): DiscordMessage[] {
  const color = answer.abstained ? COLORS.abstained : COLORS.answer;
  const embeds: APIEmbed[] = splitText(safeMarkdown(answer.text), DISCORD_LIMITS.embedDescription).map((description) => ({
    color,
    description,
  }));
  if (embeds.length === 0) embeds.push({ color, description: '(no answer text)' });
  if (question?.trim()) embeds[0]!.title = truncate(escapeDiscord(question.trim()), DISCORD_LIMITS.embedTitle);

  const footerText = truncate(
    [`Mode: ${answer.mode}`, answer.note].filter(Boolean).join(' · '),
    DISCORD_LIMITS.footerText,
  );
  const fields = answer.citations.map(sourceField);
  if (answer.abstained && answer.related.length > 0) fields.push(relatedField(answer.related));
  appendFields(embeds, fields, footerText.length);
  embeds.at(-1)!.footer = { text: footerText };
  return packEmbeds(embeds);
}

/** Search hits as a numbered list with a one-line gist each. */
export function formatSearchResults(query: string, hits: SearchHit[]): DiscordMessage {
  const title = truncate(`Papers for “${escapeDiscord(query.trim())}”`, DISCORD_LIMITS.embedTitle);
  const description =
    hits.length === 0
      ? 'No papers matched. Try other words, or `/ask` a question.'
      : hits
          .map((hit, i) => {
            const gist = hit.evidence[0] ?? hit.paper.abstract;
            return `**${i + 1}.** ${linkedTitle(hit.paper)}\n${escapeDiscord(truncate(gist.trim(), GIST_CHARS))}`;
          })
          .join('\n\n');
  return {
    embeds: [{ color: COLORS.answer, title, description: truncate(description, DISCORD_LIMITS.embedDescription) }],
    allowedMentions: NO_MENTIONS,
  };
}

/** One paper: linked title, abstract, authors and date. */
export function formatPaper(paper: Paper): DiscordMessage {
  const fields: APIEmbedField[] = [];
  if (paper.authors.length > 0) {
    fields.push({ name: 'Authors', value: truncate(escapeDiscord(paper.authors.join(', ')), DISCORD_LIMITS.fieldValue) });
  }
  if (paper.publishedAt) fields.push({ name: 'Published', value: escapeDiscord(paper.publishedAt.slice(0, 10)), inline: true });
  // Ids are arXiv ids or `t-` hashes; code style stops "2402.12654" reading as a numbered list.
  fields.push({ name: 'ID', value: `\`${paper.id.replaceAll('`', '')}\``, inline: true });
  const embed: APIEmbed = {
    color: COLORS.paper,
    title: truncate(escapeDiscord(paper.title), DISCORD_LIMITS.embedTitle),
    description: truncate(escapeDiscord(paper.abstract), DISCORD_LIMITS.embedDescription),
    fields,
  };
  const url = safeUrl(paper.url);
  if (url) embed.url = url;
  return { embeds: [embed], allowedMentions: NO_MENTIONS };
}

/** Autocomplete choices: shown verbatim by Discord (no markdown), so titles are only shortened. */
export function formatTitleChoices(refs: PaperRef[]): { name: string; value: string }[] {
  return refs
    .filter((ref) => ref.id.length <= DISCORD_LIMITS.choiceValue && ref.title.trim() !== '')
    .slice(0, DISCORD_LIMITS.autocompleteChoices)
    .map((ref) => ({ name: truncate(ref.title.trim(), DISCORD_LIMITS.choiceName), value: ref.id }));
}

/** A short plain-text notice (errors, rate limits), never longer than a message allows. */
export function formatNotice(text: string): DiscordMessage {
  return { content: truncate(text, DISCORD_LIMITS.content), embeds: [], allowedMentions: NO_MENTIONS };
}
