import { isStopword, stem } from '../../text/tokenize.ts';

/**
 * Other forms in which an answer may use a paper's words: the acronym of a run of its words ("CNN"
 * for "convolutional neural network", "LM" for "language model"), and a stem that differs from
 * the paper's by a short suffix ("context" for "contextual", whose stems the stemmer keeps apart).
 */

/** Acronyms of runs of 2 to 5 content words ("question-answer" → "qa"), as terms (lower case). */
export function acronymsOf(toks: string[]): string[] {
  const out = new Set<string>();
  // Hyphens join words an acronym spells one by one ("multi-layer perceptron" → "mlp").
  const runs: string[][] = [[]];
  for (const t of toks) {
    if (t === '|' || t.startsWith('#') || isStopword(t.toLowerCase())) runs.push([]);
    else runs[runs.length - 1]!.push(...t.toLowerCase().split(/[-'’]/).filter((w) => /^\p{L}/u.test(w)));
  }
  // "sequence-to-sequence" is written "seq2seq", "text-to-image" "t2i".
  for (const t of toks) {
    const m = /^(\p{L}+)-to-(\p{L}+)$/iu.exec(t);
    if (m) for (const len of [1, 3]) out.add(`${m[1]!.slice(0, len)}2${m[2]!.slice(0, len)}`.toLowerCase());
  }
  for (const run of runs) {
    for (let i = 0; i < run.length; i++) {
      for (let len = MIN_WORDS; len <= MAX_WORDS && i + len <= run.length; len++) out.add(stem(run.slice(i, i + len).map((w) => w[0]).join('')));
    }
  }
  return [...out];
}

const MIN_WORDS = 2;
const MAX_WORDS = 5;

/**
 * The paper's term a claim's term stands for when the paper lacks it: one that extends it, or that
 * it extends, by at most `MAX_SUFFIX` letters, both at least `MIN_STEM` long.
 */
export function suffixVariant(term: string, paperTerms: Iterable<string>): string | undefined {
  if (term.length < MIN_STEM) return undefined;
  for (const u of paperTerms) {
    if (u.length < MIN_STEM || Math.abs(u.length - term.length) > MAX_SUFFIX) continue;
    if (u.startsWith(term) || term.startsWith(u)) return u;
  }
  return undefined;
}

/**
 * The paper's term a claim's term is a typo of, or the paper's a typo of it: the same letters with
 * two neighbours swapped ("casual" for "causal"), both at least `MIN_STEM` long.
 */
export function swappedLetters(term: string, paperTerms: Iterable<string>): string | undefined {
  if (term.length < MIN_STEM) return undefined;
  for (const u of paperTerms) {
    if (u.length !== term.length || u === term) continue;
    const at = [...u].findIndex((c, i) => c !== term[i]);
    if (u[at] === term[at + 1] && u[at + 1] === term[at] && u.slice(at + 2) === term.slice(at + 2)) return u;
  }
  return undefined;
}

const MIN_STEM = 5;
const MAX_SUFFIX = 3;
