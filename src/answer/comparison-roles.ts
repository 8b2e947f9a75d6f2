import { claimTerms } from '../text/claim-terms.ts';

/**
 * Who beats whom. "A outperforms B" and "B outperforms A" share every word, so coverage and
 * scale checks pass a reversed comparison; the roles around the comparison word tell them apart.
 */

/** Comparison words whose two sides cannot be swapped, by the canonical term `claimTerms` gives them. */
const RELATIONS = new Set(['outperform', 'underperform', 'than']);
/** How many tokens either side of the comparison word name its two parties. */
const ROLE_REACH = 5;

interface Comparison {
  kind: string;
  left: Set<string>;
  right: Set<string>;
}

function comparisonsIn(toks: string[]): Comparison[] {
  const out: Comparison[] = [];
  toks.forEach((t, i) => {
    const kind = t.toLowerCase() === 'than' ? 'than' : claimTerms(t)[0];
    if (!kind || !RELATIONS.has(kind)) return;
    const side = (step: number) => {
      const taken: string[] = [];
      for (let j = i + step; j >= 0 && j < toks.length && Math.abs(j - i) <= ROLE_REACH && toks[j] !== '|'; j += step) taken.push(toks[j]!);
      return new Set(claimTerms((step < 0 ? taken.reverse() : taken).join(' ')));
    };
    let [left, right] = [side(-1), side(1)];
    // "is outperformed by B": B is the one that wins.
    if (toks[i + 1]?.toLowerCase() === 'by') [left, right] = [right, left];
    // A word on both sides ("models … models") names neither party.
    const shared = [...left].filter((w) => right.has(w));
    for (const w of shared) [left, right].forEach((s) => s.delete(w));
    out.push({ kind, left, right });
  });
  return out;
}

const common = (a: Set<string>, b: Set<string>) => [...a].filter((w) => b.has(w)).length;

/** Whether the claim compares the same parties as the supporting sentence the other way round. */
export function swappedComparison(claimToks: string[], supportToks: string[]): boolean {
  const theirs = comparisonsIn(supportToks);
  return comparisonsIn(claimToks).some((mine) =>
    theirs.some((other) => {
      const crossed = [common(mine.left, other.right), common(mine.right, other.left)];
      // Both parties sit on the other side, and more words cross over than stay ("finds … consistently").
      return other.kind === mine.kind && crossed.every((n) => n > 0) && crossed[0]! + crossed[1]! > common(mine.left, other.left) + common(mine.right, other.right);
    }),
  );
}
