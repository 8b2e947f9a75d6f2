import { claimTerms } from '../../text/claim-terms.ts';
import { isStopword, stem } from '../../text/tokenize.ts';

/**
 * Which party goes with which. "A decoder-only T5 and an encoder-decoder Llama2" shares every word
 * with "an encoder-decoder T5 model and a decoder-only LLM, Llama2"; what differs is which words
 * stand together. When an answer binds a word to a party (a name, or a compound such as
 * "decoder-only") and the paper binds that word to another party of the same kind that the answer
 * names in another phrase, the answer has swapped them.
 */

/** How many tokens apart the paper's words may stand and still be said together. */
const PAPER_REACH = 4;
/** How many function words may stand between two words of one phrase of the answer. */
const CLAIM_GAP = 2;
/** Words that join two phrases rather than bind words in one: "X and Y", "X than Y". */
const JOINS = new Set('and or nor but than versus vs while whereas unlike like as then'.split(' '));
/** Words that start another clause of the paper's sentence. */
const CLAUSE_BREAK = new Set('while whereas but although though however'.split(' '));

export interface Unit {
  /** A compound keeps its parts together ("decod-onli" is not "decod"); a plain word is its content term. */
  unit: string;
  at: number;
  /** A party: a name or a compound. */
  party: boolean;
  name: boolean;
}

export function unitsOf(toks: string[]): Unit[] {
  return toks.flatMap((t, at) => {
    if (t === '|' || t.startsWith('#')) return [];
    const body = t.replace(/['’]s$/, '');
    const compound = /[-'’]/.test(body);
    const unit = compound ? body.toLowerCase().split(/[-'’]/).map(stem).join('-') : claimTerms(body)[0];
    const name = STRONG_NAME.test(body);
    return unit ? [{ unit, at, party: compound || name, name }] : [];
  });
}

/** A name no common word looks like: digits, inner capitals or all capitals ("T5", "OpenChat", "MIM"). */
const STRONG_NAME = /^(?=.*\p{L})(?:.*\d.*|\p{L}.*\p{Lu}.*)$/u;

/** The answer's phrases: runs of units with at most `CLAIM_GAP` function words between, none joining. */
export function phrasesOf(toks: string[]): Unit[][] {
  const phrases: Unit[][] = [];
  let last: Unit | undefined;
  for (const u of unitsOf(toks)) {
    const between = last ? toks.slice(last.at + 1, u.at) : [];
    const bound = last && between.length <= CLAIM_GAP && between.every((t) => isStopword(t.toLowerCase()) && !JOINS.has(t.toLowerCase()));
    if (bound) phrases[phrases.length - 1]!.push(u);
    else phrases.push([u]);
    last = u;
  }
  return phrases;
}

/** Two parties of one kind: both names, or compounds sharing a part ("encoder-decoder", "decoder-only"). */
function alike(a: Unit, b: Unit): boolean {
  const parts = (u: Unit) => u.unit.split('-');
  if (a.unit.includes('-') && b.unit.includes('-')) return parts(a).some((p) => parts(b).includes(p));
  return a.party && b.party && !a.unit.includes('-') && !b.unit.includes('-');
}

/**
 * A word the answer binds to one party where the paper binds it to another party that the answer
 * binds to another word: `[word, answer's party, paper's party]`, or undefined.
 */
export function swappedParty(claimToks: string[], paperSentences: string[][]): [string, string, string] | undefined {
  const paper = paperSentences.map(unitsOf);
  const distance = (a: string, b: string) => {
    let best = Infinity;
    for (const s of paper) for (const x of s) if (x.unit === a) for (const y of s) if (y.unit === b) best = Math.min(best, Math.abs(x.at - y.at));
    return best;
  };
  const has = (u: string) => paper.some((s) => s.some((x) => x.unit === u));
  // Each party with the word right after it, which it modifies or names: "decoder-only T5", "MIM teacher".
  const bound = phrasesOf(claimToks).flatMap((phrase) =>
    phrase.flatMap((party, k) => {
      const word = phrase[k + 1];
      return party.party && word && word.at === party.at + 1 && word.unit !== party.unit && !alike(party, word) ? [{ party: party.unit, word: word.unit, kind: party }] : [];
    }),
  );
  for (const a of bound) {
    if (!has(a.party) || distance(a.party, a.word) <= PAPER_REACH) continue;
    // Another such pair with a party of the same kind, crosswise in the paper: it has this word with that party (and that word, if it has it, with this party).
    const b = bound.find(
      (b) =>
        b.party !== a.party &&
        b.word !== a.word &&
        alike(a.kind, b.kind) &&
        distance(b.party, a.word) <= PAPER_REACH &&
        distance(b.party, a.party) > 1 &&
        (!has(b.word) || distance(a.party, b.word) <= PAPER_REACH),
    );
    if (b) return [a.word, a.party, b.party];
  }
  return undefined;
}

/** How far from a word of a scale its neighbours in the answer may stand. */
const SIDE_REACH = 6;

/**
 * Whether the answer says one end of a scale ("global") of what the paper's sentence, which has
 * both ends, says the other end ("local") of: the parties beside the word in the answer (or, with
 * none, its other neighbours) stand nearer the other end there.
 */
export function saidOfOtherEnd(claimToks: string[], support: string[], mine: ReadonlySet<string>, other: ReadonlySet<string>): boolean {
  const on = (toks: string[], side: ReadonlySet<string>) => toks.flatMap((t, i) => (t.toLowerCase().split(/[-'’]/).some((w) => side.has(w)) ? [i] : []));
  const [said, mineAt, otherAt] = [on(claimToks, mine), on(support, mine), on(support, other)];
  if (said.length === 0 || mineAt.length === 0 || otherAt.length === 0) return false;
  const saysOther = on(claimToks, other);
  const scaleWord = new Set([...said, ...saysOther]);
  // Its neighbours within its clause ("X and Y", "while", a comma end it), and nearer it than the
  // other end if the answer says that too: "large-sparse models outperform small-dense" binds the verb to neither.
  const neighbours = unitsOf(claimToks).filter((u) => {
    const d = Math.abs(u.at - said[0]!);
    if (scaleWord.has(u.at) || d > SIDE_REACH || saysOther.some((o) => Math.abs(u.at - o) <= d)) return false;
    const [from, to] = [Math.min(u.at, said[0]!), Math.max(u.at, said[0]!)];
    return !claimToks.slice(from + 1, to).some((t) => t === '|' || JOINS.has(t.toLowerCase()));
  });
  // Each place the paper has a neighbour, and how far it stands from either end there (a clause break counts as far).
  const far = (i: number, j: number) =>
    Math.abs(i - j) + PAPER_REACH * support.slice(Math.min(i, j) + 1, Math.max(i, j)).filter((t) => t === '|' || CLAUSE_BREAK.has(t.toLowerCase())).length;
  const places = (u: Unit) =>
    unitsOf(support)
      .filter((x) => x.unit === u.unit)
      .map((x) => ({ mine: Math.min(...mineAt.map((a) => far(a, x.at))), other: Math.min(...otherAt.map((a) => far(a, x.at))) }));
  const placed = neighbours.map((u) => ({ u, at: places(u) })).filter((p) => p.at.length > 0);
  // Names say who; a compound ("longer-range") may just describe.
  const parties = placed.filter(({ u }) => u.name);
  const judged = parties.length > 0 ? parties : placed;
  const toOther = judged.filter((p) => p.at.every((x) => x.other < x.mine && x.other <= PAPER_REACH)).length;
  const toMine = judged.filter((p) => p.at.some((x) => x.mine <= x.other && x.mine <= PAPER_REACH)).length;
  return toOther > 0 && toMine === 0 && (parties.length > 0 ? toOther === parties.length : toOther >= 2);
}

/** How far after "from" its "to" may come. */
const DIRECTION_REACH = 6;

/** "from A to B" (or "into B"): the first content units after "from" and after its "to". */
function directionsIn(toks: string[]): [string, string][] {
  const units = unitsOf(toks);
  const after = (i: number) => units.find((u) => u.at > i)?.unit;
  const out: [string, string][] = [];
  toks.forEach((t, i) => {
    if (t.toLowerCase() !== 'from') return;
    const to = toks.slice(i + 2, i + 2 + DIRECTION_REACH).findIndex((u) => /^(?:to|into)$/i.test(u));
    const [a, b] = [after(i), to < 0 ? undefined : after(i + 2 + to)];
    if (a && b && a !== b) out.push([a, b]);
  });
  return out;
}

/** A move the answer says goes "from A to B" where the paper says it goes from B to A (and never from A to B). */
export function reversedDirection(claimToks: string[], paperSentences: string[][]): [string, string] | undefined {
  const paper = paperSentences.flatMap(directionsIn);
  return directionsIn(claimToks).find(([a, b]) => paper.some(([x, y]) => x === b && y === a) && !paper.some(([x, y]) => x === a && y === b));
}
