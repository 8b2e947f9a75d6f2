import { claimTerms, isName, NAME_SUFFIX, nameKey, tokens } from '../../text/claim-terms.ts';
import { isStopword } from '../../text/tokenize.ts';

/**
 * Who beats whom. "A outperforms B" and "B outperforms A" share every word, so coverage and
 * scale checks pass a reversed comparison; the parties around the comparison word tell them apart.
 * A paper speaks of itself as "it", "we" or "our model" where an answer names it ("EVE"), so both
 * stand for one party, `SELF`.
 */

/** The party a paper's own method is: its pronouns in the paper, its names in an answer. */
const SELF = '@self';
/** How many content words either side of the comparison word name its two parties. */
const ROLE_REACH = 6;

/** Words that end the party before a comparison word (a new clause starts there). */
const LEFT_END = new Set('that which who while whereas but because although though when if where despite'.split(' '));
/** Words that end the party after a comparison word: what follows says where or by how much. */
const RIGHT_END = new Set('on in at for across when while whereas despite by with without under from because although though but whereas during'.split(' '));
/** A comma clause starting with one of these names members of the party before it ("LLMs, such as VICUNA,"). */
const APPOSITIVE = new Set(['such', 'including', 'like', 'e.g', 'especially', 'namely', 'i.e']);
const SELF_PRONOUNS = new Set(['it', 'we', 'our', 'ours', 'proposed']);

interface Party {
  terms: Set<string>;
  /** Its names (and SELF), which say who it is better than its other words do. */
  names: Set<string>;
  /** The words of those names, which say nothing of what is compared. */
  nameTerms: string[];
}

interface Comparison {
  /** "outperform", "than:<adjective>", or "*" for "compared to", which matches either. */
  kind: string;
  left: Party;
  right: Party;
  /** What is compared ("simplicity score", "meaning preservation"). */
  topic: Set<string>;
  /** Said with a hedge: "comes close to outperforming", "barely outperformed". */
  hedged: boolean;
}

/** Name keys a paper goes by: names in its title and the names it says it proposes ("we present EVE"). */
export function selfNames(title: string, abstract: string): Set<string> {
  const names = new Set<string>();
  for (const t of tokens(title)) if (isName(t, true)) names.add(nameKey(t));
  const toks = tokens(abstract);
  toks.forEach((t, i) => {
    if (!/^(?:propose|proposes|proposed|present|presents|introduce|introduces|call|called|named|dubbed|launch|term)$/i.test(t)) return;
    const name = toks.slice(i + 1, i + 7).find((w) => isName(w, false));
    if (name) names.add(nameKey(name));
  });
  return names;
}

const cache = new Map<string, Comparison[]>();

function comparisonsIn(text: string, self: Set<string>, inPaper: boolean): Comparison[] {
  const key = `${inPaper ? 'p' : 'c'}${[...self].join(',')}\n${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // Short asides in brackets ("(LLM)") would end a party early.
  const toks = tokens(text.replace(/\s*\([^()]{0,40}\)/g, ''));
  const lower = toks.map((t) => t.toLowerCase());
  const canon = toks.map((t) => claimTerms(t)[0]);
  const out: Comparison[] = [];
  const party = (from: number, step: 1 | -1): Party => {
    const taken: number[] = [];
    let crossOnce = false;
    let words = 0;
    for (let j = from; j >= 0 && j < toks.length && words < ROLE_REACH; j += step) {
      if (lower[j] === '|') {
        // A comma right by the comparison word ("surpassing smaller, encoder-based models") does not end its party.
        if (words < 2 || (step === 1 ? APPOSITIVE.has(lower[j + 1] ?? '') : crossOnce || appositiveBefore(lower, j))) {
          crossOnce = step === -1 && !crossOnce;
          continue;
        }
        break;
      }
      if ((step === 1 ? RIGHT_END : LEFT_END).has(lower[j]!) && taken.length > 0) break;
      // Adverbs ("significantly", "consistently") say how much, not who.
      if (ADVERB.test(lower[j]!) && !NOT_ADVERB.has(lower[j]!)) continue;
      taken.push(j);
      if (!isStopword(lower[j]!)) words++;
    }
    const terms = new Set<string>();
    const names = new Set<string>();
    const nameTerms: string[] = [];
    for (const j of taken) {
      const t = toks[j]!;
      const name = isName(t, j === 0 || lower[j - 1] === '|');
      if (name) nameTerms.push(...claimTerms(t));
      const key = nameKey(t).replace(NAME_SUFFIX, '');
      if (
        (inPaper ? SELF_PRONOUNS : CLAIM_SELF).has(lower[j]!) ||
        (name && self.has(key)) ||
        (!inPaper && (lower[j] === 'this' || lower[j] === 'the') && [lower[j + 1], lower[j + 2]].some((w) => /^(?:method|approach|model|framework|system)s?$/.test(w ?? '')))
      ) {
        terms.add(SELF);
        names.add(SELF);
      } else if (name) names.add(key);
      for (const c of claimTerms(t)) if (!COMPARATIVE.has(c) && !GENERIC.has(c)) terms.add(c);
    }
    return { terms, names, nameTerms };
  };
  /** What is compared: the parties' words other than their names ("a better fluency score over B"). */
  const topicOf = (parties: Party[]): Set<string> => {
    const own = new Set(parties.flatMap((p) => p.nameTerms));
    return new Set(parties.flatMap((p) => [...p.terms]).filter((t) => !own.has(t) && t !== SELF));
  };
  // "Our approach outperforms" names the method; "approaches the baseline" comes close to it.
  const hedgedAt = (i: number) => lower.slice(Math.max(0, i - 3), i).some((w, k, near) => HEDGES.has(w) && !(/^approach(?:es)?$/.test(w) && DETERMINER.test(near[k - 1] ?? lower[i - 4] ?? '')));
  toks.forEach((_t, i) => {
    let kind: string | undefined;
    let flip = false;
    if (canon[i] === 'outperform') kind = 'outperform';
    else if (canon[i] === 'underperform') [kind, flip] = ['outperform', true];
    else if (lower[i] === 'advantage' && lower[i + 1] === 'over') kind = 'outperform';
    else if (lower[i] === 'than') {
      // "better scalability than": the comparative word may stand a few words before.
      const near = canon.slice(Math.max(0, i - 3), i);
      const before = near.find((c) => c === 'outperform' || c === 'underperform') ?? canon[i - 1] ?? '';
      kind = before === 'outperform' || before === 'underperform' ? 'outperform' : `than:${before}`;
      flip = before === 'underperform';
    } else if (lower[i] === 'over' && canon.slice(Math.max(0, i - 4), i).includes('outperform')) kind = 'outperform';
    else if (lower[i] === 'compared' && (lower[i + 1] === 'to' || lower[i + 1] === 'with')) {
      // "underperform compared to B" is read at "underperform".
      if (canon.slice(Math.max(0, i - 2), i).some((c) => c === 'outperform' || c === 'underperform')) return;
      const right = party(i + 2, 1);
      const clauseStart = i === 0 || lower[i - 1] === '|';
      const end = toks.indexOf('|', i + 2);
      const left = clauseStart && end > 0 ? party(end + 1, 1) : party(i - 1, -1);
      out.push(distinct({ kind: '*', left, right, topic: topicOf([left, right]), hedged: hedgedAt(i) }));
      return;
    }
    // "a better score over B", "better than B": the comparison is read at "over" or "than".
    if (!kind || (canon[i] === 'outperform' && lower.slice(i + 1, i + 5).some((w) => w === 'than' || w === 'over'))) return;
    // "is outperformed by B": B is the one that wins.
    const passive = lower[i + 1] === 'by';
    const right = party(i + (passive ? 2 : 1), 1);
    const left = party(i - 1, -1);
    // "We surpass A, and come close to outperforming B": the paper's "we" is the subject of both.
    if (inPaper && left.names.size === 0 && lower.slice(0, i).some((w) => w === 'we' || w === 'it')) [left.names, left.terms].forEach((p) => p.add(SELF));
    out.push(distinct({ kind, ...(flip !== passive ? { left: right, right: left } : { left, right }), topic: topicOf([left, right]), hedged: hedgedAt(i) }));
  });
  if (cache.size > 5000) cache.clear();
  cache.set(key, out);
  return out;
}

/** Whether the comma clause ending just before `bar` is an appositive ("…, such as FLAN-T5, …"). */
function appositiveBefore(lower: string[], bar: number): boolean {
  let start = bar - 1;
  while (start > 0 && lower[start - 1] !== '|') start--;
  return APPOSITIVE.has(lower[start] ?? '');
}

const CLAIM_SELF = new Set(['it', 'they']);
/** Words that make a comparison fall short of a win. */
const HEDGES = new Set(['close', 'closely', 'nearly', 'almost', 'approach', 'approaching', 'approaches', 'barely', 'marginally']);
const ADVERB = /^[a-z]{3,}ly$/;
const DETERMINER = /^(?:our|the|this|that|an?|their|its|proposed|new)$/;
const NOT_ADVERB = new Set(['early', 'family', 'apply', 'rely', 'supply', 'reply', 'assembly', 'anomaly', 'italy']);
const COMPARATIVE = new Set(['outperform', 'underperform', 'than', 'advantage', 'compar']);
/** Words any party may have ("models", "methods"), which tell none apart. */
const GENERIC = new Set(['model', 'method', 'task', 'dataset', 'performance', 'result']);

/** A word on both sides ("models … models") names neither party. */
function distinct(c: Comparison): Comparison {
  for (const key of ['terms', 'names'] as const) {
    for (const w of [...c.left[key]]) if (c.right[key].has(w)) [c.left[key], c.right[key]].forEach((s) => s.delete(w));
  }
  return c;
}

const common = (a: Set<string>, b: Set<string>) => [...a].filter((w) => b.has(w)).length;

type Alignment = 'same' | 'swapped' | undefined;

function align(mine: Comparison, other: Comparison): Alignment {
  if (mine.kind !== other.kind && mine.kind !== '*' && other.kind !== '*') return undefined;
  // Parties are told apart by their names when all four have one, else by all their words.
  const named = [mine.left, mine.right, other.left, other.right].every((p) => p.names.size > 0);
  const key = named ? 'names' : 'terms';
  const crossed = [common(mine.left[key], other.right[key]), common(mine.right[key], other.left[key])] as const;
  const same = [common(mine.left[key], other.left[key]), common(mine.right[key], other.right[key])] as const;
  if (crossed.every((n) => n > 0) && crossed[0] + crossed[1] > same[0] + same[1]) return 'swapped';
  if (same.every((n) => n > 0) && same[0] + same[1] > crossed[0] + crossed[1]) return 'same';
  return undefined;
}

/**
 * How the claim's comparison stands against the paper's: `reversed` when the paper's comparison of
 * the same parties about the same thing goes the other way, `overstated` when the paper only comes
 * close ("comes close to outperforming", "barely outperformed") and the claim says it plainly.
 *
 * @example
 * comparisonAgainst('Fuyu-8B outperforms EVE.', ['It significantly outperforms Fuyu-8B.'], new Set(['eve'])); // 'reversed'
 */
export function comparisonAgainst(claim: string, paper: string[], self: Set<string>): 'reversed' | 'overstated' | undefined {
  const mine = comparisonsIn(claim, self, false);
  if (mine.length === 0) return undefined;
  const theirs = paper.flatMap((s) => comparisonsIn(s, self, true));
  for (const m of mine) {
    // Of the paper's comparisons of the same parties, the one about the claim's topic decides, by
    // the words that set their topics apart ("fluency" or "faithfulness", not "human evaluation").
    const aligned = theirs.flatMap((t) => {
      const alignment = align(m, t);
      return alignment ? [{ alignment, topic: t.topic, hedged: t.hedged }] : [];
    });
    const everywhere = (w: string) => aligned.every((a) => a.topic.has(w));
    let best: { alignment: Alignment; topic: number; hedged: boolean } | undefined;
    for (const { alignment, topic, hedged } of aligned) {
      const overlap = [...m.topic].filter((w) => topic.has(w) && !everywhere(w)).length;
      if (!best || overlap > best.topic || (overlap === best.topic && alignment === 'same' && (best.alignment !== 'same' || !hedged))) best = { alignment, topic: overlap, hedged };
    }
    if (best?.alignment === 'swapped') return 'reversed';
    if (best?.hedged && !m.hedged) return 'overstated';
  }
  return undefined;
}
