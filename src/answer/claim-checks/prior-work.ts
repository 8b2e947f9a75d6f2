import { claimTerms, isName, nameKey, tokens } from '../../text/claim-terms.ts';

/**
 * Whose is it: a claim about the paper's own method ("DiST back-propagates through the whole
 * model") resting on what the paper says of earlier work ("Existing methods … require
 * back-propagation through the whole pre-trained model"). The words all match; the owner does not.
 */

/** Words that put a stretch of the paper on earlier or other work. */
const PRIOR = /^(?:existing|prior|previous|previously|conventional|conventionally|traditional|traditionally|naive|naively|typical|typically|commonly|earlier|mainstream|popular)$/i;
/** "Current models" are others' work; "the current task" is not. */
const CURRENT = /^(?:current|currently)$/i;
/** Words that put it on the paper's own work. */
const OWN = /^(?:we|our|ours|us|proposed)$/i;
/** "We show that …", "we find that …": the paper reporting, not acting; what follows may be of anyone. */
const REPORTING = /^(?:show|shows|showed|find|found|observe|observed|identify|identified|argue|note|noted|reveal|revealed|demonstrate|demonstrated|hypothesi[sz]e|believe|discover|discovered)$/i;
/** Where a sentence turns from one party to another. */
const TURN = /^(?:while|whereas|but|however|unlike|instead|where|although|though)$/i;
/** Words by which a claim speaks of the paper's own work without naming it. */
const CLAIM_SELF = /^(?:it|its|they|their|this|the(?= (?:authors?|method|approach|model|recipe|framework|system|technique|pipeline|design|scheme)\b))$/i;
/** Words by which a claim itself sets the paper against other work, which it may then quote. */
const CLAIM_OTHER = /^(?:outperform\w*|beat\w*|surpass\w*|than|over|unlike|compared|versus|vs|instead|rather|replac\w*|improv\w*|earlier|other|others|baselines?)$/i;

interface Segment {
  terms: Set<string>;
  prior: boolean;
}

function segmentsOf(sentence: string, self: Set<string>): Segment[] {
  const toks = tokens(sentence);
  const out: string[][] = [[]];
  toks.forEach((t, i) => {
    const turn = TURN.test(t) || t === ';' || (/^in$/i.test(t) && /^contrast$/i.test(toks[i + 1] ?? ''));
    if (turn && out[out.length - 1]!.length > 0) out.push([]);
    out[out.length - 1]!.push(t);
  });
  return out.map((seg) => {
    const own = seg.some((t, i) => (OWN.test(t) && !REPORTING.test(seg[i + 1] ?? '')) || (isName(t, false) && self.has(nameKey(t))));
    const prior = seg.some((t, i) => PRIOR.test(t) || (CURRENT.test(t) && seg.slice(i + 1, i + 4).some((u) => /^\p{L}{3,}s$/u.test(u))));
    return { terms: new Set(claimTerms(seg.join(' '))), prior: !own && prior };
  });
}

/**
 * The terms of a claim about the paper's own work that the paper uses only where it speaks of
 * earlier work, when they are what the claim rests on: two of them, or one in the stretch of the
 * paper that shares most with the claim.
 *
 * @example
 * saidOfPriorWork('DiST back-propagates through the whole pre-trained model.', ['Existing methods require back-propagation through the whole pre-trained model.', 'We present DiST, which avoids the back-propagation of massive pre-trained parameters.'], new Set(['dist']));
 * // ['whole']
 */
export function saidOfPriorWork(claim: string, paper: string[], self: Set<string>): string[] | undefined {
  const toks = tokens(claim);
  const aboutSelf = toks.some((t, i) => CLAIM_SELF.test(t) && (i === 0 || !/^(?:of|that|in)$/i.test(toks[i - 1] ?? ''))) || toks.some((t) => isName(t, false) && self.has(nameKey(t)));
  // A claim that names another work ("keeps COMBINER's avoidance of quantization") says whose it is.
  const othersNamed = toks.some((t, i) => isName(t, i === 0) && !self.has(nameKey(t)) && paper.some((s) => s.includes(t)));
  if (!aboutSelf || othersNamed || toks.some((t) => PRIOR.test(t) || CURRENT.test(t) || CLAIM_OTHER.test(t))) return undefined;
  const names = new Set(toks.filter((t, i) => isName(t, i === 0)).flatMap((t) => claimTerms(t)));
  const terms = [...new Set(claimTerms(claim))].filter((t) => !names.has(t));
  const segments = paper.flatMap((s) => segmentsOf(s, self));
  const priorOnly = terms.filter((t) => segments.some((s) => s.terms.has(t)) && segments.every((s) => !s.terms.has(t) || s.prior));
  if (priorOnly.length === 0) return undefined;
  const overlap = (s: Segment) => terms.filter((t) => s.terms.has(t)).length;
  const top = Math.max(...segments.map(overlap));
  const bestIsPrior = segments.filter((s) => overlap(s) === top).every((s) => s.prior);
  return priorOnly.length >= 2 || bestIsPrior ? priorOnly : undefined;
}
