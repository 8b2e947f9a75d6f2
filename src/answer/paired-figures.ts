import { isName, nameKey, statedNumbers } from '../text/claim-terms.ts';

/**
 * Figures a sentence gives for two names in parallel ("On VQA and NLVR2, it improves by 2.37% and
 * 3.84%"): the first figure belongs to the first name. A claim that gives them crosswise swaps them
 * even though no name stands next to its number in the paper.
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
  return owners;
}

/**
 * The name a figure in a claim is given to: the one it is said to be on ("3.84% on NLVR2"), else
 * the nearest one before it ("NLVR2 by 3.84%"), within its clause and before another number.
 */
export function ownerOf(toks: string[], at: number, reach: number): string | undefined {
  const step = ON.has(toks[at + 1]?.toLowerCase() ?? '') ? 1 : -1;
  for (let i = at + step, d = 1; d <= reach && i >= 0 && i < toks.length; i += step, d++) {
    const t = toks[i]!;
    if (t === '|' || statedNumbers([t]).length > 0) return undefined;
    if (isName(t, false)) return nameKey(t);
  }
  return undefined;
}

const ON = new Set(['on', 'in', 'for', 'at']);
