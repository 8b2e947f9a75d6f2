import { claimTerms, isName, nameKey, statedNumbers } from '../../text/claim-terms.ts';
import { isStopword } from '../../text/tokenize.ts';

/**
 * Figures a sentence gives for two names in parallel ("On VQA and NLVR2, it improves by 2.37% and
 * 3.84%", "x, y and z on A, B and C, respectively"): the first figure belongs to the first name. A
 * claim that gives them crosswise swaps them even though no name stands next to its number in the paper.
 */

/** How far after the names their figures may follow. */
const PAIR_REACH = 12;

/** Name key → number value, for each "A and B … x and y" in the sentence. */
export function pairedFigures(toks: string[]): Map<string, string> {
  const owners = new Map<string, string>();
  const valueAt = (i: number) => (i >= 0 && i < toks.length ? statedNumbers([toks[i]!])[0]?.value : undefined);
  for (let i = 0; i + 2 < toks.length; i++) {
    if (!isName(toks[i]!, false) || toks[i + 1]?.toLowerCase() !== 'and' || !isName(toks[i + 2]!, false)) continue;
    for (let j = i + 3; j + 2 < toks.length && j <= i + PAIR_REACH; j++) {
      const [x, y] = [valueAt(j), valueAt(j + 2)];
      if (x === undefined || y === undefined || toks[j + 1]?.toLowerCase() !== 'and') continue;
      owners.set(nameKey(toks[i]!), x);
      owners.set(nameKey(toks[i + 2]!), y);
      break;
    }
  }
  if (toks.some((t) => t.toLowerCase() === 'respectively')) respectiveFigures(toks, owners);
  return owners;
}

const SEPARATOR = (t: string | undefined) => t === '|' || t?.toLowerCase() === 'and';
const isFigure = (t: string | undefined) => t !== undefined && statedNumbers([t]).length > 0;

/** What a word of a list stands for: its name key, or its content term. */
function itemKey(t: string): string | undefined {
  return isName(t, false) ? nameKey(t) : isStopword(t.toLowerCase()) || t.startsWith('#') || t === '|' ? undefined : claimTerms(t)[0];
}

/** "55.0%, 50.92%, and 42.7% on the classification, captioning, and VQA tasks, respectively": figures paired with the list after them, in order. */
function respectiveFigures(toks: string[], owners: Map<string, string>) {
  for (let i = 0; i < toks.length; i++) {
    if (!isFigure(toks[i])) continue;
    const values: string[] = [];
    let j = i;
    while (isFigure(toks[j])) {
      values.push(statedNumbers([toks[j]!])[0]!.value);
      j++;
      while (SEPARATOR(toks[j]) && !isFigure(toks[j])) j++;
    }
    if (values.length < 2) continue;
    // Up to a few words ("on the") before the list starts.
    while (j < toks.length && j < i + values.length * 3 + 4 && !itemKey(toks[j]!)) j++;
    const items: string[] = [];
    while (j < toks.length && items.length < values.length) {
      const key = itemKey(toks[j]!);
      if (!key) break;
      items.push(key);
      while (j < toks.length && !SEPARATOR(toks[j])) j++;
      while (SEPARATOR(toks[j])) j++;
    }
    if (items.length === values.length) items.forEach((k, n) => owners.set(k, values[n]!));
    i = j;
  }
}

/**
 * The name a figure in a claim is given to: the one it is said to be on ("3.84% on NLVR2"), else
 * the nearest one before it ("NLVR2 by 3.84%"), within its clause and before another number;
 * without a name, the first word there.
 */
export function ownerOf(toks: string[], at: number, reach: number): string | undefined {
  const step = ON.has(toks[at + 1]?.toLowerCase() ?? '') ? 1 : -1;
  let word: string | undefined;
  for (let i = at + step, d = 1; d <= reach && i >= 0 && i < toks.length; i += step, d++) {
    const t = toks[i]!;
    if (t === '|' || statedNumbers([t]).length > 0) break;
    if (isName(t, false)) return nameKey(t);
    word ??= itemKey(t);
  }
  // No name: the word it is said to be on ("50.92% on classification").
  return word;
}

const ON = new Set(['on', 'in', 'for', 'at']);

/** Words that end a figure's context: past them, another figure's matter starts. */
const CONTEXT_BREAK = new Set(['while', 'whereas', 'but', 'than', 'versus', 'vs', 'compared', 'respectively', 'and', 'that', 'which', 'who', 'where', 'when']);
/** How many content words before and after a figure say what it is. */
const CONTEXT_BEFORE = 5;
const CONTEXT_AFTER = 3;

/**
 * The words around the figure at `at` that say what it is ("PPO exceeds zero-shot by 38.7 points",
 * "84.54% on synthetic data"): back to the previous figure or clause, and a few words on.
 */
export function figureContext(toks: string[], at: number): Set<string> {
  const taken: string[] = [];
  let crossed = false;
  for (let i = at - 1, n = 0; i >= 0 && n < CONTEXT_BEFORE; i--) {
    const t = toks[i]!;
    // A bracketed figure ("(up to +3.5%)") is about the words before the bracket.
    if (t === '|' && !crossed && claimTerms(taken.join(' ')).length === 0) {
      crossed = true;
      continue;
    }
    if (t === '|' || statedNumbers([t]).length > 0 || CONTEXT_BREAK.has(t.toLowerCase())) break;
    taken.unshift(t);
    if (!isStopword(t.toLowerCase())) n++;
  }
  for (let i = at + 1, n = 0; i < toks.length && n < CONTEXT_AFTER; i++) {
    const t = toks[i]!;
    if (t === '|' || statedNumbers([t]).length > 0 || CONTEXT_BREAK.has(t.toLowerCase())) break;
    taken.push(t);
    if (!isStopword(t.toLowerCase())) n++;
  }
  return new Set(claimTerms(taken.join(' ')));
}

/**
 * Whether a figure of the claim is told of what the paper tells another of the claim's figures:
 * "beats zero-shot by 26.1 and few-shot by 38.7" where the paper has zero-shot by 38.7 and few-shot
 * by 26.1, "84.54% on original data" where 84.54% is on synthetic data. Only the words that set the
 * two figures' contexts apart in the paper count, and two of them at least.
 */
export function figureGivenAnother(claimToks: string[], at: number, paper: string[][]): boolean {
  const value = statedNumbers([claimToks[at]!])[0]?.value;
  if (value === undefined) return false;
  const mine = figureContext(claimToks, at);
  if (mine.size === 0) return false;
  const others = new Set(statedNumbers(claimToks).map((y) => y.value).filter((v) => v !== value));
  const occurrences = (wanted: (v: string) => boolean) =>
    paper.flatMap((toks) => statedNumbers(toks).filter((y) => wanted(y.value)).map((y) => figureContext(toks, y.at)));
  const own = occurrences((v) => v === value);
  const theirs = occurrences((v) => others.has(v));
  const shared = (a: Set<string>, b: Set<string>) => [...mine].filter((w) => a.has(w) && !b.has(w)).length;
  // Two words at least: one shared word is as often chance as a sign.
  return own.length > 0 && theirs.some((other) => own.every((o) => shared(other, o) >= Math.max(2, shared(o, other) + 1)));
}
