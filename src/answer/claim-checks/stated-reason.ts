import { claimTerms, paperTerms } from '../../text/claim-terms.ts';

/**
 * Why, or what for. "HNeRV blocks spread the parameters evenly in order to cut decoding time" keeps
 * the paper's blocks and their even spread and adds a purpose the paper never gives. A reason or
 * purpose the answer gives ("because …", "due to …", "so that …", "in order to …", "to reduce …"),
 * and a consequence it draws (", so …", ", thus …"),
 * must be said in one place of the cited paper: one of its sentences, or two in a row, must hold
 * most of the reason's words. Scattered words are not a stated reason.
 */

/** What starts a reason, a purpose or a consequence. */
const REASON = /\b(?:because(?:\s+of)?|due\s+to|owing\s+to|thanks\s+to|as\s+a\s+result\s+of|so\s+that|so\s+as\s+to|in\s+order\s+(?:to|for))\s|,\s+(?:so|thus|hence|therefore)\s+(?!that\b)/i;

/**
 * Verbs that make "to" a purpose ("inserted between the encoders to fuse …"), not a preposition
 * ("close to the encoder").
 */
const PURPOSE_VERBS =
  'reduce lower cut speed improve increase boost raise enable allow let help make keep save ensure prevent protect avoid capture fuse adapt address handle store train learn generate produce support achieve match minimize minimise maximize maximise mitigate alleviate overcome remove eliminate preserve retain accelerate compress encode decode predict estimate balance stabilize stabilise simplify scale extend expand enhance strengthen guide transfer align combine integrate separate disentangle replace unify solve fix detect identify serve'.split(
    ' ',
  );
const PURPOSE = new RegExp(`\\s+to\\s+(?=(?:${PURPOSE_VERBS.join('|')})\\b)`, 'i');

/** Where the reason's clause ends: a semicolon or the start of a coordinated clause. */
const CLAUSE_END = /\s*;\s*|,\s+(?:and|but|while|whereas|which)\s+/i;

/**
 * A reason is unsaid when one place of the paper lacks at least `MIN_MISSING` of its words and holds
 * no more than `REASON_FLOOR` of them: one unmatched word is as often a paraphrase ("cheaper" for
 * "cost-effective") as an invention.
 */
const REASON_FLOOR = 0.5;
const MIN_MISSING = 2;
/** A reason with fewer content terms says too little to be placed. */
const MIN_TERMS = 2;
/** Verbs that frame a purpose ("to make …", "to help …", "to allow …") rather than state it. */
const FRAME = new Set(['make', 'help', 'enable']);

/** The reason's content terms and its words; undefined when the claim gives no reason. */
export function reasonOf(claim: string, known: (term: string) => string = (t) => t): { terms: string[]; said: string } | undefined {
  const m = REASON.exec(claim) ?? PURPOSE.exec(claim);
  if (!m) return undefined;
  // "Because training is costly, few sizes are trained": a leading reason ends at its comma.
  const after = claim.slice(m.index + m[0].length).split(m.index === 0 ? /,\s/ : CLAUSE_END)[0]!;
  const terms = [...new Set(claimTerms(after).map(known))].filter((t) => !FRAME.has(t));
  return terms.length < MIN_TERMS ? undefined : { terms, said: `${m[0].trim().replace(/^,\s*/, '')} ${after.trim().replace(/[.!?]+$/, '')}` };
}

/**
 * The reason or purpose the claim gives when no sentence of a cited paper, nor two in a row, says
 * it; or undefined. `papers` holds each cited paper's sentences in order.
 */
export function unstatedReason(claim: string, papers: string[][], known: (term: string) => string = (t) => t): string | undefined {
  const found = reasonOf(claim, known);
  if (!found) return undefined;
  const said = (has: Set<string>) => {
    const held = found.terms.filter((t) => has.has(t)).length;
    return held > REASON_FLOOR * found.terms.length || found.terms.length - held < MIN_MISSING;
  };
  for (const sentences of papers) {
    const sets = sentences.map((s) => new Set(paperTerms(s)));
    if (sets.some((s, i) => said(new Set([...s, ...(sets[i + 1] ?? [])])))) return undefined;
  }
  return found.said;
}
