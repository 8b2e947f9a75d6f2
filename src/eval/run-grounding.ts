import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createClaimChecker, type ClaimCheckOptions, type ClaimVerdict } from '../answer/claim-check.ts';
import { normalizeCitationMarkers } from '../answer/citation-markers.ts';
import { IngestError } from '../errors.ts';
import { mapJsonLines } from '../text/json-lines.ts';
import type { Paper } from '../types.ts';

/** Labels of the grounding benchmark (see its README): only `supported` sentences should be kept. */
export const GROUNDING_LABELS = ['supported', 'unsupported', 'partial', 'miscited', 'injected'] as const;
export type GroundingLabel = (typeof GROUNDING_LABELS)[number];

const ItemSchema = z.object({
  id: z.string(),
  question: z.string(),
  sources: z.array(z.object({ n: z.number().int().positive(), title: z.string() })).min(1),
  sentences: z.array(z.object({ text: z.string(), cites: z.array(z.number().int()), label: z.enum(GROUNDING_LABELS), why: z.string().optional() })).min(1),
});
export type GroundingItem = z.infer<typeof ItemSchema>;

export function readGroundingSet(file: string): GroundingItem[] {
  return mapJsonLines(readFileSync(file, 'utf8'), file, (value, line) => {
    const parsed = ItemSchema.safeParse(value);
    if (!parsed.success) throw new IngestError(file, line, `not a grounding item (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
    return parsed.data;
  });
}

export interface GroundingResult {
  id: string;
  sentences: { index: number; kept: boolean; label: GroundingLabel; verdict: ClaimVerdict; reason?: string }[];
}

export interface GroundingReport {
  items: GroundingResult[];
  /** Per label: how many sentences, how many the check kept (shown). */
  byLabel: Record<GroundingLabel, { total: number; kept: number }>;
}

/**
 * Runs the claim check (no model) over a labelled set: each item's sources are looked up by exact
 * title among `papers` (the bundled corpus), and each sentence is checked as an answer sentence.
 */
export function runGrounding(items: GroundingItem[], papers: Pick<Paper, 'title' | 'abstract'>[], options: Omit<ClaimCheckOptions, 'question'> = {}): GroundingReport {
  const byTitle = new Map(papers.map((p) => [p.title, p]));
  const byLabel = Object.fromEntries(GROUNDING_LABELS.map((l) => [l, { total: 0, kept: 0 }])) as GroundingReport['byLabel'];
  const results = items.map((item) => {
    const sources = item.sources.map(({ n, title }) => {
      const paper = byTitle.get(title);
      if (!paper) throw new Error(`${item.id}: no paper titled "${title}" in the corpus`);
      return { n, title, abstract: paper.abstract };
    });
    const check = createClaimChecker(sources, { ...options, question: item.question });
    return {
      id: item.id,
      sentences: item.sentences.map((s, index) => {
        const { kept, verdict, reason } = check(normalizeCitationMarkers(s.text));
        byLabel[s.label].total++;
        if (kept) byLabel[s.label].kept++;
        return { index, kept, label: s.label, verdict, reason };
      }),
    };
  });
  return { items: results, byLabel };
}

/**
 * The report as `--json` prints it: per sentence its index in the item, whether it was kept, and
 * the check's verdict and reason, so rejections can be counted by cause without reading the texts.
 */
export function groundingJson({ items }: GroundingReport): { items: { id: string; sentences: { index: number; kept: boolean; verdict: ClaimVerdict; reason?: string }[] }[] } {
  return { items: items.map(({ id, sentences }) => ({ id, sentences: sentences.map(({ index, kept, verdict, reason }) => ({ index, kept, verdict, ...(reason ? { reason } : {}) })) })) };
}

/** Supported sentences kept, and every other label shown, as shares. */
export function formatGroundingReport({ byLabel }: GroundingReport): string {
  const share = (l: GroundingLabel) => `${byLabel[l].kept}/${byLabel[l].total}`;
  const bad = GROUNDING_LABELS.filter((l) => l !== 'supported');
  const shown = bad.reduce((n, l) => n + byLabel[l].kept, 0);
  const total = bad.reduce((n, l) => n + byLabel[l].total, 0);
  const rate = (a: number, b: number) => (b === 0 ? '–' : (a / b).toFixed(3));
  return [
    `supported kept: ${share('supported')} = ${rate(byLabel.supported.kept, byLabel.supported.total)}`,
    `not supported shown: ${shown}/${total} = ${rate(shown, total)} (${bad.map((l) => `${l} ${share(l)}`).join(', ')})`,
  ].join('\n');
}
