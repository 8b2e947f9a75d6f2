/**
 * Digest content: the papers a channel has not seen yet, kept and grouped by its topics (or by
 * shared keywords when it has none), ranked by upvotes then relevance, one line each.
 */
import { PAPER_RELEVANCE_MODEL } from '../retrieve/relevance.ts';
import type { PaperStore } from '../store/lance-store.ts';
import { contentTerms } from '../text/tokenize.ts';
import type { Engine, Paper } from '../types.ts';
import { detailsOf, gistOf } from './gist.ts';
import { localDay, shortDate } from './schedule.ts';
import { groupByKeywords } from './themes.ts';
import type { Digest, DigestPaper, DigestTheme, DigestWriter } from './types.ts';

/** A topic keeps the papers the engine's calibrated paper-relevance model calls relevant to it. */
export const TOPIC_RELEVANCE_FLOOR = PAPER_RELEVANCE_MODEL.floor;

export interface BuildDigestDeps {
  engine: Engine;
  store: Pick<PaperStore, 'papersAddedSince' | 'termStats'>;
  /** A paper belongs to a topic when the engine's relevance for it reaches this. */
  relevanceFloor?: number;
  /** Rewrites the extractive gists and keyword theme names (e.g. with a chat model). */
  writer?: DigestWriter;
}

export interface BuildDigestOptions {
  /** Papers added in (since, until] are new. */
  since: Date;
  until: Date;
  /** The digest's date (its scheduled time). */
  at: Date;
  timezone: string;
  topics?: string[];
  notes?: string[];
  /** Upper bound on the papers considered, newest first. */
  maxPapers?: number;
}

/**
 * @example
 * const digest = await buildDigest({ engine, store }, {
 *   since: lastRun, until: now, at: now, timezone: 'UTC', topics: ['speech'],
 * });
 */
export async function buildDigest(
  { engine, store, relevanceFloor = TOPIC_RELEVANCE_FLOOR, writer }: BuildDigestDeps,
  { since, until, at, timezone, topics = [], notes = [], maxPapers = 500 }: BuildDigestOptions,
): Promise<Digest> {
  const [sinceIso, untilIso] = [since.toISOString(), until.toISOString()];
  const inWindow = (await store.papersAddedSince(sinceIso, maxPapers)).filter((p) => p.addedAt > sinceIso && p.addedAt <= untilIso);
  // A paper row written twice (two processes ingesting at once) is still one line.
  const fresh = [...new Map(inWindow.map((p) => [p.id, p])).values()];
  const themes = topics.length > 0 ? await themesByTopic(engine, fresh, topics, relevanceFloor) : await themesByKeyword(store, fresh);
  const paperIds = themes.flatMap((t) => t.papers.map((p) => p.id));
  const digest: Digest = {
    header: headerOf(at, timezone, paperIds.length, themes.length),
    day: localDay(at, timezone),
    themes,
    notes,
    paperIds,
    topics,
    since: sinceIso,
    until: untilIso,
  };
  return writer && paperIds.length > 0 ? writer.write(digest, fresh) : digest;
}

async function themesByTopic(
  engine: Engine,
  papers: Paper[],
  topics: string[],
  floor: number,
): Promise<DigestTheme[]> {
  if (papers.length === 0) return [];
  const byId = new Map(papers.map((p) => [p.id, p]));
  // A paper relevant to several topics goes under the one it fits best.
  const best = new Map<string, { topic: string; relevance: number }>();
  for (const topic of topics) {
    const hits = await engine.search(topic, { k: papers.length, paperIds: [...byId.keys()] });
    for (const hit of hits) {
      if (hit.relevance < floor) continue;
      const seen = best.get(hit.paper.id);
      if (!seen || hit.relevance > seen.relevance) best.set(hit.paper.id, { topic, relevance: hit.relevance });
    }
  }
  return topics
    .map((topic) => ({
      name: topic,
      papers: rank(
        [...best].filter(([, b]) => b.topic === topic).map(([id, b]) => ({ ...toDigestPaper(byId.get(id)!), relevance: b.relevance })),
      ),
    }))
    .filter((t) => t.papers.length > 0);
}

async function themesByKeyword(
  store: Pick<PaperStore, 'termStats'>,
  papers: Paper[],
): Promise<DigestTheme[]> {
  if (papers.length === 0) return [];
  const stats = await store.termStats();
  // The background is the store without today's papers, so a big topic today does not dilute itself.
  const today = new Map<string, number>();
  for (const p of papers) for (const t of new Set(contentTerms(`${p.title} ${p.abstract}`))) today.set(t, (today.get(t) ?? 0) + 1);
  const byId = new Map(papers.map((p) => [p.id, p]));
  const groups = groupByKeywords(
    papers.map((p) => ({ id: p.id, title: p.title, abstract: p.abstract, keywords: p.aiKeywords })),
    {
      backgroundDf: (term) => Math.max(0, (stats.df.get(term) ?? 0) - (today.get(term) ?? 0)),
      backgroundDocs: Math.max(0, stats.docs - papers.length),
    },
  );
  return groups.map((g) => ({ name: g.name, papers: rank(g.ids.map((id) => toDigestPaper(byId.get(id)!))) }));
}

/** Upvotes when known, then relevance; otherwise the order given (newest first). */
function rank(papers: DigestPaper[]): DigestPaper[] {
  return papers
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (b.p.upvotes ?? -1) - (a.p.upvotes ?? -1) || (b.p.relevance ?? 0) - (a.p.relevance ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

function toDigestPaper(paper: Paper): DigestPaper {
  const text = { abstract: paper.abstract, aiSummary: paper.aiSummary };
  const url = paper.url ?? (/^\d{4}\.\d{4,5}$|^[a-z-]+(?:\.[A-Z]{2})?\/\d{7}$/.test(paper.id) ? `https://arxiv.org/abs/${paper.id}` : undefined);
  return {
    id: paper.id,
    title: paper.title,
    ...(url !== undefined && { url }),
    gist: gistOf(text),
    details: detailsOf(text),
    authors: paper.authors,
    ...(paper.upvotes !== undefined && { upvotes: paper.upvotes }),
  };
}

function headerOf(at: Date, timezone: string, papers: number, themes: number): string {
  const parts = ['Paperboy daily', shortDate(at, timezone)];
  if (papers === 0) parts.push('no new papers');
  else parts.push(plural(papers, 'new paper'), plural(themes, 'theme'));
  return parts.join(' · ');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export interface RenderOptions {
  /** The thread's full list (every paper, longer gists, authors) instead of the short top-level message. */
  full?: boolean;
  /** Papers per theme in the short message. */
  perTheme?: number;
}

/**
 * Markdown for the dry run, and for adapters that post markdown: the short top-level message, or
 * with `full` the complete list for the thread.
 */
export function renderDigestMarkdown(digest: Digest, { full = false, perTheme = 3 }: RenderOptions = {}): string {
  const lines = [`**${digest.header}**`];
  for (const note of digest.notes) lines.push(`> ${note}`);
  if (digest.paperIds.length === 0) {
    lines.push('', digest.topics.length > 0 ? `Nothing new about ${digest.topics.join(', ')} since the last digest.` : 'Nothing new since the last digest.');
  }
  for (const theme of digest.themes) {
    lines.push('', `**${escapeMarkdown(theme.name)}**`);
    const shown = full ? theme.papers : theme.papers.slice(0, perTheme);
    for (const p of shown) {
      if (full) {
        const authors = p.authors.length > 3 ? `${p.authors.slice(0, 3).join(', ')} et al.` : p.authors.join(', ');
        lines.push(`- ${linked(p)}${votes(p)}`);
        if (authors) lines.push(`  ${escapeMarkdown(authors)}`);
        lines.push(`  ${escapeMarkdown(p.details)}`);
      } else {
        lines.push(`- ${linked(p)} — ${escapeMarkdown(p.gist)}${votes(p)}`);
      }
    }
    const hidden = theme.papers.length - shown.length;
    if (hidden > 0) lines.push(`- _…and ${plural(hidden, 'more paper')} in the thread_`);
  }
  return lines.join('\n');
}

function linked(p: DigestPaper): string {
  const title = escapeMarkdown(p.title);
  return p.url ? `[${title}](${p.url})` : `**${title}**`;
}

function votes(p: DigestPaper): string {
  return p.upvotes !== undefined ? ` · ▲ ${p.upvotes}` : '';
}

/** Paper text must not turn into links, emphasis or headings. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|~])/g, '\\$1');
}
