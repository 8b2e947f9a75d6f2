import { claimTerms, isName, NAME_SUFFIX, nameFigure, nameKey, paperTerms, roundsTo, statedNumbers, tokens, type StatedNumber } from '../text/claim-terms.ts';
import { splitSentences } from '../text/sentences.ts';
import { contentTerms, isStopword, stem } from '../text/tokenize.ts';
import { citedNumbers, withoutMarkers } from './citation-markers.ts';
import { readerDirected } from './claim-checks/reader-directed.ts';
import { comparisonAgainst, selfNames } from './claim-checks/comparison-roles.ts';
import { figureGivenAnother, ownerOf, pairedFigures } from './claim-checks/paired-figures.ts';
import { acronymsOf, suffixVariant, swappedLetters } from './claim-checks/term-forms.ts';
import { reversedDirection, saidOfOtherEnd, swappedParty } from './claim-checks/bound-pairs.ts';
import { otherStage } from './claim-checks/stages.ts';
import { siblingSwap, swappedForSibling, termSiblings } from './claim-checks/sibling-swap.ts';
import { wrongArgument } from './claim-checks/wrong-argument.ts';
import { crossedRoles, wrongMember, wrongSubject } from './claim-checks/crossed-roles.ts';
import { relationAgainst } from './claim-checks/relation-words.ts';
import { saidOfPriorWork } from './claim-checks/prior-work.ts';
import { unstatedReason } from './claim-checks/stated-reason.ts';
import { reversedSteps } from './claim-checks/step-order.ts';
import { notSaidOfEach } from './claim-checks/said-of-each.ts';
import { swappedRoles } from './claim-checks/swapped-roles.ts';

/** A numbered source as the answer cites it. */
export interface ClaimSource {
  n: number;
  title: string;
  abstract: string;
}

/**
 * `supported` and `framing` (an uncited sentence that claims nothing) are kept; the rest are not.
 * `miscited`: another listed source supports it; `partial`: part of it is supported.
 */
export type ClaimVerdict = 'supported' | 'framing' | 'unsupported' | 'partial' | 'miscited' | 'invalid-citation' | 'injected';

export interface CheckedClaim {
  verdict: ClaimVerdict;
  kept: boolean;
  /** What failed, for logs: "number 4.41", "name GRVQ", "coverage 0.42", "link", … */
  reason?: string;
  /** For kept cited sentences: the sentence of each cited paper that best supports the claim. */
  quotes: { n: number; sentence: string }[];
}

export interface ClaimCheckOptions {
  /** The question, whose words an answer may restate without the paper having them. */
  question?: string;
  /** Share of the claim's content terms the cited sentences must cover. */
  minCoverage?: number;
  /** Share of each clause's content terms one cited sentence must cover. */
  minClauseCoverage?: number;
}

/**
 * Claim-check tuning, fitted on our own labelled set (eval/grounding-train.jsonl, 230 items): a 5-fold
 * cross-validation over its items (each fold's floors chosen on the other four by supported kept minus
 * not supported shown; `npm run eval -- --grounding eval/grounding-train.jsonl --folds 5`) picks a
 * whole-claim floor of 0.6 in four folds (0.7 in one) and a per-clause floor of 0.45 in all five (out of
 * fold: kept 0.964, shown 0.113).
 */
export const CLAIM_CHECK_DEFAULTS = { minCoverage: 0.6, minClauseCoverage: 0.45, questionTermCredit: 0.5, maxFramingTerms: 2 } as const;

interface IndexedSentence {
  text: string;
  toks: string[];
  terms: Set<string>;
  absolutes: string[];
  /** The paper's title, which answers repeat as a name. */
  title: boolean;
}

interface IndexedSource {
  n: number;
  text: string;
  sentences: IndexedSentence[];
  names: Set<string>;
  terms: Set<string>;
  /** Name keys the paper goes by (its title's names, what it says it proposes). */
  self: Set<string>;
}

/**
 * Checks answer sentences against the papers they cite, without a model. A cited sentence is kept
 * only when every number it states (with its unit) is in the cited paper and bound to the same
 * names there, every name it uses is in the paper, its absolutes ("every", "first", "proves") are
 * the paper's too, and one or two of the paper's sentences cover most of its content terms.
 * Instructions to the reader, and links or mentions the paper does not contain, never pass.
 *
 * @example
 * const check = createClaimChecker([{ n: 1, title, abstract }], { question });
 * check('HiFi-Codec needs only 4 codebooks [1].'); // { verdict: 'supported', kept: true, quotes: [...] }
 */
export function createClaimChecker(
  sources: ClaimSource[],
  {
    question = '',
    minCoverage = CLAIM_CHECK_DEFAULTS.minCoverage,
    minClauseCoverage = CLAIM_CHECK_DEFAULTS.minClauseCoverage,
  }: ClaimCheckOptions = {},
) {
  const indexed = new Map(sources.map((s) => [s.n, indexSource(s)]));
  const questionTerms = new Set(claimTerms(question));
  const vocabulary = new Set([...indexed.values()].flatMap((s) => [...s.terms]));

  return function checkClaim(sentence: string): CheckedClaim {
    const cites = citedNumbers(sentence);
    const body = withoutMarkers(sentence);
    const cited = cites.map((n) => indexed.get(n));
    const citedText = cited.map((s) => s?.text ?? '').join('\n');
    const directed = readerDirected(body, citedText);
    if (directed) return reject('injected', directed);
    if (cited.some((s) => s === undefined)) return reject('invalid-citation', `cites [${cites.filter((n) => !indexed.has(n)).join('], [')}]`);
    const claim = inVocabulary(analyse(body), vocabulary);
    if (cites.length === 0) {
      // Framing counts sources ("2 papers speak to this") but states no figure or name of its own.
      const figures = /\d/.test(body.replace(/\b\d+ (?:papers?|sources?|studies|works)\b/gi, ''));
      const framing = !figures && claim.names.length === 0 && [...claim.terms].filter((t) => !questionTerms.has(t)).length <= CLAIM_CHECK_DEFAULTS.maxFramingTerms;
      return framing ? { verdict: 'framing', kept: true, quotes: [] } : reject('unsupported', 'claim without a citation');
    }
    const support = supportIn(claim, cited as IndexedSource[]);
    if (support.ok) return { verdict: 'supported', kept: true, quotes: support.quotes };
    const elsewhere = [...indexed.values()].filter((s) => !cites.includes(s.n)).some((s) => supportIn(claim, [s]).ok);
    if (elsewhere) return reject('miscited', support.reason);
    return reject(support.partlyOk ? 'partial' : 'unsupported', support.reason);
  };

  function supportIn(claim: Claim, cited: IndexedSource[]): { ok: boolean; partlyOk: boolean; reason?: string; quotes: { n: number; sentence: string }[] } {
    const sentences = cited.flatMap((s) => s.sentences.map((sentence) => ({ n: s.n, sentence })));
    const siblings = termSiblings(sentences.map(({ sentence }) => sentence.text), paperTerms);
    const problems: string[] = [];
    const paperToks = sentences.map(({ sentence }) => sentence.toks);
    // A figure the cited paper's title is named by ("4M") is a name, not a measure.
    const titled = new Set(sentences.flatMap(({ sentence }) => (sentence.title ? sentence.toks.filter((t) => t.startsWith('#')) : [])));
    // So is the size a name carries ("Mamba-3B"), stated of that name ("the 3B Mamba model").
    const sized = sentences.flatMap(({ sentence }) => sentence.toks.map(nameFigure).filter((f) => f !== undefined));
    const claimKeys = new Set(claim.toks.map(nameKey));
    for (const x of claim.numbers) {
      if (titled.has(claim.toks[x.at]!) || sized.some((f) => f.figure === claim.toks[x.at] && claimKeys.has(f.name))) continue;
      const holders = sentences.filter(({ sentence }) => statedNumbers(sentence.toks).some((y) => sameNumber(x, y)));
      if (holders.length === 0) problems.push(`number ${x.value}${x.unit}`);
      else if (!holders.some(({ sentence }) => measuresAlike(claim, x, sentence))) problems.push(`number ${x.value}${x.unit} measures something else`);
      else if (!holders.some(({ sentence }) => boundAlike(claim, x, sentence)) || figureGivenAnother(claim.toks, x.at, paperToks)) problems.push(`number ${x.value}${x.unit} belongs to something else`);
    }
    for (const name of claim.names) if (!cited.some((s) => hasName(s, name) || (claim.joined.get(name) ?? []).some((k) => s.names.has(k)))) problems.push(`name ${name}`);
    for (const kind of claim.kinds) if (!cited.some((s) => s.names.has(kind))) problems.push(`name ${kind}`);
    const { coverage, clause, best, second } = bestCover(claim, sentences);
    if (coverage < minCoverage) problems.push(`coverage ${coverage.toFixed(2)}`);
    // "The encoder is the bottleneck" where the sentence saying the rest says the decoder is.
    const swap = best && coverage >= minCoverage && swappedForSibling(claim.terms, best.terms, siblings);
    if (swap) problems.push(`"${swap[0]}" where the paper says "${swap[1]}"`);
    // "Both", "each" and "all" over several citations say it of every one of them.
    if (cited.length > 1 && EVERY_SOURCE.test(claim.text)) {
      for (const s of cited) {
        const own = bestCover(claim, sentences.filter(({ n }) => n === s.n)).coverage;
        if (own < minCoverage) problems.push(`coverage ${own.toFixed(2)} by [${s.n}] alone`);
      }
      const named = new Set(claim.toks.filter((t, i) => isName(t, i === 0)).flatMap((t) => claimTerms(t).map(claim.fold)));
      const lacking = notSaidOfEach(claim.terms, cited, named);
      if (lacking) problems.push(`[${lacking[0]}] lacks "${lacking[1].join('", "')}", said of every source`);
    }
    else if (clause < minClauseCoverage) problems.push(`clause coverage ${clause.toFixed(2)}`);
    const paperSentences = sentences.map(({ sentence }) => sentence);
    if (best && (reversed(claim, best, paperSentences) || negatedClause(claim, paperSentences) || onlyNegated(claim, paperSentences))) problems.push('negation reversed');
    const setAside = setAsideAffirmed(claim, paperSentences);
    if (setAside) problems.push(`sets aside "${setAside}", which the paper says it does`);
    // A comparison is read wherever the paper makes it, not only in the best-covering sentence.
    for (const s of cited) {
      const comparison = comparisonAgainst(claim.text, s.sentences.map((x) => x.text), s.self);
      if (comparison) problems.push(`comparison ${comparison}`);
      const prior = saidOfPriorWork(claim.text, s.sentences.map((x) => x.text), s.self);
      if (prior) problems.push(`the paper says "${prior.join('", "')}" of earlier work`);
    }
    const relation = relationAgainst(claim.text, sentences.map(({ sentence }) => sentence.text));
    if (relation) problems.push(`relation ${relation}`);
    const swapped = swappedParty(claim.toks, sentences.map(({ sentence }) => sentence.toks));
    if (swapped) problems.push(`"${swapped[0]}" is said of ${swapped[2]}, not ${swapped[1]}`);
    const crossed = crossedRoles(claim.text, sentences.map(({ sentence }) => sentence.text), (t) => knownTerm(t, vocabulary));
    if (crossed) problems.push(`roles crossed: the paper says ${crossed[0]} with ${crossed[3]} and ${crossed[2]} with ${crossed[1]}`);
    const member = wrongMember(claim.text, sentences.map(({ sentence }) => sentence.text), (t) => knownTerm(t, vocabulary));
    if (member) problems.push(`wrong member: "${member[0]}" where the paper says "${member[1]}"`);
    const actor = wrongSubject(claim.text, sentences.map(({ sentence }) => sentence.text), (t) => knownTerm(t, vocabulary));
    if (actor) problems.push(`wrong subject: "${actor[0]}" where the paper says "${actor[1]}"`);
    const argument = wrongArgument(claim.text, sentences.map(({ sentence }) => sentence.text), claim.fold);
    if (argument) problems.push(`"${argument[0]}" ${argument[1]} where the paper has "${argument[0]}" ${argument[2]}`);
    const reason = unstatedReason(claim.text, cited.map((s) => s.sentences.map((x) => x.text)), claim.fold);
    if (reason) problems.push(`"${reason}" is not what the paper gives it for`);
    const steps = reversedSteps(claim.text, cited.map((s) => s.sentences.filter((x) => !x.title).map((x) => x.text)), claim.fold);
    if (steps) problems.push(`steps in the wrong order: the paper tells "${steps[1]}" before "${steps[0]}"`);
    const roles = swappedRoles(claim.text, sentences.map(({ sentence }) => sentence.text), claim.fold);
    if (roles) problems.push(`roles swapped: the paper says "${roles[2]}" with ${roles[1]} and "${roles[3]}" with ${roles[0]}`);
    const sibling = siblingSwap(claim.toks, sentences.map(({ sentence }) => sentence.toks));
    if (sibling) problems.push(`"${sibling[0]}" is said of ${sibling[2]}, not ${sibling[1]}`);
    const direction = reversedDirection(claim.toks, sentences.map(({ sentence }) => sentence.toks));
    if (direction) problems.push(`from ${direction[0]} to ${direction[1]}, where the paper goes the other way`);
    const opposite = best && oppositeOf(claim, best);
    if (opposite) problems.push(`says "${opposite[0]}" where the paper says "${opposite[1]}"`);
    // A scope word ("every", "always") must scope the claim's matter: be in a sentence covering much of
    // the claim, or in the title it names the paper by. Other strong words ("first", "best") are
    // facts about the paper it may state anywhere.
    const near = sentences.filter(({ sentence }) => sentence === best || sentence.title || shareOf(claim, sentence) >= ABSOLUTE_COVER);
    // A claim joining two sentences of the paper may take its scope word from either.
    const scoped = new Set([...near.map(({ sentence }) => sentence), ...(second ? [second] : [])].flatMap((sentence) => sentence.absolutes));
    const stage = otherStage(claim.text, near.filter(({ sentence }) => !sentence.title).map(({ sentence }) => sentence.text));
    if (stage) problems.push(`stage "${stage[0]}" where the paper says "${stage[1]}"`);
    const citedTerms = new Set(cited.flatMap((s) => [...s.terms]));
    const added = addedDetail(claim.text, (t) => citedTerms.has(t) || questionTerms.has(t), claim.fold);
    if (added) problems.push(`detail "${added}" is not in the paper`);
    const paperWords = new Set(sentences.flatMap(({ sentence }) => sentence.toks.map((t) => t.toLowerCase())));
    for (const a of claim.absolutes) if (!(SCOPE_WORDS.has(a) ? scoped : citedTerms).has(a) && !(a === 'only' && onlyOneEnd(claim.toks, paperWords))) problems.push(`absolute "${a}"`);
    const crowned = superlativeOwner(claim, sentences.map(({ sentence }) => sentence));
    if (crowned) problems.push(`"${crowned}" is said of another`);
    if (best && overstatesHedge(claim, best)) problems.push('hedge dropped');
    const equal = belowEqual(claim.text, sentences.map(({ sentence }) => sentence.text));
    if (equal) problems.push(`less ${equal} where the paper says as ${equal} as`);
    const quotes = cited.map((s) => ({ n: s.n, sentence: bestSentenceOf(claim, s).text }));
    // Partly supported: the paper covers what it says, but a number, name or strong word is wrong.
    return { ok: problems.length === 0, partlyOk: coverage >= minCoverage, reason: problems.join('; ') || undefined, quotes: best ? quotes : [] };
  }

  /** Coverage of the claim's terms by its best sentence, or its best two together. */
  function bestCover(claim: Claim, sentences: { n: number; sentence: IndexedSentence }[]): { coverage: number; clause: number; best?: IndexedSentence; second?: IndexedSentence } {
    const terms = [...claim.terms];
    if (terms.length === 0) return { coverage: 1, clause: 1, best: sentences[0]?.sentence };
    const score = (covered: (t: string) => boolean) =>
      terms.reduce((sum, t) => sum + (covered(t) ? 1 : questionTerms.has(t) ? CLAIM_CHECK_DEFAULTS.questionTermCredit : 0), 0) / terms.length;
    let best: IndexedSentence | undefined;
    let bestScore = -1;
    for (const { sentence } of sentences) {
      const s = score((t) => sentence.terms.has(t));
      if (s > bestScore) [best, bestScore] = [sentence, s];
    }
    if (!best) return { coverage: 0, clause: 0 };
    let pair = bestScore;
    let second: IndexedSentence | undefined;
    for (const { sentence } of sentences) {
      const both = score((t) => best!.terms.has(t) || sentence.terms.has(t));
      if (both > pair) [pair, second] = [both, sentence];
    }
    // Each part of a claim ("X does A, and it does B") must be covered by one sentence of its own:
    // a partly invented claim leans on its true part for the whole.
    let clause = 1;
    for (const part of claim.clauses) {
      const of = (sentence: IndexedSentence) =>
        part.reduce((sum, t) => sum + (sentence.terms.has(t) ? 1 : questionTerms.has(t) ? CLAIM_CHECK_DEFAULTS.questionTermCredit : 0), 0) / part.length;
      clause = Math.min(clause, Math.max(...sentences.map(({ sentence }) => of(sentence))));
    }
    return { coverage: pair, clause, best, second };
  }

  function bestSentenceOf(claim: Claim, source: IndexedSource): IndexedSentence {
    const overlap = (s: IndexedSentence) => [...claim.terms].filter((t) => s.terms.has(t)).length + claim.numbers.filter((x) => statedNumbers(s.toks).some((y) => sameNumber(x, y))).length;
    return source.sentences.reduce((a, b) => (overlap(b) > overlap(a) ? b : a));
  }
}

function reject(verdict: ClaimVerdict, reason?: string): CheckedClaim {
  return { verdict, kept: false, reason, quotes: [] };
}

interface Claim {
  text: string;
  /** The content terms of each of its clauses, when it has more than one. */
  clauses: string[][];
  toks: string[];
  numbers: StatedNumber[];
  /** Name keys. */
  names: string[];
  /** For a name that stands with others, their keys joined ("huggingface" for "Hugging"). */
  joined: Map<string, string[]>;
  /** Kinds of model it names ("decoderonly"), which the paper must name the same way. */
  kinds: string[];
  terms: Set<string>;
  absolutes: string[];
  /** A term of the claim as the sources write it ("huggingface" for "hugging"). */
  fold: (term: string) => string;
}

/** Strong words a paraphrase may not add: the paper must use them (or their group's word) too. */
const ABSOLUTES = new Map(
  Object.entries({
    every: 'all', all: 'all', always: 'always', never: 'never', first: 'first', only: 'only', solely: 'only', alone: 'only',
    best: 'best', prove: 'prove', proves: 'prove', proven: 'prove', guarantee: 'guarantee', guarantees: 'guarantee', guaranteed: 'guarantee',
    entirely: 'entirely', completely: 'entirely', fully: 'entirely', perfectly: 'entirely', solve: 'solve', solves: 'solve', solved: 'solve',
    eliminates: 'eliminate', eliminate: 'eliminate', sota: 'best', 'state-of-the-art': 'best', optimal: 'best', universally: 'always',
    clearly: 'clearly', decisive: 'decisive', decisively: 'decisive', definitive: 'conclusive', definitively: 'conclusive', conclusively: 'conclusive',
    undoubtedly: 'clearly', unequivocally: 'clearly', whole: 'entirely', entire: 'entirely', ideal: 'best',
    whenever: 'always', whatever: 'all', regardless: 'all', universal: 'always',
    biggest: 'best', largest: 'best', greatest: 'best', highest: 'best', strongest: 'best', lowest: 'best', smallest: 'best', fastest: 'best',
    // Where a finding is strongest ("mostly on X", "especially for Y") is a detail of its own.
    mostly: 'mainly', mainly: 'mainly', especially: 'mainly', particularly: 'mainly', primarily: 'mainly', largely: 'mainly', chiefly: 'mainly', predominantly: 'mainly',
  }),
);

/**
 * "Each" scopes over all in the paper ("at each layer" supports "at every layer"), and "avoids" rules
 * out as "never" does; but an answer's "each" is not a claim of its own.
 */
const paperAbsolute = (w: string) =>
  w === 'each' ? 'all' : w === 'particular' || w === 'notably' ? 'mainly' : /^(?:avoid(?:s|ed|ing)?|bypass(?:es|ed|ing)?)$/.test(w) ? 'never' : /^(?:limit(?:s|ed|ing)?|merely|exclusively)$/.test(w) ? 'only' : /^solutions?$/.test(w) ? 'solve' : (ABSOLUTES.get(w) ?? VERB_ABSOLUTES.get(stem(w)));

/** The strong verbs in any form the paper writes them: its "eliminating the need" grants an answer's "eliminates". */
const VERB_ABSOLUTES = new Map(['prove', 'guarantee', 'solve', 'eliminate'].map((v) => [stem(v), v]));

function absolutesIn(toks: string[], inPaper = false): string[] {
  // "Not always", "not the first": a negated absolute claims less, not more.
  const negated = (i: number) => toks.slice(Math.max(0, i - 2), i).some((t) => NEGATION.test(t));
  // "A first judgment" is an initial one, not a claim to be the first.
  // Nor is "first X, then Y": a step of a sequence.
  // "The first paper" counts the sources, as "the second" would.
  const indefinite = (i: number) =>
    /^first$/i.test(toks[i]!) &&
    (/^an?$/i.test(toks[i - 1] ?? '') || /^(?:papers?|sources?|study|work|abstract|article|one)$/i.test(toks[i + 1] ?? '') || toks.slice(i + 1).some((t) => /^(?:then|second|secondly|next|finally|afterwards)$/i.test(t)));
  // "Only a modest drop" belittles an amount; it does not say how far the claim reaches.
  const belittles = (i: number) => /^only$/i.test(toks[i]!) && MINIMIZER.test(toks[/^an?$/i.test(toks[i + 1] ?? '') ? i + 2 : i + 1] ?? '');
  // "A, B and C all avoid X", "… were all built to": an "all" after the list it gathers names no wider scope.
  const gathers = (i: number) =>
    /^(?:all|both)$/i.test(toks[i]!) && (AUXILIARY.test(toks[i - 1] ?? '') || (isName(toks[i - 1] ?? '', false) && toks.slice(0, i - 1).some((t) => /^and$/i.test(t))));
  const found = toks.map((t, i) => (negated(i) || indefinite(i) || belittles(i) || gathers(i) ? undefined : (inPaper ? paperAbsolute : (w: string) => ABSOLUTES.get(w))(t.toLowerCase())));
  return [...new Set(found.filter((a): a is string => a !== undefined))];
}

const AUXILIARY = /^(?:are|were|have|had|can|could|do|did|will|would)$/i;

const MINIMIZER = /^(?:modest|slight|small|minor|marginal|few|little|limited|fraction|handful|minimally|slightly|marginally|modestly|partially|partly)$/i;

/** Share of the claim's content terms a sentence of the paper has. */
function shareOf(claim: Claim, sentence: IndexedSentence): number {
  return claim.terms.size === 0 ? 1 : [...claim.terms].filter((t) => sentence.terms.has(t)).length / claim.terms.size;
}

/** How much of the claim a sentence must cover for its strong words to count for the claim. */
const ABSOLUTE_COVER = 0.4;

/** Absolutes that say how far a claim reaches, not what the paper achieved. */
const SCOPE_WORDS = new Set(['all', 'always', 'never', 'only', 'entirely', 'mainly']);

const SOURCE_COUNT = /\b(?:all|both|each of the|the)\s+(?:(?:two|three|four|five|\d+)\s+)?(papers|sources|studies|works|abstracts)\b/gi;

/** Words that say a claim holds for every source it cites. */
const EVERY_SOURCE = /\b(?:both|each|all)\b/i;

/** A reply to the question before the claim ("No,", "Not quite:", "Yes —") states nothing the paper must. */
const REPLY_LEAD = /^(?:yes|no|not (?:quite|really|exactly|necessarily)|partly|roughly|mostly|in short|short answer)\b[^,:;—–]{0,20}[,:;—–]\s*/i;

/** Where one claim ends and another starts: "; ", ", and ", ", but ", " while ", " whereas ", ", which ". */
const CLAUSE_SPLIT = /\s*;\s*|,\s+(?:and|but|which|although|though|so|thus|hence)\s+|\s+(?:but|while|whereas)\s+/i;
/** A clause with fewer content terms is a modifier, not a claim of its own. */
const MIN_CLAUSE_TERMS = 2;

/** Where a claim's phrases part: a comma, semicolon or colon before a space ("25,000" is one number), or a dash. */
const PHRASE_BREAK = /[,;:]\s+|\s*[—–]\s*|\s+-\s+/;
/**
 * The share of an added phrase's terms the paper must have. On our own set, 0.5 rejects 6 more
 * unsupported sentences and no supported one; 0.4 catches 2 fewer, 0.6 costs 10 supported.
 */
const PHRASE_FLOOR = 0.5;

/**
 * A phrase the answer adds to a supported claim ("…, drawn from energy and weather data",
 * "…, including depth estimation and segmentation") whose words the paper mostly lacks: an invented
 * detail, setting or purpose that the rest of the sentence's overlap would otherwise carry.
 */
function addedDetail(text: string, inPaper: (term: string) => boolean, known: (term: string) => string): string | undefined {
  // An aside in parentheses is a phrase of its own; the words around it go on as one.
  const asides = [...text.matchAll(/\(([^()]*)\)/g)].map((m) => m[1]!);
  const phrases = text.replace(/\([^()]*\)/g, ' ').split(PHRASE_BREAK);
  // The first phrase holds the claim's subject and verb, which coverage already reads; a leading
  // "Beyond the usual metrics," or "To keep it cheap," frames more often than it invents.
  for (const phrase of [...phrases.slice(1), ...asides]) {
    const terms = [...new Set(claimTerms(phrase).map(known))];
    if (terms.length >= 2 && terms.filter(inPaper).length < PHRASE_FLOOR * terms.length) return phrase.trim().replace(/[.!?]+$/, '');
  }
  return undefined;
}

/** A model size ending a name: "-7B", "-4B". */
const SIZE_SUFFIX = /-\d+(?:\.\d+)?[bm]$/i;

/** Kinds of model named by what they have only or lack: "decoder-only", "encoder-free", "weight-only". */
const MODEL_KIND = /^(?:encoder|decoder|text|image|vision|audio|speech|weight|attention|convolution|tokenizer|ocr|label|data|tuning|training)-(?:only|free)$/i;

function analyse(sentence: string): Claim {
  // "All three papers …" counts the sources it cites; it states no figure or scope of its own.
  // "Leaves out X" negates X as "omits X" does.
  const body = sentence.replace(REPLY_LEAD, '').replace(SOURCE_COUNT, '$1').replace(/\bleav(?:es|e|ing) out\b/gi, 'omits');
  const toks = tokens(body);
  const named = toks.map((t, i) => isName(t, i === 0 || toks[i - 1] === '|'));
  const names = [...new Set(toks.filter((_t, i) => named[i]).map(nameKey))].filter((k) => k.length >= 2);
  // "Hugging Face" is the paper's "Huggingface": a name of several words may be written joined.
  const joined = new Map<string, string[]>();
  toks.forEach((t, i) => {
    for (let len = 2; len <= 3 && named[i] && toks.slice(i, i + len).length === len && named.slice(i, i + len).every(Boolean); len++) {
      const key = toks.slice(i, i + len).map(nameKey).join('');
      for (const part of toks.slice(i, i + len)) joined.set(nameKey(part), [...(joined.get(nameKey(part)) ?? []), key]);
    }
  });
  // "Decoder-only", "encoder-free" name a kind of model as much as a name does, suffix and all.
  const kinds = [...new Set(toks.filter((t) => MODEL_KIND.test(t)).map(nameKey))];
  const parts = body.split(CLAUSE_SPLIT).map((part) => [...new Set(claimTerms(part))]).filter((part) => part.length >= MIN_CLAUSE_TERMS);
  return { text: body, clauses: parts.length > 1 ? parts : [[...new Set(claimTerms(body))]], toks, numbers: statedNumbers(toks), names, joined, kinds, terms: new Set(claimTerms(body)), absolutes: absolutesIn(toks), fold: (t) => t };
}

/** The claim with each term the sources lack replaced by the sources' form of it, if they have one. */
function inVocabulary(claim: Claim, vocabulary: Set<string>): Claim {
  // "Hugging Face" is the paper's "Huggingface": two words the paper writes as one.
  const joined = new Map<string, string>();
  claim.toks.forEach((a, i) => {
    const b = claim.toks[i + 1];
    const [ta, tb, both] = [claimTerms(a)[0], b && claimTerms(b)[0], b && claimTerms(`${a}${b}`)[0]];
    if (ta && tb && both && vocabulary.has(both) && !vocabulary.has(ta) && !vocabulary.has(tb)) [ta, tb].forEach((t) => joined.set(t, both));
  });
  const known = (t: string) => joined.get(t) ?? knownTerm(t, vocabulary);
  return { ...claim, terms: new Set([...claim.terms].map(known)), clauses: claim.clauses.map((part) => [...new Set(part.map(known))]), fold: known };
}

/** A term as the sources write it, if they have a form of it. */
function knownTerm(term: string, vocabulary: Set<string>): string {
  return vocabulary.has(term) ? term : (suffixVariant(term, vocabulary) ?? swappedLetters(term, vocabulary) ?? term);
}

function indexSource({ n, title, abstract }: ClaimSource): IndexedSource {
  // The title last: on a tie, a sentence of the abstract is the better quote.
  const sentences = [...splitSentences(abstract), title].map((text, i, all) => {
    const toks = tokens(text);
    // An answer may shorten the paper's "language model" to "LM".
    return { text, toks, terms: new Set([...paperTerms(text), ...acronymsOf(toks)]), absolutes: absolutesIn(toks, true), title: i === all.length - 1 };
  });
  const names = new Set<string>(sentences.flatMap((s) => acronymsOf(s.toks)));
  for (const { toks } of sentences) {
    const keys = toks.map((t) => (t.startsWith('#') ? t.slice(1).replace(/[^\d.]/g, '') : nameKey(t)));
    // Names written with spaces or hyphens ("Llama 2", "MS-COCO") match their joined form.
    keys.forEach((_k, i) => {
      for (let len = 1; len <= 3 && i + len <= keys.length; len++) names.add(keys.slice(i, i + len).join('').replace(/\./g, ''));
    });
    // "InternVL-2.0-4B" and "Llama-2-7B" name InternVL-2.0 and Llama-2 too.
    for (const t of toks) if (SIZE_SUFFIX.test(t)) names.add(nameKey(t.replace(SIZE_SUFFIX, '')));
    // "Transformer-based models" names Transformers as much as an answer's "Transformer-style" does.
    for (const k of keys) if (NAME_SUFFIX.test(k) && k.replace(NAME_SUFFIX, '').length >= 2) names.add(k.replace(NAME_SUFFIX, ''));
  }
  const terms = new Set<string>();
  for (const s of sentences) for (const t of s.terms) terms.add(t);
  for (const t of contentTerms(`${title} ${abstract}`)) terms.add(t);
  for (const w of tokens(`${title} ${abstract}`)) {
    const a = paperAbsolute(w.toLowerCase());
    if (a) terms.add(a);
  }
  return { n, text: `${title}\n${abstract}`, sentences, names, terms, self: selfNames(title, abstract) };
}

/**
 * What a number measures in the claim (the words right after it: "6.5 times faster", "four
 * language models") must be near it in the paper too.
 */
function measuresAlike(claim: Claim, x: StatedNumber, sentence: IndexedSentence): boolean {
  const after: string[] = [];
  // The words up to the first function word: "4.7x higher throughput", not "and 9.3 on GLUE".
  for (const t of claim.toks.slice(x.at + 1, x.at + 1 + MEASURE_REACH)) {
    if (t === '|' || t.startsWith('#') || isStopword(t.toLowerCase())) break;
    after.push(t);
  }
  const measured = claimTerms(after.join(' '));
  // A version number belongs to the name before it ("OpenChat 3.5", "Llama 2"), not to what follows.
  const before = claim.toks[x.at - 1];
  if (measured.length === 0 || (before && isName(before, false))) return true;
  // "A 7B model" is a size whatever the paper calls the model ("a 7B LVLM").
  if ((x.unit === 'b' || x.unit === 'm') && measured[0] === 'model') return true;
  // "Ten times larger" and "ten times more parameters" say one ratio of size.
  if (x.unit === 'x' && after.every((t) => SIZE_RATIO.test(t)) && statedNumbers(sentence.toks).some((y) => y.unit === 'x' && y.value === x.value)) return true;
  return statedNumbers(sentence.toks)
    .filter((y) => sameNumber(x, y))
    .some((y) => {
      // A figure in a list ("in size 1B, 3.7B, 7B, and 16B parameters") is measured by the words around the whole list.
      const [from, to] = [listEdge(sentence.toks, y.at, -1), listEdge(sentence.toks, y.at, 1)];
      const around = sentence.toks.slice(Math.max(0, from - MEASURE_REACH - 1), to + MEASURE_REACH + 2);
      const near = [...claimTerms(around.join(' ')), ...acronymsOf(around)];
      return measured.some((t) => near.includes(t));
    });
}

/** The first or last figure of the list the figure at `at` stands in (figures joined by commas and "and"). */
function listEdge(toks: string[], at: number, step: 1 | -1): number {
  let edge = at;
  for (let i = at + step; i >= 0 && i < toks.length; i += step) {
    if (statedNumbers([toks[i]!]).length > 0) edge = i;
    else if (toks[i] !== '|' && toks[i]!.toLowerCase() !== 'and') break;
  }
  return edge;
}

const MEASURE_REACH = 3;
/** Words that give a ratio as a size, whichever way: "larger", "smaller", "fewer". */
const SIZE_RATIO = /^(?:larger|bigger|smaller|fewer|less|more)$/i;
const NEGATION = /^(?:not|no|zero|nor|never|without|cannot|can't|don't|doesn't|isn't|aren't|fails?|neither|none|unnecessary|needless|prevents?|prevented|hampers?|hinders?|precludes?|barely|hardly|scarcely)$/i;
/** Words that carry a negation without saying "not": enough for a negated claim to rest on. */
const NEGATIVE_CUE = /^(?:bypass\w*|avoid\w*|omit\w*|discard\w*|forgo\w*|dispens\w*|eliminat\w*|remov\w*|ablat\w*|eras\w*|lack\w*|absen\w*|free|skip\w*|instead|rather|unlike|underperform\w*|alleviat\w*|mitigat\w*|suppress\w*)$/i;

/** Verbs that negate what follows them ("avoids overfitting"), which a claim may not add to the paper's matter. */
const NEGATING_VERB = /^(?:avoid(?:s|ed|ing)?|omit(?:s|ted|ting)?|discard(?:s|ed|ing)?|forgo(?:es|ing)?|eliminat(?:es?|ed|ing)|remov(?:es?|ed|ing)|lacks?|lacking|skips?|skipped|bypass(?:es|ed|ing)?)$/i;

/** "Not only" is not a negation. */
function negationsIn(toks: string[]): number[] {
  return toks.flatMap((t, i) => (NEGATION.test(t) && !(/^not$/i.test(t) && /^only$/i.test(toks[i + 1] ?? '')) && !HARM.test(toks[i + 1] ?? '') ? [i] : []));
}

/** What a negation turns into keeping: "without hurting accuracy" says it preserves accuracy. */
const HARM = /^(?:hurt|harm|degrad|los[ei]|sacrific|compromis|affect)\w*$/i;

/** How far after a negation what it negates reaches, within its clause. */
const SCOPE_REACH = 6;

const ENDS_SCOPE = (t: string) => t === '|' || /^(?:and|but|while)$/i.test(t);

/** The content terms a negation at `i` negates: those after it in its clause ("not conclusive", not "models are"). */
function scopeOf(toks: string[], i: number): string[] {
  const out: string[] = [];
  // "removes the encoder and enables the LLM": a coordinated clause is not negated.
  for (let j = i + 1; j < toks.length && j <= i + SCOPE_REACH && !ENDS_SCOPE(toks[j]!); j++) out.push(toks[j]!);
  return claimTerms(out.join(' '));
}

/**
 * A claim without a negation that rests on what the supporting sentence negates ("does not
 * require bounding box annotations", "avoids the back-propagation"), says the opposite; and a
 * negated claim needs a negation there.
 */
function reversed(claim: Claim, support: IndexedSentence, paper: IndexedSentence[]): boolean {
  // A negation counts when what it negates is the paper's matter, not an aside to the reader.
  const negates = (toks: string[], i: number, terms: Set<string>) => {
    let from = i;
    while (from > Math.max(0, i - 3) && toks[from - 1] !== '|') from--;
    const after = claimTerms(toks.slice(i + 1, i + 7).join(' ')).filter((t) => terms.has(t));
    // ", which does not X" negates X of what the relative clause is about, before the comma; X itself must be the matter too.
    if (toks[from - 1] === '|' && /^(?:which|that)$/i.test(toks[from] ?? '') && after.length > 0) from = Math.max(0, from - 1 - RELATIVE_REACH);
    return claimTerms([...toks.slice(from, i), ...toks.slice(i + 1, i + 7)].join(' ')).filter((t) => terms.has(t)).length >= 2;
  };
  // "Instead of X", "rather than X" negate X as much as "not X" does.
  const contrasts = (toks: string[]) => toks.flatMap((t, i) => (/^(?:instead|rather)$/i.test(t) && /^(?:of|than)$/i.test(toks[i + 1] ?? '') ? [i + 1] : []));
  const negators = (toks: string[]) => [...negationsIn(toks), ...toks.flatMap((t, i) => (NEGATING_VERB.test(t) ? [i] : []))];
  const claimNegators = negators(claim.toks);
  const negatedTerms = negationsIn(claim.toks).flatMap((i) => scopeOf(claim.toks, i));
  // A sentence of the paper that negates the same matter ("does not have any convolutions") supports a negated claim.
  const wanted = Math.min(2, new Set(negatedTerms).size);
  const negatesSame = (s: IndexedSentence) =>
    s.toks.some((t, i) => (NEGATION.test(t) || NEGATIVE_CUE.test(t)) && new Set(scopeOf(s.toks, i).filter((u) => negatedTerms.includes(u))).size >= wanted);
  if (wanted > 0 && paper.some(negatesSame)) return false;
  const negating = (s: IndexedSentence) => negationsIn(s.toks).length > 0 || s.toks.some((t) => NEGATIVE_CUE.test(t));
  if (negatedTerms.some((t) => support.terms.has(t))) return !negating(support);
  // "Architecture barely matters for scaling" where a sentence of the paper, negating nothing, says architecture plays a role in scaling.
  const negatedWith = negationsIn(claim.toks).flatMap((i) => [...claimTerms(claim.toks.slice(Math.max(0, i - 2), i).filter((t) => t !== '|').join(' ')), ...scopeOf(claim.toks, i)]);
  if (negatedTerms.length > 0 && paper.some((s) => !s.title && !negating(s) && negatedTerms.some((t) => s.terms.has(t)) && new Set(negatedWith.filter((t) => s.terms.has(t))).size >= 2)) return true;
  // "Avoids overfitting" where the paper says it "results in overfitting" reverses it just as "not"
  // would, unless some sentence of the paper negates the same matter too.
  const cued = claimNegators.some((i) => negates(claim.toks, i, support.terms));
  if (cued) return !paper.some((s) => s.toks.some((t, i) => (NEGATION.test(t) || NEGATIVE_CUE.test(t)) && negates(s.toks, i, claim.terms)));
  // An affirmed claim is reversed when what it shares with the sentence is mostly what the sentence negates.
  if (claimNegators.length > 0) return false;
  const at = [...negators(support.toks), ...contrasts(support.toks)];
  const scopes = at.map((i) => new Set(scopeOf(support.toks, i)));
  if (scopes.length === 0) return false;
  const inScope = new Set(scopes.flatMap((sc) => [...sc]));
  const outside = new Set(claimTerms(support.toks.filter((_t, j) => !scopes.some((_sc, k) => inRange(at[k]!, j, support.toks))).join(' ')));
  const shared = [...claim.terms].filter((t) => support.terms.has(t));
  const negated = shared.filter((t) => inScope.has(t) && !outside.has(t));
  return negated.length >= 2 && negated.length * 2 >= shared.length;
}

/** How many words before ", which" a relative clause's negation reaches back for what it is about. */
const RELATIVE_REACH = 3;

/** Negations and negating verbs ("avoids", "removes"). */
function negatorsIn(toks: string[]): number[] {
  return [...negationsIn(toks), ...toks.flatMap((t, i) => (NEGATING_VERB.test(t) ? [i] : []))];
}

/** Words that start a new clause inside a sentence. */
const CLAUSE_WORD = new Set(['while', 'whereas', 'but', 'although', 'though', 'however']);

/**
 * An affirmed clause of the claim whose best match among the paper's clauses is one that negates
 * it: "improves effectiveness by 24% but adds to query latency" where the paper improves it
 * "without adding to the query latency".
 */
function negatedClause(claim: Claim, paper: IndexedSentence[]): boolean {
  const segments = paper.flatMap((s) => {
    const out: string[][] = [[]];
    for (const t of s.toks) {
      if (t === '|' || CLAUSE_WORD.has(t.toLowerCase())) out.push([]);
      else out[out.length - 1]!.push(t);
    }
    return out.filter((seg) => seg.length > 0);
  });
  return claim.text.split(CLAUSE_SPLIT).some((part) => {
    const toks = tokens(part);
    const terms = new Set(claimTerms(part));
    // A clause that contrasts on its own ("spread over a set rather than in one place") matches a negation.
    if (terms.size < MIN_CLAUSE_TERMS || negatorsIn(toks).length > 0 || toks.some((t) => NEGATIVE_CUE.test(t))) return false;
    let best = { shared: 0, negated: 0 };
    for (const seg of segments) {
      const shared = claimTerms(seg.join(' ')).filter((t, i, all) => terms.has(t) && all.indexOf(t) === i);
      const inScope = new Set(negatorsIn(seg).flatMap((i) => scopeOf(seg, i)));
      const negated = shared.filter((t) => inScope.has(t)).length;
      const better = shared.length > best.shared || (shared.length === best.shared && negated < best.negated);
      if (better) best = { shared: shared.length, negated };
    }
    return best.negated >= 2 && best.negated * 2 >= best.shared;
  });
}

/**
 * An affirmed claim resting on what the paper says only under a negation: "requires additional
 * finetuning" where the paper's only "additional finetuning" is "without additional finetuning".
 * Read as pairs of neighbouring terms, which say more than either word alone.
 */
function onlyNegated(claim: Claim, paper: IndexedSentence[]): boolean {
  if (negatorsIn(claim.toks).length > 0 || claim.toks.some((t) => NEGATIVE_CUE.test(t))) return false;
  const pairsOf = (toks: string[]) => {
    const terms = toks.flatMap((t, j) => (t === '|' ? [{ term: '|', j }] : claimTerms(t).map((term) => ({ term, j }))));
    return terms.slice(1).flatMap((b, k) => (terms[k]!.term === '|' || b.term === '|' ? [] : [{ pair: `${terms[k]!.term} ${b.term}`, from: terms[k]!.j, to: b.j }]));
  };
  const negated = new Set<string>();
  const affirmed = new Set<string>();
  for (const { toks } of paper) {
    const at = negatorsIn(toks);
    for (const { pair, from, to } of pairsOf(toks)) (at.some((i) => i !== from && inRange(i, from, toks) && inRange(i, to, toks)) ? negated : affirmed).add(pair);
  }
  return pairsOf(claim.toks).some(({ pair }) => negated.has(pair) && !affirmed.has(pair));
}

/**
 * What the claim sets aside ("rather than the number of experts", "instead of unifying them")
 * that the paper affirms in a sentence negating nothing, and never sets aside itself: "prunes the
 * subnetworks inside each expert rather than the number of experts" where the paper reduces "the
 * number of experts per MoE layer".
 */
function setAsideAffirmed(claim: Claim, paper: IndexedSentence[]): string | undefined {
  // A sentence contrasting or supposing ("where a naive scheme would have linear costs") sets aside too.
  const negating = (s: IndexedSentence) => negatorsIn(s.toks).length > 0 || s.toks.some((t) => NEGATIVE_CUE.test(t) || CONTRASTS.test(t));
  for (const [i, t] of claim.toks.entries()) {
    if (!/^(?:instead|rather)$/i.test(t) || !/^(?:of|than)$/i.test(claim.toks[i + 1] ?? '')) continue;
    const aside = [...new Set(scopeOf(claim.toks, i + 1).map(claim.fold))];
    if (aside.length < MIN_CLAUSE_TERMS) continue;
    const has = (s: IndexedSentence) => aside.every((a) => s.terms.has(a));
    if (paper.some((s) => has(s) && !negating(s)) && !paper.some((s) => has(s) && negating(s))) return claim.toks.slice(i + 2, i + 2 + SCOPE_REACH).filter((u) => u !== '|').join(' ');
  }
  return undefined;
}

const CONTRASTS = /^(?:would|naive|whereas|while|unlike|compared|versus|vs|than)$/i;

/** Whether token `j` lies in the scope of the negation at `i`. */
function inRange(i: number, j: number, toks: string[]): boolean {
  if (j <= i || j > i + SCOPE_REACH) return j === i;
  for (let k = i + 1; k <= j; k++) if (ENDS_SCOPE(toks[k]!)) return false;
  return true;
}


function hasName(source: IndexedSource, name: string): boolean {
  // "Transformer" is the paper's "Transformers", and the other way round.
  if (source.names.has(name) || source.names.has(`${name}s`) || (name.length > 3 && name.endsWith('s') && source.names.has(name.slice(0, -1)))) return true;
  const stem = name.replace(NAME_SUFFIX, '');
  return stem.length >= 2 && stem !== name && source.names.has(stem);
}

/** Opposite ends of a scale: a claim on one end whose supporting sentence is only on the other is reversed. */
const SCALES = [
  ['high higher highest large larger largest big bigger', 'low lower lowest small smaller smallest tiny'],
  ['fast faster fastest quickly', 'slow slower slowest slowly'],
  ['severe severely drastic drastically dramatic dramatically', 'modest modestly slight slightly minor marginal marginally'],
  ['linear linearly', 'quadratic quadratically exponential exponentially'],
  ['preserve preserves preserving preserved maintain maintains maintaining maintained retain retains retaining', 'hurt hurts harm harms degrade degrades degrading lose loses losing sacrifice sacrifices compromise compromises compromising worse'],
  ['help helps enhance enhances enhancing benefit benefits', 'hurt hurts harm harms worsen worsens'],
  ['more', 'less fewer'],
  ['increase increases increased', 'decrease decreases decreased reduce reduces reduced'],
  ['outperform outperforms outperformed', 'underperform underperforms underperformed'],
  ['better best', 'worse worst'],
  ['long longer longest', 'short shorter shortest'],
  ['early earlier', 'late later'],
  ['strong stronger strongest', 'weak weaker weakest'],
  ['raise raises raised raising', 'lower lowers lowered lowering'],
  ['separately separate independently independent', 'jointly joint together'],
  ['monolingual', 'multilingual'],
  ['homogeneous', 'heterogeneous'],
  ['local locally', 'global globally'],
  ['masked', 'visible unmasked'],
  ['sparse', 'dense'],
  ['static', 'dynamic'],
  ['explicit explicitly', 'implicit implicitly'],
  ['discrete', 'continuous'],
  ['lossy', 'lossless'],
  ['deep deeper deepest', 'shallow shallower shallowest'],
  ['online', 'offline'],
  ['bridge bridges bridged bridging narrow narrows narrowed narrowing', 'widen widens widened widening'],
  ['excel excels excelled excelling succeed succeeds', 'struggle struggles struggled struggling fail fails failed failing'],
  ['frozen freeze freezes freezing', 'finetuned tuned updated update updates unfrozen'],
  ['ideal optimal well-suited', 'suboptimal ill-suited'],
].map((pair) => pair.map((side) => new Set(side.split(' '))) as [Set<string>, Set<string>]);

/** Marks a word read under a negation ("not conclusive"), which matches the word's prefixed opposite. */
const NEGATED_FORM = 'not:';

/** Prefixes that turn a word into its opposite ("unbiased", "sub-optimal", "non-causal"). */
const NEGATING_PREFIX = /^(?:un|non|sub|in|im|ir|dis)-?(?=[a-z]{6})/;

/**
 * "Only" before one end of a scale the paper has both ends of ("sees only the visible patches"
 * where the paper has visible and masked ones): the paper draws the line the claim's "only" does.
 */
function onlyOneEnd(toks: string[], paperWords: Set<string>): boolean {
  return toks.some((t, i) => {
    if (!/^only$/i.test(t)) return false;
    const next = toks.slice(i + 1, i + 4).map((u) => u.toLowerCase());
    return SCALES.some((ends) => ends.some((end, k) => next.some((w) => end.has(w) && paperWords.has(w)) && [...ends[1 - k]!].some((w) => paperWords.has(w))));
  });
}

function oppositeOf(claim: Claim, support: IndexedSentence): [string, string] | undefined {
  // "Sub-optimal" is one word, the other end of "optimal".
  const words = (toks: string[]) => new Set(toks.flatMap((t) => t.toLowerCase().replace(/^(sub|non)-/, '$1').split(/[-'’]/)));
  // A harm negated ("without hurting X") is the other end of the scale: it keeps X.
  // And a trade-off ("at the cost of X", "but costs X") is a harm to X.
  const negatedHarm = (toks: string[]) =>
    toks.map((t, i) => (HARM.test(t) && NEGATION.test(toks[i - 1] ?? '') ? 'preserves' : /^costs?$/i.test(t) && (/^but$/i.test(toks[i - 1] ?? '') || (/^the$/i.test(toks[i - 1] ?? '') && /^at$/i.test(toks[i - 2] ?? ''))) ? 'hurts' : t));
  const claimWords = words(negatedHarm(claim.toks));
  const supportWords = words(negatedHarm(support.toks));
  // "unbiased" where the paper says "biased", "optimal" where it says "sub-optimal", and the other way round.
  // "Not conclusive" is "inconclusive": a negated word counts as its prefixed opposite.
  const whole = (toks: string[]) => new Set(toks.flatMap((t, i) => (NEGATION.test(toks[i - 1] ?? '') ? [t.toLowerCase(), `${NEGATED_FORM}${t.toLowerCase()}`] : [t.toLowerCase()])));
  const [claimWhole, supportWhole] = [whole(claim.toks), whole(support.toks)];
  for (const [mine, theirs] of [[claimWhole, supportWhole], [supportWhole, claimWhole]] as const) {
    for (const w of mine) {
      const base = NEGATING_PREFIX.exec(w) ? w.replace(NEGATING_PREFIX, '') : undefined;
      if (base && theirs.has(base) && !theirs.has(w) && !theirs.has(`${NEGATED_FORM}${base}`) && !mine.has(base)) return mine === claimWhole ? [w, base] : [base, w];
    }
  }
  for (const [a, b] of SCALES) {
    for (const [mine, other] of [[a, b], [b, a]] as const) {
      const said = [...mine].find((w) => claimWords.has(w));
      const against = [...other].find((w) => supportWords.has(w));
      if (said && against && ![...mine].some((w) => supportWords.has(w))) return [said, against];
      // With both ends in the sentence, the end the claim's word is said of.
      if (said && against && saidOfOtherEnd(claim.toks, support.toks, mine, other)) return [said, against];
    }
  }
  return undefined;
}

/**
 * A superlative ("the highest SARI", "the strongest zero-shot generalization") given to a name where
 * the paper gives it to another: the name nearest before the same superlative of the same thing.
 */
function superlativeOwner(claim: Claim, paper: IndexedSentence[]): string | undefined {
  if (claim.names.length === 0) return undefined;
  const nextTerm = (toks: string[], i: number) => claimTerms(toks.slice(i + 1, i + 3).join(' '))[0];
  // The names before it: "BART-Large with Control Token (BART-L-w-CT) reported the highest".
  const ownersBefore = (toks: string[], i: number) =>
    toks.slice(Math.max(0, i - OWNER_REACH), i).flatMap((u, k, all) => (isName(u, k === 0 ? i - OWNER_REACH <= 0 : all[k - 1] === '|') ? [nameKey(u)] : []));
  for (const [i, t] of claim.toks.entries()) {
    const w = t.toLowerCase();
    if (!SUPERLATIVE.test(w)) continue;
    // "Competitive with the best INR-based methods": a superlative after a preposition names what the claim is compared to.
    if (/^(?:with|to|than|among|against|over|like|of)$/i.test(claim.toks[/^the$/i.test(claim.toks[i - 1] ?? '') ? i - 2 : i - 1] ?? '')) continue;
    const what = nextTerm(claim.toks, i);
    const owners = paper.flatMap((s) => s.toks.flatMap((u, j) => (u.toLowerCase() === w && nextTerm(s.toks, j) === what ? [ownersBefore(s.toks, j)] : [])));
    if (owners.length > 0 && owners.every((o) => o.length > 0 && !o.some((n) => claim.names.includes(n)))) return w;
  }
  return undefined;
}

/** How far before a superlative the name it is said of may stand. */
const OWNER_REACH = 10;

const SUPERLATIVE = /^(?:highest|lowest|best|worst|strongest|weakest|largest|smallest|fastest|slowest)$/;

/** Words that hedge a finding ("suggests", "may", "preliminary"), and verbs that assert one as shown. */
const HEDGE = /^(?:may|might|could|suggests?|suggesting|potentially|perhaps|possibility|hints?|preliminary|posits?|hypothes[ie]s|hypothesi[sz]e|hopefully|likely|appears?|seems?)$/i;
/** A paper that only asks ("explores the claim", "investigates whether") has shown nothing either way. */
const ASKS = /^(?:explores?|explored|exploring|investigates?|investigated|investigating|whether)$/i;
/** The hedge words that hedge a claim too; a claim's "hypothesis" is what it says was settled. */
const CLAIM_HEDGE = /^(?:may|might|could|suggests?|suggesting|potentially|perhaps|hints?|preliminary|hopefully|likely|appears?|seems?|explores?|explored|investigates?|investigated|whether|if)$/i;
const ASSERTS = /^(?:proves?|proven|demonstrates?|confirms?|confirmed|establish(?:es|ed)?|shows?|shown|verif(?:y|ies|ied)|validates?|validated|settles?|settled)$/i;

/** The claim asserts as shown ("shows", "proves") what its supporting sentence only hedges ("suggests", "may") or asks ("explores whether"). */
function overstatesHedge(claim: Claim, support: IndexedSentence): boolean {
  return claim.toks.some((t) => ASSERTS.test(t)) && !claim.toks.some((t) => CLAIM_HEDGE.test(t)) && support.toks.some((t) => HEDGE.test(t) || ASKS.test(t)) && !support.toks.some((t) => ASSERTS.test(t));
}

/**
 * "Less accurate than" (or "not as accurate as") where the paper says "as accurate as" or "at
 * least as accurate as": the adjective the answer puts below is the one the paper puts level.
 */
function belowEqual(claim: string, paper: string[]): string | undefined {
  // "As accurate and rich as" puts both adjectives level.
  const level = new Set(paper.flatMap((s) => [...s.matchAll(/\bas ([a-z-]+(?: (?:and|or) [a-z-]+)?) as\b/gi)].flatMap((m) => claimTerms(m[1]!))));
  for (const m of claim.matchAll(/\b(?:less ([a-z-]+) than|(?:not|n't) (?:as|so) ([a-z-]+) as)\b/gi)) {
    const adjective = m[1] ?? m[2]!;
    if (claimTerms(adjective).some((t) => level.has(t))) return adjective;
  }
  return undefined;
}

function sameNumber(x: StatedNumber, y: StatedNumber): boolean {
  // "Half" may be the paper's "50%", "0.5" or "2x".
  const forms = (n: StatedNumber) => [n, ...(n.alternatives ?? [])];
  // "About 39 points" is the paper's 38.7.
  return forms(x).some((a) => forms(y).some((b) => sameForm(a, b))) || roundsTo(x, y);
}

function sameForm(x: { value: string; unit: string }, y: { value: string; unit: string }): boolean {
  if (x.value === y.value && (x.unit === y.unit || x.unit === '' || y.unit === '')) return true;
  // "200K" is "200,000", "1.5B" is "1,500 million".
  if (x.unit === y.unit) return false;
  const [a, b] = [scaled(x), scaled(y)];
  return a !== undefined && b !== undefined && Math.abs(a - b) < 1e-6 * Math.max(a, b);
}

const SCALE: Record<string, number> = { '': 1, k: 1e3, m: 1e6, b: 1e9 };

function scaled({ value, unit }: { value: string; unit: string }): number | undefined {
  const factor = SCALE[unit];
  return factor === undefined ? undefined : Number(value) * factor;
}

/**
 * Whether a number is tied to the same names in the paper's sentence as in the claim. The name
 * next to the number on one side in the claim must not be, in the paper, the name of another of
 * its numbers while this number has a different name on that side: that is a swapped pair
 * ("2.7 on SuperGLUE and 9.3 on GLUE") or another model's figure.
 */
function boundAlike(claim: Claim, x: StatedNumber, sentence: IndexedSentence): boolean {
  // Swapped within a pair: the claim gives this figure to one name of the pair and the pair's other
  // figure to the other name, where the paper has them the other way round.
  const owner = ownerOf(claim.toks, x.at, ANCHOR_REACH);
  const pairs = pairedFigures(sentence.toks);
  const paired = owner === undefined ? undefined : pairs.get(owner);
  const claimValues = new Set(claim.numbers.map((y) => y.value));
  if (paired !== undefined && paired !== x.value && claimValues.has(paired) && [...pairs.values()].includes(x.value)) return false;
  const numbers = statedNumbers(sentence.toks);
  const here = numbers.filter((y) => sameNumber(x, y));
  const elsewhere = new Set(numbers.filter((y) => !sameNumber(x, y)).flatMap((y) => anchorsOf(sentence.toks, y.at).filter(Boolean)));
  return here.some((y) =>
    ([0, 1] as const).every((side) => {
      const wanted = anchorsOf(claim.toks, x.at)[side];
      const found = anchorsOf(sentence.toks, y.at)[side];
      return !wanted || !found || wanted === found || anchorsOf(sentence.toks, y.at).includes(wanted) || !elsewhere.has(wanted);
    }),
  );
}

/** The nearest name to the left and to the right of the token at `at`, within its clause and before another number. */
function anchorsOf(toks: string[], at: number): [string | undefined, string | undefined] {
  const side = (step: number): string | undefined => {
    for (let i = at + step, d = 1; i >= 0 && i < toks.length && d <= ANCHOR_REACH; i += step, d++) {
      const t = toks[i]!;
      if (t === '|' || t.startsWith('#') || CLAUSE_BREAK.has(t.toLowerCase()) || statedNumbers([t]).length > 0) return undefined;
      if (isName(t, false) || (d <= 3 && METRICS.has(t.toLowerCase()))) return nameKey(t);
    }
    return undefined;
  };
  return [side(-1), side(1)];
}

/** How many tokens away a name may be and still say what a number is about. */
const ANCHOR_REACH = 5;

const CLAUSE_BREAK = new Set(['while', 'whereas', 'but', 'than', 'versus', 'vs', 'compared', 'respectively']);

/** Lower-case words that name what a number measures. */
const METRICS = new Set(
  'accuracy precision recall f1 bleu rouge perplexity latency throughput speedup wer cer mos auc map ndcg mrr psnr ssim fid lpips bitrate parameters params flops memory error loss top-1 top-5 exact-match'.split(' '),
);
