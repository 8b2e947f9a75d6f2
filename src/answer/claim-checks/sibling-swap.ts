import { phrasesOf, unitsOf, type Unit } from './bound-pairs.ts';

/**
 * Which of two things a property belongs to. "A 2.6B decoder-only MatViT" uses the paper's words,
 * but the paper says "decoder-only" of MatLM, a sibling of MatViT (both names), and never of
 * MatViT; "low-rank activations" where the paper's low-rank ones are its weights, and it names
 * weights and activations side by side. A modifier written right before its head in the answer
 * must be said with that head in the paper, unless the paper never gives it to a sibling of the head.
 */

/** How far apart the paper's words may stand and still be said together. */
const TOGETHER_REACH = 6;
/** How close the paper puts a word to the sibling it gives it to instead. */
const GIVEN_REACH = 2;
/** Words that set two things side by side as siblings: "weights and activations", "ID or OOD", "encoders & decoders". */
const SIBLING_JOIN = /^(?:and|or|&|vs|versus|nor)$/i;

interface Paper {
  sentences: { units: Unit[]; toks: string[] }[];
  has: Set<string>;
}

function indexPaper(paperSentences: string[][]): Paper {
  const sentences = paperSentences.map((toks) => ({ units: unitsOf(toks), toks }));
  return { sentences, has: new Set(sentences.flatMap((s) => s.units.map((u) => u.unit))) };
}

/**
 * Whether the paper says `word` with `thing` within `reach` tokens of one clause, with none of the
 * thing's siblings between them ("decoder-only MatLM and a MatViT" says it of MatLM only).
 */
function saidWith(paper: Paper, word: string, thing: string, reach: number, siblings: Set<string> = new Set()): boolean {
  return paper.sentences.some(({ units, toks }) =>
    units.some(
      (x) =>
        x.unit === word &&
        units.some((y) => {
          if (y.unit !== thing || Math.abs(x.at - y.at) > reach) return false;
          const [from, to] = [Math.min(x.at, y.at), Math.max(x.at, y.at)];
          // Punctuation parts a clause, but a name's alias stands in parentheses: "MatFormer language model (MatLM)".
          const parted = (t: string) => CLAUSE_BREAK.has(t.toLowerCase()) || (t === '|' && !y.name);
          return !toks.slice(from + 1, to).some(parted) && !units.some((u) => u.at > from && u.at < to && siblings.has(u.unit));
        }),
    ),
  );
}

const CLAUSE_BREAK = new Set('while whereas but although though however'.split(' '));

/**
 * Siblings of `term` in the paper: what it joins with "and"/"or" ("weights and activations"),
 * and, for a name, the paper's other names.
 */
function siblingsOf(paper: Paper, term: Unit, withNames: boolean): Set<string> {
  const out = new Set<string>();
  for (const { units, toks } of paper.sentences) {
    units.forEach((u, k) => {
      if (u.unit !== term.unit) return;
      for (const v of [units[k - 1], units[k + 1]]) {
        if (!v) continue;
        const [from, to] = [Math.min(u.at, v.at), Math.max(u.at, v.at)];
        const between = toks.slice(from + 1, to);
        if (between.length >= 1 && between.length <= 2 && between.some((t) => SIBLING_JOIN.test(t))) out.add(v.unit);
      }
    });
  }
  if (withNames && term.name) for (const { units } of paper.sentences) for (const u of units) if (u.name && u.unit !== term.unit) out.add(u.unit);
  out.delete(term.unit);
  return out;
}

/**
 * `[word, answer's thing, paper's thing]` when the answer gives `word` to a thing the paper never
 * says it with, while the paper gives it to a sibling of that thing the answer does not name; or undefined.
 */
export function siblingSwap(claimToks: string[], paperSentences: string[][]): [string, string, string] | undefined {
  const paper = indexPaper(paperSentences);
  const claimUnits = new Set(unitsOf(claimToks).map((u) => u.unit));
  for (const phrase of phrasesOf(claimToks)) {
    for (const [k, a] of phrase.entries()) {
      const b = phrase[k + 1];
      // Only a modifier and its head, written side by side ("decoder-only MatViT", "int4 activations").
      if (!b || b.at !== a.at + 1 || !paper.has.has(a.unit) || !paper.has.has(b.unit)) continue;
      // The head is the thing, the word before it what is said of it.
      // Only a compound modifier ("decoder-only", "low-rank") is surely said of the word after it: a
      // name before a word is more often its subject ("MuE skips"), a noun may start a clause ("models SPLADE uses").
      if (!a.unit.includes('-') || a.name || saidWith(paper, a.unit, b.unit, TOGETHER_REACH, siblingsOf(paper, b, false))) continue;
      const given = [...siblingsOf(paper, b, true)].find((s) => !claimUnits.has(s) && saidWith(paper, a.unit, s, GIVEN_REACH));
      if (given) return [a.unit, b.unit, given];
    }
  }
  return undefined;
}


/**
 * Siblings that differ only in their start ("encod"/"decod", "input"/"output", "monolingu"/"multilingu"
 * as stems) are the pairs an answer swaps unnoticed; other pairs ("image and video") are often
 * both true of the claim.
 */
export function rhyme(a: string, b: string): boolean {
  let n = 0;
  while (n < Math.min(a.length, b.length) && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n >= RHYME && Math.min(a.length, b.length) >= MIN_SIBLING;
}
/** How many end letters rhyming stems share, and how long each must be. */
const RHYME = 3;
const MIN_SIBLING = 5;

/** Pairs of rhyming terms the paper sets side by side: "X and Y", "X or Y", "X/Y", and compounds ("encoder-decoder"). */
export function termSiblings(paperSentences: string[], terms: (text: string) => string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (a: string, b: string) => {
    if (a === b || !rhyme(a, b)) return;
    for (const [x, y] of [[a, b], [b, a]] as const) out.set(x, (out.get(x) ?? new Set()).add(y));
  };
  for (const s of paperSentences) {
    const words = s.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
    words.forEach((w, i) => {
      const [a, b] = [terms(words[i - 1] ?? '')[0], terms(words[i + 1] ?? '')[0]];
      if (SIBLING_JOIN.test(w) && a && b) add(a, b);
      const parts = /^(\p{L}+)-(\p{L}+)$/u.exec(w);
      if (parts) {
        const [x, y] = [terms(parts[1]!)[0], terms(parts[2]!)[0]];
        if (x && y) add(x, y);
      }
      for (const part of w.split('/')) if (part !== w) for (const other of w.split('/')) if (other !== part) add(terms(part)[0] ?? '', terms(other)[0] ?? '');
    });
  }
  return out;
}

/**
 * `[claim's term, paper's sibling]` when the claim has a term its best-covering sentence lacks,
 * while that sentence has a sibling of it the claim does not ("the encoder is the bottleneck"
 * where the sentence says the decoder is, and the paper speaks of encoder and decoder together).
 */
export function swappedForSibling(claimTerms: Set<string>, best: Set<string>, siblings: Map<string, Set<string>>): [string, string] | undefined {
  for (const t of claimTerms) {
    if (best.has(t)) continue;
    const s = [...(siblings.get(t) ?? [])].find((x) => best.has(x) && !claimTerms.has(x));
    if (s) return [t, s];
  }
  return undefined;
}
