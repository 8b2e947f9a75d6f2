/**
 * Text conversion between Slack and the engine: markdown → Slack mrkdwn on the way out (with every
 * piece of user or paper text escaped so it can never ping anyone), and Slack's encoded message
 * text → plain text on the way in.
 */

/** Slack's documented limits; blocks and text are cut to these before sending. */
export const SLACK_LIMITS = {
  /** `text` of a section block. */
  sectionText: 3000,
  /** `elements[].text` of a context block. */
  contextText: 3000,
  /** Blocks per message. */
  blocksPerMessage: 50,
  /** Top-level `text`: Slack truncates longer messages; 4,000 is its recommended ceiling. */
  messageText: 4000,
} as const;

const ELLIPSIS = '…';
/** Word joiner: keeps `@here` readable while stopping Slack from treating it as a broadcast. */
const WORD_JOINER = '\u2060';

/** Look-alikes for Slack's formatting characters: mrkdwn has no escape, so plain text swaps them. */
const FORMATTING_LOOKALIKES: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb' };
/**
 * A `*`, `_` or `~` where it could open (after a non-letter, before a non-space) or close (after
 * a non-space, before a non-letter) formatting, and every backtick. `snake_case` and the stars of
 * `0 9 * * 1-5` cannot, so they are left as typed.
 */
const FORMATTING = /(?<![\p{L}\p{N}])[*_~](?=\S)|(?<=\S)[*_~](?![\p{L}\p{N}])|`/gu;

/**
 * Escapes untrusted text (paper titles, abstracts, gists, topics, model text) for mrkdwn: after
 * this it cannot mention, broadcast, link, quote or format. `&`, `<`, `>` become entities (no
 * `<!channel>`, `<@U…>`, `<#C…>`, `<!subteam^…>` or `<url>`), bare `@channel`/`@here`/`@everyone`
 * and bare URLs are broken with a word joiner, a leading `>` cannot start a quote, and `*`, `_`,
 * `~`, `` ` `` that could format become look-alikes.
 *
 * @example escapeMrkdwn('<!here> & *x*') // '&lt;!here&gt; &amp; ∗x∗'
 */
export function escapeMrkdwn(text: string): string {
  return escapeControl(text).replace(FORMATTING, (c) => FORMATTING_LOOKALIKES[c]!);
}

/**
 * Untrusted text as an inline code span: nothing inside code formats, so only the control
 * characters are escaped (and backticks swapped, so the text cannot end the span).
 *
 * @example mrkdwnCode('0 9 * * 1-5') // '`0 9 * * 1-5`'
 */
export function mrkdwnCode(text: string): string {
  return `\`${escapeControl(text).replace(/`/g, FORMATTING_LOOKALIKES['`']!)}\``;
}

/** Like `escapeMrkdwn` but keeps `*`, `_`, `~`, `` ` ``, for text whose formatting is converted next. */
function escapeControl(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)&gt;/gm, '$1\u00ad&gt;')
    .replace(/@(channel|here|everyone)\b/gi, `@${WORD_JOINER}$1`)
    .replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, `$1:${WORD_JOINER}//`)
    .replace(/\bwww\./gi, `www${WORD_JOINER}.`);
}

/**
 * A Slack link `<url|label>` when the URL is http(s), else just the escaped label.
 *
 * @example slackLink('Attention', 'https://arxiv.org/abs/1706.03762') // '<https://arxiv.org/abs/1706.03762|Attention>'
 */
export function slackLink(label: string, url: string | undefined): string {
  const safeLabel = escapeMrkdwn(label);
  const safeUrl = url === undefined ? undefined : safeLinkTarget(url);
  return safeUrl === undefined ? safeLabel : `<${safeUrl}|${safeLabel}>`;
}

function safeLinkTarget(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  // `|` and `>` would end the link early; URL serialisation already encodes `<`, `>` and spaces.
  return parsed.href.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/&/g, '&amp;');
}

/**
 * Converts the engine's markdown (bold, italics, headings, lists, code) into Slack mrkdwn. Everything
 * is escaped first and links stay text, so the result is safe to post as-is.
 *
 * @example markdownToMrkdwn('**Fast** [paper](https://x.org) [1]') // '*Fast* paper (https:⁠//x.org) [1]'
 */
export function markdownToMrkdwn(markdown: string): string {
  // Odd-indexed parts are code (fenced or inline) and keep their characters, only escaped.
  return markdown
    .split(/(```[\s\S]*?```|`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? escapeControl(part) : convertProse(part)))
    .join('');
}

function convertProse(text: string): string {
  // Links in answer text came from a paper or a model: they become their label and the address as
  // plain text, never a live link (our own Sources links are rendered separately).
  const unlinked = text.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, '$1 ($2)');
  // Order matters: bullets before italics (`* item`), italics before bold and headings (`*x*`).
  return escapeControl(unlinked)
    .replace(/^(\s*)[-*+]\s+/gm, '$1• ')
    .replace(/(^|[^*\w])\*(?!\s)([^*\n]+?)\*(?!\*)/g, '$1_$2_')
    .replace(/\*\*(?!\s)(.+?)\*\*|__(?!\s)(.+?)__/g, (_m, a?: string, b?: string) => `*${a ?? b}*`)
    .replace(/^#{1,6}\s+(.+?)\s*#*$/gm, '*$1*')
    .replace(/~~(.+?)~~/g, '~$1~');
}

/**
 * Slack's encoded message text → what the user typed: drops mentions of `botUserId`, turns other
 * mentions and links into readable words and decodes `&amp;`, `&lt;`, `&gt;`.
 */
export function slackTextToPlain(text: string, botUserId?: string): string {
  return text
    .replace(/<@([A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) =>
      id === botUserId ? '' : `@${name ?? id}`,
    )
    .replace(/<#[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => `#${name ?? 'channel'}`)
    .replace(/<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>/g, (_m, kind: string, label?: string) => label ?? `@${kind}`)
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>/g, (_m, url: string, label?: string) => label ?? url)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cuts text to `max` characters, ending with an ellipsis when it had to cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - ELLIPSIS.length);
  // Never leave half an entity or half a link behind.
  return cut.replace(/&[a-z]*$|<[^>]*$/, '') + ELLIPSIS;
}

/**
 * Splits mrkdwn into pieces of at most `max` characters, preferring paragraph, then line, then word
 * boundaries and never cutting inside a `<link>` or an `&entity;`, so a long answer becomes several
 * section blocks instead of one that Slack rejects.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = cutPosition(rest.slice(0, max));
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

function cutPosition(window: string): number {
  const outsideLink = (i: number) => window.lastIndexOf('<', i) <= window.lastIndexOf('>', i);
  for (const separator of ['\n\n', '\n', ' ']) {
    for (let i = window.lastIndexOf(separator); i > window.length / 2; i = window.lastIndexOf(separator, i - 1)) {
      if (outsideLink(i)) return i;
    }
  }
  const open = window.search(/&[a-z]*$|<[^>]*$/);
  return open > 0 ? open : window.length;
}
