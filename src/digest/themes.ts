/**
 * Offline theme grouping for channels without topics: greedily picks the word that the most
 * not-yet-grouped papers share in their titles (or HF keywords), weighted by how distinctive the
 * word is in the whole store, until no word is shared by enough papers.
 */
import { contentTerms, isStopword, stem, words } from '../text/tokenize.ts';

export interface ThemeInput {
  id: string;
  title: string;
  keywords?: string[];
}

export interface ThemeGroup {
  name: string;
  ids: string[];
}

export interface GroupOptions {
  /** Inverse document frequency of a stemmed term over the store; higher is more distinctive. */
  idf: (term: string) => number;
  maxThemes?: number;
  minPapers?: number;
  /** Terms below this idf ("model", "language") are too common to name a theme. */
  minIdf?: number;
  /** Name of the group of papers no theme took. */
  restName?: string;
}

/**
 * @example
 * groupByKeywords(papers, { idf: (t) => idf(stats, t) })
 * // [{ name: 'Speech', ids: [...] }, { name: 'Retrieval', ids: [...] }, { name: 'More new papers', ids: [...] }]
 */
export function groupByKeywords(
  papers: ThemeInput[],
  { idf, maxThemes = 5, minPapers = 2, minIdf = 1.5, restName = 'More new papers' }: GroupOptions,
): ThemeGroup[] {
  const termsOf = new Map(papers.map((p) => [p.id, new Set(contentTerms([p.title, ...(p.keywords ?? [])].join(' ')))]));
  const surface = surfaceForms(papers);
  const groups: ThemeGroup[] = [];
  let rest = papers.map((p) => p.id);
  while (groups.length < maxThemes) {
    const holders = new Map<string, string[]>();
    for (const id of rest) for (const t of termsOf.get(id)!) holders.set(t, [...(holders.get(t) ?? []), id]);
    let best: { term: string; ids: string[]; score: number } | undefined;
    for (const [term, ids] of holders) {
      const weight = idf(term);
      if (ids.length < minPapers || weight < minIdf) continue;
      const score = ids.length * weight;
      if (!best || score > best.score || (score === best.score && term < best.term)) best = { term, ids, score };
    }
    if (!best) break;
    const taken = new Set(best.ids);
    groups.push({ name: capitalize(surface.get(best.term) ?? best.term), ids: best.ids });
    rest = rest.filter((id) => !taken.has(id));
  }
  if (rest.length > 0) groups.push({ name: groups.length > 0 ? restName : 'New papers', ids: rest });
  return groups;
}

/** The most frequent spelling behind each stem ("retrieval" for "retriev"). */
function surfaceForms(papers: ThemeInput[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const p of papers) {
    for (const w of words([p.title, ...(p.keywords ?? [])].join(' '))) {
      if (w.length < 2 || isStopword(w)) continue;
      const forms = counts.get(stem(w)) ?? new Map<string, number>();
      forms.set(w, (forms.get(w) ?? 0) + 1);
      counts.set(stem(w), forms);
    }
  }
  return new Map([...counts].map(([s, forms]) => [s, [...forms].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0]]));
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
