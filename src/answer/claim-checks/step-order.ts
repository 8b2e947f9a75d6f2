import { claimTerms, paperTerms } from '../../text/claim-terms.ts';

/**
 * Which step comes first. "The pipeline first has OpenChat write question-answer pairs and then
 * has GPT-4V turn them into captions" uses the paper's words for both steps; what it gets wrong is
 * their order. An abstract tells a method's steps in the order they run, so when the answer puts
 * one step before another ("first X, then Y", "X before Y", "after X, Y") and the paper tells Y
 * before X, the answer has reversed them.
 */

/** Words that put the next step after the one before: "X, then Y", "X and only afterwards Y". */
const THEN = /,?\s+(?:and\s+)?(?:only\s+)?(?:then|afterwards|afterward|subsequently|later)\b,?\s*/i;
/** Where the clause holding the first step starts: a colon, a semicolon, a comma, or "first" (not "a first judgment"). */
const STEP_BREAK = /\s*[;:]\s*|,\s+(?:and\s+)?|(?<!\b(?:a|an|the)\s+)\bfirst(?:ly)?\b,?/i;
/** A clause ending in an auxiliary ("… is then trained") puts "then" inside it. */
const AUXILIARY_END = /\b(?:is|are|was|were|be|been|gets?|got)\s*$/i;
/** "X before Y". */
const BEFORE = /\s+before\s+/i;
/** "After X, Y": the step after "after" comes first. */
const AFTER_LEAD = /^(?:\S+\s+){0,3}?after\s+([^,]+),\s*(.+)$/i;
/**
 * Words that let a paper tell steps out of their order ("Y, after X"): a sentence with one of them
 * after its first word places no step.
 */
const ORDER_WORDS = /\b(?:after|before|prior|previously|earlier|preceded|following)\b/i;

/** Words that number the steps rather than say what they do. */
const SEQUENCE = new Set(claimTerms('first firstly initially second secondly finally last'));

/** How much of a step's own words one sentence of the paper must hold to place it there. */
const PLACE_FLOOR = 0.5;
/** Within one sentence, how far apart (as a share of its length) two steps must stand to be told in an order. */
const SAME_SENTENCE_GAP = 0.2;
/** A step needs a word of its own to be placed ("the gating network is trained first": "gating"). */
const MIN_TERMS = 1;

/** The two steps in the order the claim gives them, as their own content terms. */
export function stepsOf(claim: string, known: (term: string) => string): [string[], string[]] | undefined {
  const text = claim.replace(/[.!?]+$/, '');
  let parts: [string, string] | undefined;
  const lead = AFTER_LEAD.exec(text);
  if (lead) parts = [lead[1]!, lead[2]!];
  else {
    const m = THEN.exec(text) ?? BEFORE.exec(text);
    if (m) {
      const [pre, post] = [text.slice(0, m.index), text.slice(m.index + m[0].length)];
      // The first step is the clause just before "then": "…: a quick skim gives a first judgment, then …".
      const clauses = pre.split(STEP_BREAK).filter((c) => c.trim() !== '');
      // "X is trained first, and the parent model is then trained": "then" inside a clause leaves its subject to the second step.
      parts = AUXILIARY_END.test(pre) && clauses.length > 1 ? [clauses[clauses.length - 2]!, `${clauses[clauses.length - 1]!} ${post}`] : [clauses[clauses.length - 1] ?? '', post];
    }
  }
  if (!parts) return undefined;
  const [a, b] = parts.map((p) => new Set(claimTerms(p).map(known).filter((t) => !SEQUENCE.has(t))));
  // Words both steps share (the subject, a repeated verb) place neither.
  const own = (x: Set<string>, y: Set<string>) => [...x].filter((t) => !y.has(t));
  const steps: [string[], string[]] = [own(a!, b!), own(b!, a!)];
  return steps.every((s) => s.length >= MIN_TERMS) ? steps : undefined;
}

/** Where a step is told in one paper: the sentences that hold most of its words, and where in each its words stand (a share of its length). */
export function placesOf(step: string[], sentences: string[][][]): { sentence: number; at: number }[] {
  let best = PLACE_FLOOR;
  let places: { sentence: number; at: number }[] = [];
  sentences.forEach((words, i) => {
    const at = step.flatMap((t) => {
      const j = words.findIndex((w) => w.includes(t));
      return j < 0 ? [] : [j];
    });
    const share = at.length / step.length;
    if (share < best) return;
    // The median word: one word the paper also uses elsewhere in the sentence does not move the step.
    const sorted = at.sort((x, y) => x - y);
    const place = { sentence: i, at: (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2 / words.length };
    places = share > best ? [place] : [...places, place];
    best = share;
  });
  return places;
}

/**
 * `[first step, second step]` as the claim orders them, when one cited paper tells the second
 * before the first; or undefined. `papers` holds each cited paper's sentences in order.
 */
export function reversedSteps(claim: string, papers: string[][], known: (term: string) => string = (t) => t): [string, string] | undefined {
  const steps = stepsOf(claim, known);
  if (!steps) return undefined;
  for (const paper of papers) {
    const sentences = paper.map((s) => s.split(/\s+/).map((w) => paperTerms(w)));
    const [first, second] = steps.map((s) => placesOf(s, sentences));
    if (first!.length === 0 || second!.length === 0) continue;
    if ([...first!, ...second!].some((p) => ORDER_WORDS.test(paper[p.sentence]!.split(/\s+/).slice(1).join(' ')))) continue;
    // Reversed only when every place the paper may tell the second step in comes before every place of the first.
    const before = (y: { sentence: number; at: number }, x: { sentence: number; at: number }) =>
      y.sentence < x.sentence || (y.sentence === x.sentence && x.at - y.at >= SAME_SENTENCE_GAP);
    const earlier = second!.every((y) => first!.every((x) => before(y, x)));
    return earlier ? [steps[0].join(' '), steps[1].join(' ')] : undefined;
  }
  return undefined;
}
