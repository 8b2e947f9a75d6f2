/**
 * "Both", "each" and "all" over several citations say the claim of every cited paper. "Both
 * methods learn from pseudo-targets produced by a momentum model [1][2]" may be covered well enough
 * by each paper's general words ("learn", "model"), while the words that make it a claim
 * ("pseudo-targets", "momentum") are in one paper only. A paper that lacks several of the claim's
 * words that another cited paper has is not one the claim holds for.
 */

/** How many of the claim's words, found in another cited paper, one paper may lack. */
const MAX_LACKED = 1;

/**
 * `[n, lacked words]` for the first cited paper lacking more than `MAX_LACKED` of the claim's
 * words that another cited paper has; or undefined. Names (`named`) belong to one paper each and
 * are left out.
 */
export function notSaidOfEach(terms: Iterable<string>, cited: { n: number; terms: Set<string> }[], named: Set<string> = new Set()): [number, string[]] | undefined {
  const claim = [...terms].filter((t) => !named.has(t));
  for (const s of cited) {
    const lacked = claim.filter((t) => !s.terms.has(t) && cited.some((o) => o !== s && o.terms.has(t)));
    if (lacked.length > MAX_LACKED) return [s.n, lacked];
  }
  return undefined;
}
