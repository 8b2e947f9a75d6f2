import { claimTerms, statedNumbers, tokens } from '../../text/claim-terms.ts';
import { isStopword } from '../../text/tokenize.ts';

/**
 * The relation a sentence states between two things, in a few classes of research prose: how one
 * ranks against another ("beats", "matches", "trails"), which way a quantity moves ("improves",
 * "raises", "degrades", "cuts", and by how much), which of two is preferred ("A rather than B"),
 * and how far a finding reaches ("generalizes to" against "only works with"). An answer that swaps one class for another ("beats" where the paper
 * says "matches") keeps every content word, so coverage alone passes it; the relation word, bound
 * to what it is said of, tells them apart.
 */

type Rank = 'beat' | 'match' | 'lose';

interface Stated {
  kind: 'rank' | 'prefer' | 'change' | 'reach';
  /** rank: the classes it allows ("outperforms or matches" allows two); change: +1 up/good, -1 down/bad; reach: +1 general, -1 restricted. */
  ranks: Set<Rank>;
  sign: number;
  /** For a change, whether the word moves a quantity (`dir`: "raises", "cuts") or judges it (`value`: "improves", "hurts"). */
  family: 'dir' | 'value';
  size?: 'big' | 'small';
  /** The content terms of what it is said of (after it) and of who does it (before it). */
  object: string[];
  subject: string[];
  word: string;
}

const BEAT = /^(?:outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|beat(?:s|ing)?|exceed(?:s|ed|ing)?|outscor\w*|outdo\w*)$/;
const MATCH = /^(?:match(?:es|ed|ing)?|rival(?:s|led|ed|ling|ing)?|comparable|competitive|par|parity)$/;
const LOSE = /^(?:underperform(?:s|ed|ing)?|trail(?:s|ed|ing)?|lag(?:s|ged|ging)?|inferior)$/;
/** Comparatives that rank when "than" or "to" follows ("better than", "superior to"). */
const BETTER = /^(?:better|superior|stronger)$/;
const WORSE = /^(?:worse|weaker)$/;

const UP = /^(?:increas(?:e|es|ed|ing)|rais(?:e|es|ed|ing)|boost(?:s|ed|ing)?|higher|grow(?:s|n|th)?|doubl(?:e|es|ed|ing))$/;
const DOWN = /^(?:reduc(?:e|es|ed|ing|tion|tions)|decreas(?:e|es|ed|ing)|lower(?:s|ed|ing)?|cuts?|cutting|drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)|fewer|less|shrink(?:s|ing)?|shrunk)$/;
const GOOD = /^(?:improv(?:e|es|ed|ing|ement|ements)|enhanc(?:e|es|ed|ing|ement)|benefit(?:s|ed|ing)?|helps?|helped|gains?|strengthen(?:s|ed|ing)?)$/;
const BAD = /^(?:degrad(?:e|es|ed|ing|ation)|los(?:e|es|ing)|hurt(?:s|ing)?|harm(?:s|ed|ing)?|worsen(?:s|ed|ing)?|damag(?:e|es|ed|ing)|impair(?:s|ed|ing)?|deteriorat(?:e|es|ed|ing|ion))$/;
const BIG = /^(?:large|larger|big|huge|major|significant(?:ly)?|substantial(?:ly)?|dramatic(?:ally)?|drastic(?:ally)?|severe(?:ly)?|sharp(?:ly)?|considerabl[ey]|massive(?:ly)?|greatly|strongly)$/;
const SMALL = /^(?:modest(?:ly)?|slight(?:ly)?|small|minor|marginal(?:ly)?|little|negligibl[ey]|minimal(?:ly)?|tiny)$/;

const GENERAL = /^(?:generali[sz](?:e|es|ed|ing|ation)|transfer(?:s|red|ring|able|ability)?)$/;
/** "Only works with", "limited to", "specific to": what holds in one place and no further. */
const RESTRICTED_AFTER_ONLY = /^(?:works?|worked|working|appl(?:y|ies|ied)|holds?|held|functions?)$/;
const RESTRICTED = /^(?:limited|restricted|specific|tied|confined)$/;

const NEGATION = /^(?:not|n't|no|never|cannot|fails?|failed|without|neither|nor)$/;
/** Quantities more of which is better, and those less of which is: they turn "cuts" into a harm or a gain. */
const GOOD_QUANTITY = new Set(claimTerms('performance accuracy quality precision recall score robustness generalization scalability efficiency diversity throughput speed fidelity reward success capability understanding'));
const BAD_QUANTITY = new Set(claimTerms('latency error cost memory time perplexity hallucination overhead footprint compute computation bias noise redundancy'));

/** Words after which the object of a relation is over: a place, a manner, or a new clause. */
const OBJECT_END = new Set('on in at for across when while whereas despite by with without under from because although though but during and or which that where'.split(' '));
const CLAUSE_END = new Set(['which', 'that', 'while', 'whereas', 'but']);
/** Where a paper's change stops being about its object: "benefit tasks from the node level to the graph level". */
const WIDE_END = new Set([...CLAUSE_END, 'from', 'to']);
const SUBJECT_END = new Set('that which who while whereas but because although though when if where despite and'.split(' '));
const REACH = 5;
/** The longest aside between commas a subject is read across, and the longest relative clause. */
const ASIDE = 5;
/** How many content words of its clause a paper's change is read over. */
const WIDE_REACH = 8;
/** How far after a rank word its "in terms of" may stand. */
const TERMS_REACH = 8;
const LONG_ASIDE = 16;
const RELATIVE = /^(?:where|which|who|such|including|like|e\.g|i\.e|especially|namely)$/;
/** Words between a subject and its relation that say nothing of who ("continue to", "consistently"). */
const LINKING = /^(?:continues?|continued|still|also|even|consistently|clearly|significantly|further|generally|often|usually)$/;
/** Words between a rank word and the party it ranks against. */
const RANK_LEAD = /^(?:by|with|to|than|of|the|a|an|results?|performance|accuracy|scores?|behind)$/;
/** Words any party may have, which tell none apart. */
const GENERIC = new Set(claimTerms('model models method methods approach baseline baselines result performance task based'));

const cache = new Map<string, Stated[]>();

/** The relations a sentence states, each with the terms it is said of. */
export function relationsIn(text: string, inPaper = false): Stated[] {
  const key = `${inPaper ? 'p' : 'c'}${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const toks = tokens(text.replace(/\s*\([^()]{0,40}\)/g, ''));
  const lower = toks.map((t) => t.toLowerCase());
  const out: (Stated & { at: number })[] = [];
  const window = (from: number, step: 1 | -1, ends: Set<string>, reach = REACH) => {
    const taken: string[] = [];
    let words = 0;
    let aside = false;
    for (let j = from; j >= 0 && j < toks.length && words < reach; j += step) {
      const w = lower[j]!;
      // "The Tiny model, 83% smaller, matches", "T5-based LLMs, such as FLAN-T5, continue to outperform":
      // an aside right before the word (short, or a relative clause) is stepped over.
      const asideStart: number = step === -1 && w === '|' && words <= 1 && !aside ? lower.lastIndexOf('|', j - 1) : -1;
      if (asideStart >= 0 && (j - asideStart <= ASIDE || (j - asideStart <= LONG_ASIDE && RELATIVE.test(lower[asideStart + 1] ?? '')))) {
        [j, aside] = [asideStart, true];
        continue;
      }
      // "Combinations of captions and QA pairs beat …": a subject may be a list.
      if (w === '|' || (ends.has(w) && words > 0 && !(step === -1 && w === 'and'))) break;
      if (ends.has(w) || isStopword(w) || isRelationWord(w) || LINKING.test(w)) continue;
      taken.push(toks[j]!);
      words++;
    }
    // Figures are not coverage terms, but they tell parties apart: "twice its size" is not "the same size".
    return [...claimTerms(taken.join(' ')), ...statedNumbers(taken).map((n) => `#${n.value}${n.unit}`)];
  };
  const negatedAt = (i: number) => lower.slice(Math.max(0, i - 3), i).some((w, k, all) => NEGATION.test(w) && !(w === 'not' && all[k + 1] === 'only'));
  const sizeAt = (i: number): Stated['size'] => {
    // How much is said before the word ("a modest drop") or right after it ("losing a large amount").
    const near = [...lower.slice(Math.max(0, i - 3), i), ...lower.slice(i + 1, i + 3)].filter((w) => w !== '|');
    if (near.some((w) => SMALL.test(w)) || (near.includes('only') && !BIG.test(near[near.length - 1] ?? ''))) return 'small';
    return near.some((w) => BIG.test(w)) ? 'big' : undefined;
  };
  lower.forEach((w, i) => {
    const next = lower[i + 1] ?? '';
    let ranks: Rank[] | undefined;
    let kind: 'rank' | 'prefer' = 'rank';
    if (BEAT.test(w)) ranks = next === 'by' ? ['lose'] : ['beat'];
    // "Exact match" is a metric and "a matching number" a count, not a tie.
    else if (MATCH.test(w) && !/^(?:exact|a|an|the)$/.test(lower[i - 1] ?? '') && !(w === 'par' && lower[i - 1] !== 'on')) ranks = ['match'];
    else if (LOSE.test(w) || (w === 'short' && /^falls?|fell$/.test(lower[i - 1] ?? ''))) ranks = ['lose'];
    else if ((BETTER.test(w) || WORSE.test(w)) && lower.slice(i + 1, i + 4).some((u) => u === 'than' || u === 'to')) ranks = [BETTER.test(w) ? 'beat' : 'lose'];
    else if ((w === 'good' || w === 'well') && lower[i - 1] === 'as' && next === 'as') ranks = lower.slice(Math.max(0, i - 4), i).includes('least') ? ['beat', 'match'] : ['match'];
    // "Versatility rather than performance on a single task": the one put first is preferred.
    else if ((w === 'rather' && next === 'than') || (w === 'instead' && next === 'of')) [ranks, kind] = [['beat'], 'prefer'];
    // "Superior … in terms of quality and reliability": a win on a quantity is a change of it for the better.
    const terms = ranks && ranks.length === 1 && ranks[0] !== 'match' ? lower.indexOf('terms', i) : -1;
    if (terms > i && terms - i <= TERMS_REACH && lower[terms - 1] === 'in' && lower[terms + 1] === 'of') {
      const quantity = window(terms + 2, 1, WIDE_END, WIDE_REACH);
      const sign = ranks![0] === 'beat' ? 1 : -1;
      out.push({ kind: 'change', ranks: new Set(), sign, family: 'value', object: quantity, subject: window(i - 1, -1, SUBJECT_END), word: w, at: i });
      for (const object of conjunctsAfter(toks, lower, terms + 1)) out.push({ kind: 'change', ranks: new Set(), sign, family: 'value', object, subject: [], word: w, at: i });
    }
    if (ranks) {
      // "Does not outperform" allows a tie or a loss; "fails to match" a loss.
      if (negatedAt(i)) ranks = (['beat', 'match', 'lose'] as Rank[]).filter((r) => !ranks!.includes(r) && !(ranks!.includes('match') && r === 'beat'));
      // "Competitive results with X", "match the performance of X": X is what it is ranked against.
      let objectFrom = i + 1;
      while (RANK_LEAD.test(lower[objectFrom] ?? '')) objectFrom++;
      // "Instead of X, we do Y": what is preferred follows the comma.
      const leading = kind === 'prefer' && lower.slice(0, i).every((u) => u === '|' || isStopword(u));
      const after = lower.indexOf('|', i);
      const subject = leading && after > 0 ? window(after + 1, 1, CLAUSE_END) : window(i - 1, -1, SUBJECT_END);
      out.push({ kind, ranks: new Set(ranks), sign: 0, family: 'value', object: window(objectFrom, 1, OBJECT_END), subject, word: w, at: i });
      return;
    }
    // "Worse" with no "than" judges what it is said of, as "hurts" does.
    const judged = WORSE.test(w) || BAD.test(w);
    const change = UP.test(w) ? (['dir', 1] as const) : DOWN.test(w) ? (['dir', -1] as const) : GOOD.test(w) ? (['value', 1] as const) : judged ? (['value', -1] as const) : undefined;
    // A negated change ("without hurting accuracy") says it stays, which is neither way.
    if (change && !negatedAt(i)) {
      const from = /^(?:in|of|on)$/.test(next) ? i + 2 : i + 1;
      // The paper's change is read to its clause's end ("a higher correlation with A and with B"), the claim's to its object's.
      const object = inPaper ? window(from, 1, WIDE_END, WIDE_REACH) : window(from, 1, OBJECT_END);
      const subject = window(i - 1, -1, SUBJECT_END);
      out.push({ kind: 'change', ranks: new Set(), sign: change[1], family: change[0], size: sizeAt(i), object: object.length > 0 ? object : subject, subject, word: w, at: i });
      return;
    }
    const restricted = (w === 'only' && RESTRICTED_AFTER_ONLY.test(next)) || (RESTRICTED.test(w) && (next === 'to' || next === 'with'));
    const general = GENERAL.test(w);
    if (restricted || general) {
      const sign = (general ? 1 : -1) * (negatedAt(i) ? -1 : 1);
      out.push({ kind: 'reach', ranks: new Set(), sign, family: 'value', object: window(i + 1, 1, new Set()), subject: window(i - 1, -1, SUBJECT_END), word: w, at: i });
    }
  });
  // "Outperform or match", "comparable or better": one relation allowing both.
  const merged = out.filter((r, k) => {
    const prev = out[k - 1];
    if (r.kind !== 'rank' || prev?.kind !== 'rank' || r.at - prev.at > 3 || !lower.slice(prev.at + 1, r.at).includes('or')) return true;
    for (const x of r.ranks) prev.ranks.add(x);
    prev.object = r.object.length > 0 ? r.object : prev.object;
    return false;
  });
  // "Improves A and B": each conjunct is an object of its own.
  const expanded = merged.flatMap((r) => {
    const conjuncts = conjunctsAfter(toks, lower, r.at);
    return [r, ...conjuncts.map((object) => ({ ...r, object }))];
  });
  if (cache.size > 5000) cache.clear();
  cache.set(key, expanded);
  return expanded;
}

/** The noun phrases joined by "and" after a relation word's first object, up to the clause's end. */
function conjunctsAfter(toks: string[], lower: string[], at: number): string[][] {
  const out: string[][] = [];
  let j = at + 1;
  // Only a list that continues the object itself: "improves A and B", not "improves A on C and D".
  for (let words = 0; j < toks.length && lower[j] !== 'and'; j++) {
    if (lower[j] === '|' || (OBJECT_END.has(lower[j]!) && words > 0)) return out;
    if (!isStopword(lower[j]!)) words++;
  }
  while (lower[j] === 'and') {
    const taken: string[] = [];
    let k = j + 1;
    for (; k < toks.length && taken.length < REACH && lower[k] !== '|' && lower[k] !== 'and' && !(OBJECT_END.has(lower[k]!) && taken.length > 0); k++) {
      // "Beats A and is as good as B": a verb or a relation starts a clause of its own.
      if (isRelationWord(lower[k]!) || CLAUSE_VERB.test(lower[k]!)) return out;
      if (!isStopword(lower[k]!)) taken.push(toks[k]!);
    }
    if (taken.length > 0) out.push(claimTerms(taken.join(' ')));
    j = k;
  }
  return out;
}

function isRelationWord(w: string): boolean {
  return BEAT.test(w) || MATCH.test(w) || LOSE.test(w) || BETTER.test(w) || WORSE.test(w) || UP.test(w) || DOWN.test(w) || GOOD.test(w) || BAD.test(w) || GENERAL.test(w);
}

const CLAUSE_VERB = /^(?:is|are|was|were|be|been|has|have|had|does|do|did|as|than)$/;

const shared = (a: string[], b: string[]) => new Set(a.filter((t) => b.includes(t))).size;

/** The sign of a change judged good or bad, when its quantity says which way is better. */
function valueOf(r: Stated, quantity: string[]): number | undefined {
  if (r.family === 'value') return r.sign;
  if (quantity.some((t) => GOOD_QUANTITY.has(t))) return r.sign;
  if (quantity.some((t) => BAD_QUANTITY.has(t))) return -r.sign;
  return undefined;
}

/** Why a claim's relation and the paper's relation about the same thing cannot both hold, if they cannot. */
function conflict(mine: Stated, theirs: Stated): string | undefined {
  if (mine.kind === 'rank' || mine.kind === 'prefer') return [...theirs.ranks].every((r) => mine.ranks.has(r)) ? undefined : `"${mine.word}" where the paper's "${theirs.word}" says ${[...theirs.ranks].join(' or ')}`;
  if (mine.kind === 'reach') return mine.sign === theirs.sign ? undefined : `"${mine.word}" where the paper says "${theirs.word}"`;
  const quantity = mine.object.filter((t) => theirs.object.includes(t));
  const [a, b] = mine.family === theirs.family ? [mine.sign, theirs.sign] : [valueOf(mine, quantity), valueOf(theirs, quantity)];
  if (a !== undefined && b !== undefined && a !== b) return `"${mine.word}" where the paper says "${theirs.word}"`;
  if (mine.size && theirs.size && mine.size !== theirs.size && (a === undefined || a === b)) return `a ${mine.size} "${mine.word}" where the paper's is ${theirs.size}`;
  return undefined;
}

/**
 * The first relation of the claim that the paper states otherwise about the same thing: of the
 * paper's relations of the same kind, those whose object (and then subject) shares most with the
 * claim's decide, and the claim stands if any of them agrees. With nothing alike in the paper,
 * there is no evidence against it.
 *
 * @example
 * relationAgainst('Mamba-3B beats Transformers twice its size.', ['Mamba-3B outperforms Transformers of the same size and matches Transformers twice its size.']);
 * // '"beats" where the paper says "matches"'
 */
export function relationAgainst(claim: string, paper: string[]): string | undefined {
  const theirs = paper.flatMap((s) => relationsIn(s, true).map((r) => ({ r, terms: claimTerms(s) })));
  const claimTermsAll = claimTerms(claim);
  for (const mine of relationsIn(claim)) {
    let best: { score: number; agrees: boolean; reason?: string } | undefined;
    for (const { r, terms } of theirs) {
      if (r.kind !== mine.kind) continue;
      const aligned = alignment(mine, r, claimTermsAll, terms);
      if (!aligned) continue;
      const reason = conflict(aligned.mine, r) && (aligned.mine === mine ? conflict(mine, r) : `"${mine.word}" with its parties the other way round from the paper's "${r.word}"`);
      if (!best || aligned.score > best.score) best = { score: aligned.score, agrees: !reason, reason };
      else if (aligned.score === best.score && !reason) best.agrees = true;
    }
    if (best && !best.agrees) return best.reason;
  }
  return undefined;
}

/**
 * How well a paper's relation is about what the claim's is, or undefined when it is not: how far a
 * finding reaches is read over its whole sentence, a change over its object, a rank over both its
 * parties, either way round ("A lags behind B" is the paper's "B outperforms A").
 */
function alignment(mine: Stated, theirs: Stated, claimTermsAll: string[], sentenceTerms: string[]): { score: number; mine: Stated } | undefined {
  if (mine.kind === 'reach') {
    const score = shared(claimTermsAll, sentenceTerms);
    return score >= MIN_SHARED_REACH ? { score, mine } : undefined;
  }
  if (mine.kind === 'change') {
    // The word right after a change ("less diverse") is what it changes, more than the words after it.
    const head = mine.object[0] !== undefined && theirs.object.includes(mine.object[0]) && !GENERIC.has(mine.object[0]) ? 1 : 0;
    // "Tasks" or "models" alone say nothing of what changes; a quantity ("performance") does.
    const object = shared(mine.object.filter((t) => !GENERIC.has(t) || GOOD_QUANTITY.has(t)), theirs.object);
    const score = 2 * object + shared(mine.subject, theirs.subject) + head;
    return object >= 1 && score >= MIN_SCORE ? { score, mine } : undefined;
  }
  const specific = (terms: string[]) => terms.filter((t) => !GENERIC.has(t));
  const [so, ss, mo, ms] = [specific(theirs.object), specific(theirs.subject), specific(mine.object), specific(mine.subject)];
  const straight = 2 * shared(mo, so) + shared(ms, ss);
  const crossed = 2 * shared(ms, so) + shared(mo, ss);
  if (crossed > straight && shared(ms, so) >= 1 && shared(mo, ss) >= 1) {
    const flipped = new Set([...mine.ranks].map((r) => (r === 'beat' ? 'lose' : r === 'lose' ? 'beat' : r)));
    return { score: crossed, mine: { ...mine, ranks: flipped } };
  }
  return shared(mo, so) >= 1 && straight >= MIN_SCORE ? { score: straight, mine } : undefined;
}

/** How much a paper's relation must share with the claim's to be about the same thing. */
const MIN_SCORE = 2;
const MIN_SHARED_REACH = 3;
