import type { TermStats } from '../store/term-stats.ts';
import { contentTerms, isStopword, stem, words } from '../text/tokenize.ts';
import type { Abbreviations } from '../store/abbreviations.ts';
import { ML_GLOSSARY } from './ml-glossary.ts';

/** A question's search terms after correction and expansion (abbreviations, compounds, glossary). */
export interface QueryTerms {
  /** Stems the question asks about with their weights: 1, or less for a guessed correction. */
  core: Map<string, number>;
  /** Long forms of acronyms and acronyms of long forms the question used; lower weight. */
  expansions: Map<string, number>;
  /**
   * For each expansion, the question's terms it stands for: a paper that already has those uses
   * the question's own form, and the other form must not count twice (a synonym, not more evidence).
   */
  expansionOf: Map<string, string[]>;
  /** Each other form the question was expanded with, and the question's terms it stands for. */
  synonyms: Synonym[];
  /** Words no paper contains and nothing in the index resembles: left out of the search. */
  unknown: string[];
  /** Words replaced by their nearest index term: "mamaba" → "mamba". */
  corrected: [from: string, to: string][];
  /**
   * The added forms as papers write them ("biomedical", not the stem "biomed"), for a full-text
   * index that stems with another stemmer (LanceDB's makes "biomed" "biom").
   */
  surfaceWords: string[];
}

/** Another name for some of a question's terms: a text with all of `terms` meets all of `stands`. */
export interface Synonym {
  terms: string[];
  stands: string[];
}

/** Weight of an abbreviation's other form (shared by its words) against a word the question typed. */
const EXPANSION_WEIGHT = 0.5;
/** A corrected word is a guess: it counts, but less than a word the index knows. */
const CORRECTION_WEIGHT = 0.6;

/**
 * Stems the question, corrects stems the index does not know against the index's own
 * vocabulary, and adds the corpus's own abbreviations of what it names (both ways) and the
 * papers' words for ML concepts it names in plain words (ml-glossary.ts).
 */
export function analyzeQuery(text: string, stats: TermStats, abbreviations: Abbreviations): QueryTerms {
  const core = new Map<string, number>();
  const unknown: string[] = [];
  const corrected: [string, string][] = [];
  const terms = [...new Set(contentTerms(text))];
  // No statistics yet (a first ingest still running, or interrupted before its recount): every word counts.
  const known = (t: string) => stats.docs === 0 || stats.df.has(t);
  for (const t of terms) if (known(t)) core.set(t, 1);
  // A typo in a word's ending defeats the stemmer ("prunning" → "prun", "interpretabilty"): correct the
  // word the question typed first, its stem only then.
  const typed = new Map(words(text).map((w) => [stem(w), w]));
  for (const t of terms.filter((x) => !known(x))) {
    const word = typed.get(t);
    const fix = (word !== undefined ? (correctWord(word, stats) ?? otherFormOf(word, stats)) : undefined) ?? nearestKnownTerm(t, stats);
    if (!fix) unknown.push(t);
    else {
      corrected.push([t, fix]);
      if (!core.has(fix)) core.set(fix, CORRECTION_WEIGHT);
    }
  }
  const expansions = new Map<string, number>();
  const expansionOf = new Map<string, string[]>();
  const synonyms: Synonym[] = [];
  const surfaceWords: string[] = [];
  const add = (t: string, w: number, source: string[]) => {
    if (core.has(t) || !stats.df.has(t)) return;
    expansions.set(t, Math.max(expansions.get(t) ?? 0, w));
    expansionOf.set(t, source);
  };
  /** A synonym of several words (all of them known to the index), met only where all of them are. */
  const addForm = (form: string[], w: number, source: string[]) => {
    if (form.length === 0 || !form.every((t) => stats.df.has(t)) || form.every((t) => core.has(t))) return;
    for (const t of form) add(t, w, source);
    synonyms.push({ terms: form, stands: source });
  };
  for (const t of core.keys()) {
    const [long] = abbreviations.longForms.get(t) ?? [];
    if (long) addForm(long, EXPANSION_WEIGHT / long.length, [t]);
  }
  // "pretrained" and "pre-trained" are the same word to a reader, not to a tokenizer: bridge both ways.
  for (const w of words(text)) {
    addForm(splitCompound(w, stats), EXPANSION_WEIGHT, [stem(w)]);
  }
  for (const [, a, b] of text.toLowerCase().matchAll(/\b([a-z]{2,})-([a-z]{2,})\b/g)) addForm([stem(a! + b!)], EXPANSION_WEIGHT, [stem(a!), stem(b!)]);
  // A superlative is met by its comparative, which is what papers write: "fastest" by "3 times faster".
  for (const w of words(text)) {
    if (!/^[a-z]{3,}est$/.test(w)) continue;
    const t = stem(w);
    const asked = core.has(t) ? t : corrected.find(([from]) => from === t)?.[1];
    if (asked) addForm([stem(`${w.slice(0, -3)}er`)], EXPANSION_WEIGHT, [asked]);
  }
  // Jargon the question names in plain words or by another of its names: "fewer bits" → "quantization".
  for (const [entry, named] of glossaryNamed(contentTerms(text))) {
    const stands = [...new Set(named.flat())];
    for (const { terms: form, text: written } of entry.papers) {
      if (named.includes(form)) continue;
      const before = synonyms.length;
      addForm(form, EXPANSION_WEIGHT / form.length, stands);
      if (synonyms.length > before) surfaceWords.push(...words(written));
    }
  }
  const joined = ` ${[...core.keys()].join(' ')} `;
  // A large store defines tens of thousands: no string or entry pair is built per long form.
  abbreviations.acronyms.forEach((acronym, long) => hasPhrase(joined, long) && addForm([acronym], EXPANSION_WEIGHT, long.split(' ')));
  return { core, expansions, expansionOf, synonyms, unknown, corrected, surfaceWords };
}

/**
 * The question's terms a text meets, in the question's own form or through a synonym the query
 * analysis added (an abbreviation's other form, a compound joined or split, a glossary concept's
 * paper words), all of whose words the text has: "KD" is met by "knowledge distillation",
 * "finetuning" by "fine-tuning", "fewer bits" by "quantization".
 */
export function termsMet(q: Pick<QueryTerms, 'core' | 'synonyms'>, present: Pick<ReadonlySet<string>, 'has'>): string[] {
  // Called for every sentence of every candidate: no set unless some synonym form is met.
  let viaSynonym: Set<string> | undefined;
  for (const { terms, stands } of q.synonyms) {
    if (!terms.every((t) => present.has(t))) continue;
    viaSynonym ??= new Set();
    for (const s of stands) viaSynonym.add(s);
  }
  const met: string[] = [];
  for (const t of q.core.keys()) if (present.has(t) || viaSynonym?.has(t)) met.push(t);
  return met;
}

/**
 * The index term closest to an unknown one, with the same first letter (typos rarely touch it):
 * one letter dropped, doubled or swapped, or for long words one substituted or two edits; the
 * more frequent wins among equally close terms. Short words and single substitutions in
 * mid-length words are left alone: those are usually other real words ("spend" vs "speed").
 */
export function nearestKnownTerm(term: string, stats: TermStats): string | undefined {
  if (term.length < 5 || /\d/.test(term)) return undefined;
  const maxEdits = term.length >= 9 ? 2 : 1;
  let best: { t: string; cost: number; df: number } | undefined;
  // forEach, not for…of: the whole vocabulary is visited, and each entry pair would be garbage.
  stats.df.forEach((df, t) => {
    if (t[0] !== term[0] || Math.abs(t.length - term.length) > maxEdits || /\d/.test(t)) return;
    const cost = editDistance(term, t, maxEdits);
    if (cost > maxEdits || (cost === 1 && term.length < 8 && isSubstitution(term, t))) return;
    if (!best || cost < best.cost || (cost === best.cost && df > best.df)) best = { t, cost, df };
  });
  return best?.t;
}

/**
 * The stem of the most frequent index term one edit away from a typed word: a letter dropped,
 * added or two swapped, first letter kept. No changed letters: the stemmer turns those into
 * other words ("federated" → "fewerated" → "fewer"); nearestKnownTerm covers them on stems.
 */
export function correctWord(word: string, stats: TermStats): string | undefined {
  if (word.length < 5 || /\d/.test(word)) return undefined;
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const variants = new Set<string>();
  for (let i = 1; i <= word.length; i++) {
    if (i < word.length) variants.add(word.slice(0, i) + word.slice(i + 1));
    if (i < word.length - 1) variants.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
    for (const c of letters) variants.add(word.slice(0, i) + c + word.slice(i));
  }
  let best: { t: string; df: number } | undefined;
  for (const v of variants) {
    if (v === word || isStopword(v)) continue;
    const t = stem(v);
    const df = stats.df.get(t) ?? 0;
    if (df > 0 && (!best || df > best.df)) best = { t, df };
  }
  return best?.t;
}

/** British spellings and the American forms papers mostly use: "optimisation", "colour", "analyse", "modelling". */
const AMERICAN_SPELLINGS: [RegExp, string][] = [
  [/is(e[sd]?|ing|ations?|ers?)$/, 'iz$1'],
  [/our(s|ed|ing)?$/, 'or$1'],
  [/yse([sd]?)$/, 'yze$1'],
  [/tre(s?)$/, 'ter$1'],
  [/([aeiou])ll(ing|ed|er)$/, '$1l$2'],
];

/**
 * The index term for another form of a typed word that no paper writes as typed, none of them an
 * edit away: its American spelling ("quantisation"), the word without a "re-" ("reranking"), a
 * word of the same root ("description", "describe": stems sharing all but their last two letters,
 * at least six; the most frequent). Each is a guess, weighed as a correction. Clippings ("nets",
 * "vid") are left alone: completed, a real short word becomes another ("car", "carefully").
 */
export function otherFormOf(word: string, stats: TermStats): string | undefined {
  const known = (w: string) => {
    const t = stem(w);
    return stats.df.has(t) && !isStopword(w) ? t : undefined;
  };
  for (const [from, to] of AMERICAN_SPELLINGS) {
    const t = from.test(word) ? known(word.replace(from, to)) : undefined;
    if (t) return t;
  }
  const unprefixed = /^re[a-z]{4,}$/.test(word) ? known(word.slice(2)) : undefined;
  if (unprefixed) return unprefixed;
  const t = stem(word);
  if (t.length < 7) return undefined;
  const root = t.slice(0, Math.max(6, t.length - 2));
  let best: { t: string; df: number } | undefined;
  stats.df.forEach((df, term) => {
    if (term.startsWith(root) && term !== t && !/\d/.test(term) && (!best || df > best.df)) best = { t: term, df };
  });
  return best?.t;
}

/** Whether `phrase` occurs in ` a b c ` as whole terms: `joined.includes(\` ${phrase} \`)`. */
function hasPhrase(joined: string, phrase: string): boolean {
  for (let at = joined.indexOf(phrase); at >= 0; at = joined.indexOf(phrase, at + 1)) {
    if (joined[at - 1] === ' ' && joined[at + phrase.length] === ' ') return true;
  }
  return false;
}

/** Same length, one position differs (a transposition differs in two). */
function isSubstitution(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff === 1;
}

/** The two index terms a closed compound is made of ("pretrained" → "pre", "train"), if any. */
function splitCompound(word: string, stats: TermStats): string[] {
  if (word.length < 8) return [];
  let best: { parts: string[]; df: number } | undefined;
  for (let i = 3; i <= word.length - 5; i++) {
    const parts = [stem(word.slice(0, i)), stem(word.slice(i))];
    const df = Math.min(...parts.map((p) => stats.df.get(p) ?? 0));
    if (df > 0 && (!best || df > best.df)) best = { parts, df };
  }
  return best?.parts ?? [];
}

/** Damerau–Levenshtein (optimal string alignment) distance, giving up above `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** A glossary entry's phrases as content-term stems, as questions are analysed. */
interface GlossaryStems {
  papers: { terms: string[]; text: string }[];
  readers: string[][];
}

/** Every glossary phrase by its first stem: a question looks up only the phrases that start with one of its words. */
const GLOSSARY_BY_FIRST_TERM = new Map<string, { entry: GlossaryStems; phrase: string[] }[]>();
for (const { papers, readers = [] } of ML_GLOSSARY) {
  const entry = { papers: papers.map((p) => ({ terms: contentTerms(p), text: p })), readers: readers.map((p) => contentTerms(p)) };
  for (const phrase of [...entry.papers.map((p) => p.terms), ...entry.readers]) {
    if (phrase.length === 0) continue;
    GLOSSARY_BY_FIRST_TERM.set(phrase[0]!, [...(GLOSSARY_BY_FIRST_TERM.get(phrase[0]!) ?? []), { entry, phrase }]);
  }
}

/** The glossary entries a question names, each with the phrases it used (as consecutive terms). */
function glossaryNamed(sequence: string[]): Map<GlossaryStems, string[][]> {
  const named = new Map<GlossaryStems, string[][]>();
  sequence.forEach((term, i) => {
    for (const { entry, phrase } of GLOSSARY_BY_FIRST_TERM.get(term) ?? []) {
      if (phrase.every((t, j) => sequence[i + j] === t)) named.set(entry, [...(named.get(entry) ?? []), phrase]);
    }
  });
  return named;
}
