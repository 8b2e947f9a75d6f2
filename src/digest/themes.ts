/**
 * Offline themes for channels without topics: the phrases today's papers are about, named as the
 * papers write them ("LLMs", "speech recognition").
 *
 * - Candidates are runs of one to three content words inside a clause (stopwords and punctuation
 *   break a run), counted per paper; a paper is about a phrase when its title has it or its
 *   abstract repeats it. Spelling variants share a key (stems, case folded).
 * - A name ends in a noun: a run ending in an adjective ("automated", "neural") is no name. A word
 *   counts as an adjective when it has an adjective suffix (or is a handful of common ones) and the
 *   papers mostly use it before another word.
 * - A phrase is scored by how many of today's papers are about it, how much more often today's
 *   papers use it than the rest of the store (the background, today's papers left out so a big
 *   topic does not dilute itself), and how coherent its papers are (their vocabulary, the phrase
 *   itself aside, overlaps more than today's papers do on average), which keeps generic words
 *   ("results", "model") from naming a theme.
 * - Themes are picked greedily; then every paper left over joins the theme it mentions or most
 *   resembles, so "More new papers" holds only papers that fit no theme.
 */
import { isStopword, stem } from '../text/tokenize.ts';

export interface ThemeInput {
  id: string;
  title: string;
  abstract?: string;
  keywords?: string[];
}

export interface ThemeGroup {
  name: string;
  ids: string[];
}

export interface GroupOptions {
  /** How many papers of the background (the store without today's papers) contain a stemmed term. */
  backgroundDf?: (term: string) => number;
  /** Papers in the background. */
  backgroundDocs?: number;
  maxThemes?: number;
  minPapers?: number;
  /** Name of the group of papers no theme took. */
  restName?: string;
}

const MAX_WORDS = 3;
/** A theme's papers must share this much more vocabulary than today's papers do on average. */
const MIN_LIFT = 1.35;
/** Used this many times more often today than in the background, a phrase is today's topic. */
const DISTINCT_RATIO = 5;
/** A leftover paper fits a theme it resembles this much more than today's papers resemble each other. */
const FIT = 1.25;
/** Common adjectives without a telltale suffix. */
const ADJECTIVES = new Set(
  'large small new novel deep robust high low fast slow better best good key main first last general simple open real strong weak multiple different various diverse existing recent current efficient effective wide broad long short single multi non pre fine'.split(' '),
);
const ADJECTIVE_SUFFIX = /(?:al|ive|ous|ic|able|ible|ful|less|ary|ed|ish|ent|ant|ar|ate|ete)$/;
/** Function words the shared stopword list (made for questions) lacks. */
const FUNCTION_WORDS = new Set('across among amongst within without towards toward beyond upon per whose onto alongside despite unlike'.split(' '));
/** Verbs never end a name ("characterize", "simplify"). */
const VERB_SUFFIX = /(?:ize|ise|ify)s?$/;
/** Clause breaks: a run of content words never crosses them. */
const BREAK = /[,;:.!?()[\]{}"“”‘’]|\s[-–—]\s/;

interface PaperPhrases {
  id: string;
  /** Phrase key → mentions (title mentions count 2 each). */
  weight: Map<string, number>;
  /** Stemmed content terms with counts, for coherence. */
  terms: Map<string, number>;
}

/**
 * @example
 * groupByKeywords(papers, { backgroundDf: (t) => df.get(t) ?? 0, backgroundDocs: 900 })
 * // [{ name: 'Speech recognition', ids: [...] }, { name: 'LLMs', ids: [...] }, { name: 'More new papers', ids: [...] }]
 */
export function groupByKeywords(
  papers: ThemeInput[],
  { backgroundDf = () => 0, backgroundDocs = 0, maxThemes, minPapers, restName = 'More new papers' }: GroupOptions = {},
): ThemeGroup[] {
  if (papers.length === 0) return [];
  const n = papers.length;
  const themesWanted = maxThemes ?? Math.max(2, Math.min(10, Math.round(Math.sqrt(n))));
  const smallest = minPapers ?? (n < 20 ? 2 : 3);
  const adjective = adjectiveTest(papers);
  const surface = new Map<string, Map<string, number>>();
  const analysed = papers.map((p) => analyse(p, adjective, surface));
  const todayDf = new Map<string, number>();
  for (const p of analysed) for (const t of p.terms.keys()) todayDf.set(t, (todayDf.get(t) ?? 0) + 1);
  const vectors = new Map(analysed.map((p) => [p.id, tfidf(p.terms, (t) => (todayDf.get(t) ?? 0) + backgroundDf(t), n + backgroundDocs)]));
  const baseline = Math.max(pairwise(analysed.map((p) => vectors.get(p.id)!), new Set()), 1e-6);

  /** `core`: the papers that chose the theme, before leftovers joined it. */
  const groups: { key: string; ids: string[]; core: string[] }[] = [];
  let rest = analysed;
  // A phrase most of the day shares is the day's subject, not a theme, unless nothing else is.
  let subjectAllowed = false;
  while (groups.length < themesWanted) {
    const largest = subjectAllowed ? n : Math.max(smallest, rest.length / 2);
    let best: { key: string; ids: string[]; score: number } | undefined;
    for (const key of candidateKeys(rest)) {
      const ids = rest.filter((p) => (p.weight.get(key) ?? 0) >= 2).map((p) => p.id);
      if (ids.length < smallest || ids.length > largest) continue;
      const stems = new Set(key.split(' '));
      const lift = pairwise(ids.map((id) => vectors.get(id)!), stems) / baseline;
      const df = Math.min(...[...stems].map(backgroundDf));
      const today = analysed.filter((p) => p.weight.has(key)).length / n;
      // How much more often today's papers use the phrase than the background; 1 without a background.
      const ratio = backgroundDocs > 0 ? today / ((df + 1) / (backgroundDocs + 2)) : 1;
      // A phrase most of today's papers share cannot stand out by coherence; the background vouches for it.
      if (lift < MIN_LIFT && ratio < DISTINCT_RATIO) continue;
      const score = ids.length ** 0.75 * Math.max(lift, 1) ** 1.5 * Math.log(1 + ratio) * (1 + 0.5 * (key.split(' ').length - 1));
      if (!best || score > best.score || (score === best.score && key < best.key)) best = { key, ids, score };
    }
    if (!best && groups.length === 0 && !subjectAllowed) {
      subjectAllowed = true;
      continue;
    }
    if (!best) break;
    const taken = new Set(best.ids);
    groups.push({ key: best.key, ids: best.ids, core: [...best.ids] });
    rest = rest.filter((p) => !taken.has(p.id));
  }

  const leftover: string[] = [];
  for (const p of rest) {
    const home = bestHome(p, groups, vectors, baseline);
    if (home) home.ids.push(p.id);
    else leftover.push(p.id);
  }
  const order = new Map(papers.map((p, i) => [p.id, i]));
  const byId = new Map(analysed.map((p) => [p.id, p]));
  const named = groups.map((g) => ({
    name: nameOf(fullPhrase(g.key, g.core.map((id) => byId.get(id)!)), surface),
    // The papers that named the theme first, then those that joined it.
    ids: [...byOrder(g.core, order), ...byOrder(g.ids.filter((id) => !g.core.includes(id)), order)],
  }));
  if (leftover.length > 0) named.push({ name: named.length > 0 ? restName : 'New papers', ids: leftover });
  return named;
}

/**
 * A leftover paper's theme: among those whose phrase it mentions (else all), the one whose papers
 * it resembles most, if it resembles them more than two of today's papers resemble each other.
 */
function bestHome(
  p: PaperPhrases,
  groups: { key: string; ids: string[] }[],
  vectors: Map<string, Map<string, number>>,
  baseline: number,
): { key: string; ids: string[] } | undefined {
  const mentioned = groups.filter((g) => p.weight.has(g.key));
  let best: { group: (typeof groups)[number]; similarity: number } | undefined;
  for (const group of mentioned.length > 0 ? mentioned : groups) {
    const similarity = dot(vectors.get(p.id)!, centroid(group.ids.map((id) => vectors.get(id)!)));
    if (!best || similarity > best.similarity) best = { group, similarity };
  }
  return best && (mentioned.length > 0 || best.similarity >= FIT * baseline) ? best.group : undefined;
}

function byOrder(ids: string[], order: Map<string, number>): string[] {
  return [...ids].sort((a, b) => order.get(a)! - order.get(b)!);
}

/** The longer phrase most of a theme's papers use around its key ("recognition" → "speech recognition"). */
function fullPhrase(key: string, members: PaperPhrases[]): string {
  const counts = new Map<string, number>();
  for (const p of members) {
    for (const k of p.weight.keys()) if (k !== key && ` ${k} `.includes(` ${key} `)) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const [longer, count] = [...counts].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)[0] ?? [key, 0];
  return count >= 0.6 * members.length ? longer : key;
}

function candidateKeys(papers: PaperPhrases[]): Set<string> {
  const keys = new Set<string>();
  for (const p of papers) for (const [key, w] of p.weight) if (w >= 2) keys.add(key);
  return keys;
}

/** Splits a paper into clause runs of content words and counts its phrases. */
function analyse(paper: ThemeInput, adjective: (word: string) => boolean, surface: Map<string, Map<string, number>>): PaperPhrases {
  const weight = new Map<string, number>();
  const terms = new Map<string, number>();
  const add = (text: string, each: number, inTitle: boolean) => {
    const seen = new Set<string>();
    for (const run of runs(text)) {
      for (const w of run) {
        const t = stem(w.toLowerCase());
        terms.set(t, (terms.get(t) ?? 0) + 1);
      }
      for (let len = 1; len <= MAX_WORDS; len++) {
        for (let i = 0; i + len <= run.length; i++) {
          const words = run.slice(i, i + len);
          if (!nameable(words, adjective)) continue;
          const key = keyOf(words);
          weight.set(key, (weight.get(key) ?? 0) + each);
          if (!seen.has(key)) {
            seen.add(key);
            const forms = surface.get(key) ?? new Map<string, number>();
            const form = words.join(' ');
            // Titles capitalise for style; the abstract shows how a phrase is really written.
            forms.set(form, (forms.get(form) ?? 0) + (inTitle ? 1 : 2));
            surface.set(key, forms);
          }
        }
      }
    }
  };
  add(paper.title, 2, true);
  for (const k of paper.keywords ?? []) add(k, 2, true);
  add(paper.abstract ?? '', 1, false);
  return { id: paper.id, weight, terms };
}

/** Runs of content words, as written, between clause breaks and stopwords. */
function runs(text: string): string[][] {
  const out: string[][] = [];
  for (const clause of text.split(BREAK)) {
    let run: string[] = [];
    for (const raw of clause.split(/\s+/)) {
      const word = raw.replace(/^['`]+|['`]+$/g, '');
      if (/^[A-Za-z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*$/.test(word) && word.length >= 2 && !isStopword(word.toLowerCase()) && !FUNCTION_WORDS.has(word.toLowerCase())) {
        run.push(word);
      } else {
        if (run.length > 0) out.push(run);
        run = [];
      }
    }
    if (run.length > 0) out.push(run);
  }
  return out;
}

/** A phrase can name a theme when it ends in a noun. */
function nameable(words: string[], adjective: (word: string) => boolean): boolean {
  const last = words[words.length - 1]!;
  return !adjective(last) && !(words.length === 1 && /^[a-z]/.test(last) && last.length < 3);
}

/**
 * Adjectives, learned from how today's papers use their words: a word with an adjective suffix
 * (or a common adjective) that mostly stands before another word ("neural networks").
 */
function adjectiveTest(papers: ThemeInput[]): (word: string) => boolean {
  const before = new Map<string, number>();
  const total = new Map<string, number>();
  for (const p of papers) {
    for (const run of runs(`${p.title}. ${p.abstract ?? ''}`)) {
      run.forEach((w, i) => {
        const lower = w.toLowerCase();
        total.set(lower, (total.get(lower) ?? 0) + 1);
        if (i < run.length - 1) before.set(lower, (before.get(lower) ?? 0) + 1);
      });
    }
  }
  return (word) => {
    const lower = word.toLowerCase();
    if (ADJECTIVES.has(lower) || VERB_SUFFIX.test(lower)) return true;
    // Acronyms and names ("BERT", "LoRA") are never adjectives.
    if (word.split('-').some((part) => /[A-Z]/.test(part.slice(1)))) return false;
    const share = (before.get(lower) ?? 0) / (total.get(lower) ?? 1);
    // A hyphenated compound mostly placed before a noun is a modifier ("encoder-based", "image-text").
    if (lower.includes('-')) return share >= 0.5;
    if (!ADJECTIVE_SUFFIX.test(lower)) return false;
    return lower.endsWith('ed') ? share >= 0.5 : share >= 0.7;
  };
}

function keyOf(words: string[]): string {
  return words.map((w) => stem(w.toLowerCase())).join(' ');
}

/** The spelling the titles use most; capitalised for a heading unless it is written in mixed case already. */
function nameOf(key: string, surface: Map<string, Map<string, number>>): string {
  const forms = [...(surface.get(key) ?? new Map([[key, 1]]))].sort((a, b) => oddFirst(a[0], b[0]) || b[1] - a[1] || lowerFirst(a[0], b[0]));
  const form = forms[0]![0];
  const allCapsWords = form.split(' ').every((w) => /^[A-Z][a-z]/.test(w) && !/[A-Z]/.test(w.slice(1)));
  // Title Case words ("Speech Recognition") are the title's style, not the phrase's: lower them.
  const plain = allCapsWords ? form.split(' ').map((w, i) => (i === 0 ? w : w.toLowerCase())).join(' ') : form;
  return /^[a-z][a-z]/.test(plain) ? plain.charAt(0).toUpperCase() + plain.slice(1) : plain;
}

/** Among equally common spellings prefer one that keeps capitals inside words (an acronym as written: "LLMs", not "llms"). */
function lowerFirst(a: string, b: string): number {
  const inner = (s: string) => (/[A-Z]/.test(s.replace(/(^|\s)[A-Z]/g, '')) ? 0 : 1);
  return inner(a) - inner(b) || a.localeCompare(b);
}

/** A spelling cased like a title's pun ("NEural") comes last. */
function oddFirst(a: string, b: string): number {
  const odd = (s: string) => (/(^|\s)[A-Z]{2,}[a-z]{2,}/.test(s) ? 1 : 0);
  return odd(a) - odd(b);
}

function tfidf(terms: Map<string, number>, df: (t: string) => number, docs: number): Map<string, number> {
  const v = new Map<string, number>();
  let norm = 0;
  for (const [t, c] of terms) {
    const w = (1 + Math.log(c)) * Math.log(1 + docs / Math.max(1, df(t)));
    v.set(t, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

/** Mean cosine between distinct members, the phrase's own terms left out. */
function pairwise(vectors: Map<string, number>[], without: Set<string>): number {
  if (vectors.length < 2) return 0;
  const sum = new Map<string, number>();
  let selfDot = 0;
  for (const v of vectors) {
    for (const [t, w] of v) {
      if (without.has(t)) continue;
      sum.set(t, (sum.get(t) ?? 0) + w);
      selfDot += w * w;
    }
  }
  let total = 0;
  for (const w of sum.values()) total += w * w;
  return (total - selfDot) / (vectors.length * (vectors.length - 1));
}

function centroid(vectors: Map<string, number>[]): Map<string, number> {
  const c = new Map<string, number>();
  for (const v of vectors) for (const [t, w] of v) c.set(t, (c.get(t) ?? 0) + w / vectors.length);
  return c;
}

/** Of unit vectors `a` and a centroid `b`: the mean cosine of `a` to the vectors `b` averages. */
function dot(a: Map<string, number>, b: Map<string, number>): number {
  let sum = 0;
  for (const [t, w] of b) sum += w * (a.get(t) ?? 0);
  return sum;
}
