import { contentTerms } from '../text/tokenize.ts';
import type { PaperStore } from './lance-store.ts';

/** Abbreviations the corpus defines itself, as content-term stems, both ways. */
export interface Abbreviations {
  /** Acronym stem ("asr") → the stems of its long forms ("automat speech recognit"). */
  longForms: Map<string, string[][]>;
  /** Long form (stems joined by one space) → acronym stem. */
  acronyms: Map<string, string>;
}

/** Acronym stem and long-form stems, most often defined first: what a store keeps. */
export type AbbreviationDefinitions = [acronym: string, long: string[]][];

/** Meta key of the stored definitions (scoped to the table generation like the term statistics). */
export const ABBREVIATIONS_KEY = 'abbreviations';

const DEFINITION = /\(([A-Za-z][A-Za-z0-9-]{1,11})\)/g;

/** The text of a paper definitions are mined from. */
export const minedText = (p: { title: string; abstract: string }) => `${p.title}. ${p.abstract}`;

/**
 * Mines "automatic speech recognition (ASR)" style definitions from paper texts added one at a
 * time (after Schwartz and Hearst 2003: the acronym's letters must appear in order in the
 * preceding words, the first one starting a word). Ingest feeds it the snapshot it recounts the
 * term statistics from, so the result does not depend on which writer ran last or what crashed.
 */
export function createAbbreviationMiner(): { add(text: string): void; definitions(): AbbreviationDefinitions } {
  const counts = new Map<string, { acronym: string; long: string[]; n: number }>();
  return {
    add(text) {
      for (const m of text.matchAll(DEFINITION)) {
        const short = m[1]!;
        if ((short.match(/[A-Z]/g) ?? []).length < 2) continue;
        const before = text.slice(Math.max(0, m.index - 120), m.index).trim().split(/\s+/);
        const window = before.slice(-Math.min(short.length + 5, short.length * 2)).join(' ');
        const long = longFormOf(short.replace(/s$/, ''), window);
        if (!long) continue;
        const acronym = contentTerms(short)[0];
        const longTerms = contentTerms(long);
        if (!acronym || longTerms.length < 2 || longTerms.includes(acronym)) continue;
        const key = `${acronym}\t${longTerms.join(' ')}`;
        const seen = counts.get(key) ?? { acronym, long: longTerms, n: 0 };
        seen.n++;
        counts.set(key, seen);
      }
    },
    definitions() {
      // Ties in the order of their key, not of the scan: a store's row order is not fixed.
      const ranked = [...counts].sort(([ka, a], [kb, b]) => b.n - a.n || (ka < kb ? -1 : ka > kb ? 1 : 0));
      return ranked.map(([, { acronym, long }]) => [acronym, long]);
    },
  };
}

/** Both ways: every long form of an acronym (most often defined first), and the acronym most often given to a long form. */
export function abbreviationsFrom(definitions: AbbreviationDefinitions): Abbreviations {
  const longForms = new Map<string, string[][]>();
  const acronyms = new Map<string, string>();
  for (const [acronym, long] of definitions) {
    longForms.set(acronym, [...(longForms.get(acronym) ?? []), long]);
    const key = long.join(' ');
    if (!acronyms.has(key)) acronyms.set(key, acronym);
  }
  return { longForms, acronyms };
}

export function mineAbbreviations(texts: Iterable<string>): Abbreviations {
  const miner = createAbbreviationMiner();
  for (const text of texts) miner.add(text);
  return abbreviationsFrom(miner.definitions());
}

/** Saved with the papers-table version they were mined from, the `asOf` of the term statistics saved with them. */
export async function saveAbbreviations(store: Pick<PaperStore, 'setMeta'>, definitions: AbbreviationDefinitions, asOf: number): Promise<void> {
  await store.setMeta(ABBREVIATIONS_KEY, JSON.stringify({ asOf, definitions }));
}

/** The stored definitions; undefined for a store whose ingest predates them (its next ingest or engine start mines them). */
export async function storedAbbreviations(store: Pick<PaperStore, 'getMeta'>): Promise<{ asOf: number; definitions: AbbreviationDefinitions } | undefined> {
  const json = await store.getMeta(ABBREVIATIONS_KEY);
  return json ? (JSON.parse(json) as { asOf: number; definitions: AbbreviationDefinitions }) : undefined;
}

/** The shortest tail of `text` whose characters spell `short` in order, starting at a word start. */
function longFormOf(short: string, text: string): string | undefined {
  const s = short.toLowerCase();
  const t = text.toLowerCase();
  let ti = t.length - 1;
  for (let si = s.length - 1; si >= 0; si--) {
    const c = s[si]!;
    if (!/[a-z0-9]/.test(c)) continue;
    while (ti >= 0 && (t[ti] !== c || (si === 0 && ti > 0 && /[a-z0-9]/.test(t[ti - 1]!)))) ti--;
    if (ti < 0) return undefined;
    ti--;
  }
  const start = t.lastIndexOf(' ', ti + 1) + 1;
  const long = text.slice(start).replace(/^[^A-Za-z0-9]+/, '');
  return long.split(/\s+/).length >= 2 ? long : undefined;
}
