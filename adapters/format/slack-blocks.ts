/**
 * Engine results → Slack messages: Block Kit blocks plus the fallback `text` Slack shows in
 * notifications and returns in thread history. Every string is escaped and cut to Slack's limits.
 */
import type { types as SlackTypes } from '@slack/bolt';
import type { Answer, Paper, PaperRef, SearchHit } from '../../src/types.ts';
import { SLACK_LIMITS, escapeMrkdwn, markdownToMrkdwn, slackLink, splitMrkdwn, truncate } from './slack-mrkdwn.ts';

export type SlackBlock = SlackTypes.KnownBlock;

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  unfurl_links?: false;
  unfurl_media?: false;
}

/**
 * Sent with every message: a link in a paper's text must not unfold into a preview. (Paper text
 * never forms a link, and `verbatim` stops Slack from linking bare URLs in blocks.)
 */
export const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

const QUOTE_CHARS = 200;
const GIST_CHARS = 200;
const ABSTRACT_CHARS = 2500;

/**
 * The answer as section blocks, an optional note, and a Sources block with `[n]` → linked title.
 *
 * @example answerToSlack(await engine.ask('what is new on learned sparse retrieval?'))
 */
export function answerToSlack(answer: Answer): SlackMessage {
  const body = markdownToMrkdwn(answer.text);
  const sources = answer.citations.map(
    (c) => `[${c.n}] ${slackLink(c.title, c.url)}${c.quote ? ` — “${escapeMrkdwn(truncate(c.quote, QUOTE_CHARS))}”` : ''}`,
  );
  const related = answer.abstained ? answer.related.map((p) => `• ${refLine(p)}`) : [];
  const tail = [
    ...(answer.note ? [context(`_${escapeMrkdwn(answer.note)}_`)] : []),
    ...(sources.length > 0 ? [divider(), ...sectionsOf(`*Sources*\n${sources.join('\n')}`)] : []),
    ...(related.length > 0 ? sectionsOf(`*Maybe related*\n${related.join('\n')}`) : []),
  ];
  const text = [body, sources.length > 0 ? `Sources:\n${sources.join('\n')}` : ''].filter(Boolean).join('\n\n');
  // The answer gives way, never the Sources: a cut answer still shows what it cites.
  return message(text, [...fitBlocks(sectionsOf(body), SLACK_LIMITS.blocksPerMessage - tail.length), ...tail]);
}

/** Top hits, each a linked title with a one-line gist from its best-matching sentence. */
export function searchToSlack(query: string, hits: SearchHit[]): SlackMessage {
  if (hits.length === 0) return plainMessage(`No papers matched “${query}”.`);
  const lines = hits.map((h, i) => {
    const gist = h.evidence[0] ?? h.paper.abstract;
    return `*${i + 1}.* ${refLine(h.paper)}\n${escapeMrkdwn(truncate(oneLine(gist), GIST_CHARS))}`;
  });
  const heading = `Top ${hits.length} for “${escapeMrkdwn(query)}”`;
  return message(`${heading}\n${lines.join('\n')}`, [
    ...sectionsOf(`*${heading}*`),
    ...lines.flatMap((l) => sectionsOf(l)),
  ]);
}

/** Title (linked), authors, date and id, then the abstract. */
export function paperToSlack(paper: Paper): SlackMessage {
  const meta = [paper.authors.join(', '), paper.publishedAt?.slice(0, 10), paper.id].filter(Boolean).join(' · ');
  const head = `*${slackLink(paper.title, paper.url)}*\n${escapeMrkdwn(meta)}`;
  const abstract = escapeMrkdwn(truncate(paper.abstract, ABSTRACT_CHARS));
  return message(`${head}\n${abstract}`, [...sectionsOf(head), ...sectionsOf(abstract)]);
}

/** A message whose text is already safe mrkdwn. */
export function mrkdwnMessage(mrkdwn: string): SlackMessage {
  return message(mrkdwn, sectionsOf(mrkdwn));
}

/** A message from untrusted plain text (escaped). */
export function plainMessage(text: string): SlackMessage {
  return mrkdwnMessage(escapeMrkdwn(text));
}

function refLine(p: PaperRef): string {
  return `${slackLink(p.title, p.url)} (${escapeMrkdwn(p.id)})`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function message(text: string, blocks: SlackBlock[]): SlackMessage {
  return { text: truncate(text, SLACK_LIMITS.messageText), blocks: fitBlocks(blocks, SLACK_LIMITS.blocksPerMessage), ...NO_UNFURL };
}

function fitBlocks(blocks: SlackBlock[], max: number): SlackBlock[] {
  return blocks.length <= max ? blocks : [...blocks.slice(0, max - 1), context('_…cut to fit Slack’s message limits._')];
}

function sectionsOf(mrkdwn: string): SlackBlock[] {
  return splitMrkdwn(mrkdwn, SLACK_LIMITS.sectionText).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }));
}

function context(mrkdwn: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(mrkdwn, SLACK_LIMITS.contextText), verbatim: true }] };
}

function divider(): SlackBlock {
  return { type: 'divider' };
}
