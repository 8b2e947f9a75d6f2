import { contentTerms } from '../text/tokenize.ts';

/** Abbreviations the corpus defines itself, as content-term stems, both ways. */
export interface Abbreviations {
  /** Acronym stem ("asr") → the stems of its long forms ("automat speech recognit"). */
  longForms: Map<string, string[][]>;
  /** Long form (stems joined by one space) → acronym stem. */
  acronyms: Map<string, string>;
}

const DEFINITION = /\(([A-Za-z][A-Za-z0-9-]{1,11})\)/g;

/**
 * Mines "automatic speech recognition (ASR)" style definitions from paper texts (after Schwartz
 * and Hearst 2003: the acronym's letters must appear in order in the preceding words, the first
 * one starting a word).
 */
export function mineAbbreviations(texts: Iterable<string>): Abbreviations {
  const counts: DefinitionCounts = new Map();
  for (const text of texts) countDefinitions(text, counts);
  return abbreviationsOf(counts);
}

/** The same, over texts read in batches (a large store's texts need not all be in memory at once). */
export async function mineAbbreviationsStreamed(batches: AsyncIterable<string[]>): Promise<Abbreviations> {
  const counts: DefinitionCounts = new Map();
  for await (const batch of batches) for (const text of batch) countDefinitions(text, counts);
  return abbreviationsOf(counts);
}

type DefinitionCounts = Map<string, { acronym: string; long: string[]; n: number }>;

function countDefinitions(text: string, counts: DefinitionCounts) {
  for (const m of text.matchAll(DEFINITION)) {
    const short = m[1]!;
    if ((short.match(/[A-Z]/g) ?? []).length < 2) continue;
    const before = text.slice(Math.max(0, m.index! - 120), m.index).trim().split(/\s+/);
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
}

function abbreviationsOf(counts: DefinitionCounts): Abbreviations {
  const longForms = new Map<string, string[][]>();
  const acronyms = new Map<string, string>();
  for (const { acronym, long } of [...counts.values()].sort((a, b) => b.n - a.n)) {
    longForms.set(acronym, [...(longForms.get(acronym) ?? []), long]);
    const key = long.join(' ');
    if (!acronyms.has(key)) acronyms.set(key, acronym);
  }
  return { longForms, acronyms };
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
