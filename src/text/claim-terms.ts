import { contentTerms, stem } from './tokenize.ts';

/**
 * What a sentence claims, in comparable pieces: the numbers it states (with their unit), the
 * names it uses (methods, datasets, models) and its content terms folded onto a shared
 * vocabulary, so a paraphrase ("beats") meets its source ("outperforms").
 */

export interface StatedNumber {
  /** Canonical value: "1000", "4.14", "0.6". */
  value: string;
  /** "%", "x", "b" (billion), "m", "k" or "" when bare. */
  unit: string;
  /** Token position in the sentence's token list (see `tokens`). */
  at: number;
  /** Other ways of stating the same figure ("half" is 50%, 0.5 and 2x), as value and unit. */
  alternatives?: { value: string; unit: string }[];
  /** Said as a rounded figure ("about 25%", "roughly 1.7x"). */
  approximate?: boolean;
}

const NUMBER_WORDS: Record<string, string> = {
  two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', twenty: '20', hundred: '100', thousand: '1000', twice: '2x', double: '2x', doubles: '2x', doubled: '2x', doubling: '2x', dual: '2',
  triple: '3x', triples: '3x', tripled: '3x',
  // Halving is a 50% cut, a factor of 0.5 and "2x less" all at once.
  half: '50%', halves: '50%', halved: '50%', halving: '50%',
};

/** The other figures a number word states ("half the time" is "2x shorter" and "50% less"). */
const ALTERNATIVES: Record<string, { value: string; unit: string }[]> = { '50%': [{ value: '0.5', unit: '' }, { value: '2', unit: 'x' }] };

const MULTIPLIER_WORDS = 'two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand';
/** "Two thirds", "a quarter": fractions in words, as the decimals `FRACTION` turns "2/3" into. */
// Only as an amount ("a third of", "one third to two thirds"), not an ordinal ("a third step").
const FRACTION_WORDS = /\b(a|one|two|three)[\s-](thirds?|quarters?|fifths?|tenths?)\b(?=\s+(?:of|to|and|or|less|more|fewer|smaller|larger)\b|\s*(?:[.,;:)]|$))/gi;
const DENOMINATORS: Record<string, number> = { third: 3, quarter: 4, fifth: 5, tenth: 10 };
/** "1/3", "2/3": a proper fraction with a small denominator, not a date or "24/7". */
const FRACTION = /\b(\d)\s?\/\s?(\d{1,2})\b/g;

const asDecimal = (numerator: number, denominator: number) => String(Number((numerator / denominator).toFixed(2)));

/** Tokens of a sentence: words, numbers with their unit, and clause breaks (`|`). */
export function tokens(text: string): string[] {
  const out: string[] = [];
  // LaTeX left-overs in scraped abstracts: "sim0.6" (~0.6), "NLVR^2", "16times".
  const plain = text
    .replace(/\bsim(?=\d)/g, '~')
    .replace(/\^(\d)/g, '$1')
    // "An order of magnitude smaller" is "10x smaller".
    .replace(/\b(?:an|one) order of magnitude\b/gi, '10x')
    // "five times the throughput", "tenfold" are the paper's "5x", "10x".
    .replace(new RegExp(`\\b(${MULTIPLIER_WORDS})(?:[\\s-](?:times|fold)|fold)\\b`, 'gi'), (_m, w: string) => `${NUMBER_WORDS[w.toLowerCase()]}x`)
    .replace(FRACTION, (m, a: string, b: string) => (Number(a) < Number(b) && Number(b) <= 10 ? asDecimal(Number(a), Number(b)) : m))
    .replace(FRACTION_WORDS, (_m, a: string, b: string) => asDecimal(a.toLowerCase() === 'a' ? 1 : Number(NUMBER_WORDS[a.toLowerCase()] ?? 1), DENOMINATORS[b.toLowerCase().replace(/s$/, '')]!));
  const re = /(\d+(?:[.,]\d+)*)\s?(%|percent\b|×|x\b|times\b|-?fold\b|[bmk]\b|bn\b|billion\b|million\b)?|[\p{L}][\p{L}\p{N}]*(?:[-'’.][\p{L}\p{N}]+)*|[,;:()]|—|–/giu;
  for (const m of plain.matchAll(re)) {
    if (m[1] !== undefined) out.push(`#${canonicalNumber(m[1])}${canonicalUnit(m[2])}`);
    else if (/^[,;:()—–]$/.test(m[0])) out.push('|');
    else out.push(m[0]);
  }
  return out;
}

function canonicalNumber(raw: string): string {
  // "1,000" is a thousand; "0,6" (a decimal comma) is rare in English abstracts.
  const plain = /^\d{1,3}(,\d{3})+$/.test(raw) ? raw.replace(/,/g, '') : raw.replace(',', '.');
  return plain.includes('.') ? plain.replace(/0+$/, '').replace(/\.$/, '') : plain.replace(/^0+(?=\d)/, '');
}

function canonicalUnit(raw: string | undefined): string {
  const u = (raw ?? '').toLowerCase().replace(/^-/, '');
  if (u === '%' || u === 'percent') return '%';
  if (u === '×' || u === 'x' || u === 'fold' || u === 'times') return 'x';
  if (u === 'b' || u === 'bn' || u === 'billion') return 'b';
  if (u === 'm' || u === 'million') return 'm';
  return u === 'k' ? 'k' : '';
}

/** Numbers a sentence states, digits or number words. "One" is left out: "one paper" is framing, not a figure. */
export function statedNumbers(toks: string[]): StatedNumber[] {
  const out: StatedNumber[] = [];
  toks.forEach((t, at) => {
    // "two-stage" states a two as much as "two stages" does.
    const word = NUMBER_WORDS[t.toLowerCase().split('-')[0]!];
    const n = t.startsWith('#') ? t.slice(1) : word;
    if (!n) return;
    const m = /^([\d.]+)(.*)$/.exec(n)!;
    const alternatives = word ? ALTERNATIVES[word] : undefined;
    const approximate = toks.slice(Math.max(0, at - 2), at).some((u) => APPROXIMATOR.test(u));
    out.push({ value: m[1]!, unit: m[2]!, at, ...(alternatives ? { alternatives } : {}), ...(approximate ? { approximate } : {}) });
  });
  return out;
}

/**
 * The figure a name carries as its size ("Mamba-3B", "Canary-1B"), as a number token ("#3b"), with
 * the name it sizes: an answer may write "the 3B Mamba model".
 */
export function nameFigure(token: string): { figure: string; name: string } | undefined {
  const m = /^(.+?)-(\d+(?:\.\d+)?)([bmk])$/i.exec(token);
  return m ? { figure: `#${m[2]}${m[3]!.toLowerCase()}`, name: nameKey(m[1]!) } : undefined;
}

const APPROXIMATOR = /^(?:about|around|roughly|approximately|nearly|almost)$/i;

/**
 * Whether an approximate figure of a claim ("about 39 points") is the paper's figure rounded
 * ("38.7"): equal at the claim's precision, or a round ten within `ROUNDING` of it ("nearly 40").
 */
export function roundsTo(claim: StatedNumber, paper: StatedNumber): boolean {
  if (!claim.approximate || claim.unit !== paper.unit) return false;
  const [x, y] = [Number(claim.value), Number(paper.value)];
  const decimals = claim.value.split('.')[1]?.length ?? 0;
  return Number(y.toFixed(decimals)) === x || (x % 10 === 0 && x > 0 && Math.abs(x - y) <= ROUNDING * y);
}

const ROUNDING = 0.05;

/** A word that names something: inner capitals or digits (TILDEv2, LLaMA2-7B, GLUE, ViT), not a capitalised common word. */
export function isName(token: string, sentenceInitial: boolean): boolean {
  if (token.startsWith('#') || token === '|' || token.length < 2) return false;
  const body = token.replace(/['’]s$/, '');
  const inner = /\p{Lu}/u.test(body.slice(1));
  const mixedDigits = /\p{L}/u.test(body) && /\d/.test(body);
  if (inner || mixedDigits) return !/^\p{Lu}\p{Ll}+$/u.test(body) || mixedDigits;
  // "Transformer" mid-sentence is a name the way the paper uses it; at the start it is just a capital.
  return !sentenceInitial && /^\p{Lu}\p{Ll}/u.test(body) && !COMMON_CAPITALISED.has(body.toLowerCase());
}

/** Capitalised words a writer uses mid-sentence that name nothing. */
const COMMON_CAPITALISED = new Set(['i', 'english', 'yes', 'no', 'however']);

/** Generic endings a writer adds to a name ("GPT-style", "BERT-based", "Mistral-based"), which do not change what it names. */
export const NAME_SUFFIX = /(?:style|like|based|sized|only|family|series|type|derived|generated|powered|driven|specific)$/;

/** A name compared without case, punctuation, possessive or plural: "Llama3-1B's" ~ "llama31b". */
export function nameKey(token: string): string {
  const body = token.replace(/['’]s$/, '');
  const key = body.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  return /\p{Lu}{2,}s$/u.test(body) ? key.slice(0, -1) : key;
}

/**
 * Research-writing paraphrases folded onto one term. General vocabulary, not any paper's: the
 * verbs of comparison, change and method, and common size words.
 */
const SYNONYM_GROUPS = [
  'outperform beat surpass exceed better superior',
  'underperform worse trail lag inferior',
  'improve gain boost increase enhance raise higher',
  'reduce reduction cut decrease lower shrink smaller fewer less',
  'fast faster speed speedup quick quicker accelerate',
  'use employ leverage adopt utilize rely apply',
  'propose introduce present develop design build built construct',
  'show demonstrate find found observe reveal indicate confirm',
  'achieve reach attain obtain yield deliver',
  'large big bigger',
  'small tiny compact lightweight',
  'dataset benchmark corpus',
  'model network architecture',
  'method technique approach framework strategy scheme',
  'task problem',
  'performance result accuracy',
  'match comparable competitive',
  'combine fuse integrate merge',
  'require need',
  'evaluate test assess measure',
  'generate produce production create synthesize write',
  'keep maintain preserve retain',
  'remove eliminate ablate erase',
  'analysis analyse analyze analyses analysed analyzed',
  'additional extra further',
  'label annotate',
  'validate verify check',
  'human people annotator',
  'previous prior earlier existing',
  'focus target concentrate',
  'release publish',
  'jointly collaboratively together',
  'fail struggle',
  'strong powerful',
  'spread distribute',
  'replace substitute swap',
  'enable allow let',
  'new novel',
  'capability ability',
  'massive vast huge',
  'pick select selection choose',
  'cheap cheaper inexpensive low-cost save saving',
  'replicate reproduce mimic imitate',
  'fix correct rectify repair',
  'add adding added',
  'change modify alter modification',
  'degrade lose deteriorate',
  'modest slight little marginal',
  'score rate rating',
  'run execute',
  // Units written out or abbreviated: "100 milliseconds" is the paper's "100ms".
  'ms millisecond msec',
  'sec second',
  'hour hr',
  'parameter param',
  'gigabyte gb',
];
const CANONICAL = new Map<string, string>();
for (const group of SYNONYM_GROUPS) {
  const [head, ...rest] = group.split(' ');
  for (const w of [head!, ...rest]) CANONICAL.set(stem(w), head!);
}

/** Words an answer adds around any claim ("the authors report that…"), which no abstract need contain. */
const ANSWER_FRAMING = new Set(
  'author authors paper papers work study studies source sources abstract report reports reported claim claims according yes note notes describe describes mention mentions say says state states argue argues aim aims appear appears actually basically specifically particular particularly overall main mainly key notably instead rather directly here essentially simply tend tends today nowadays motivation'
    .split(' ')
    .map(stem),
);

/**
 * Words of degree or connection that carry no claim of their own ("roughly 2x", "still the default",
 * "even though"), which the paper need not share.
 */
const LIGHT_WORDS = new Set('roughly around still even though yet since plus either whose among'.split(' ').map(stem));

/** Figures in words ("two", "a third", "tenfold"): checked as numbers, so not terms a sentence must share. */
const FIGURE_WORDS = new Set(
  [...MULTIPLIER_WORDS.split('|'), ...MULTIPLIER_WORDS.split('|').map((w) => `${w}fold`), 'twice', 'half', 'halves', 'halved', 'halving', ...Object.keys(DENOMINATORS).flatMap((w) => [w, `${w}s`])].map(stem),
);

/** Prefixes writers attach with or without a hyphen. */
const JOINED_PREFIX = /\b(pre|post|re|co|fine|multi|non|semi|sub)-(?=\p{L})/giu;

/** British spellings, folded onto the American ones: "behaviour", "utilise", "analyse". */
const BRITISH_OUR = /(?<=\p{L}{3})our(?=s?\b|ed\b|ing\b)/gu;
const BRITISH_ISE = /(?<=\p{L}{3}[iy])s(?=e[sd]?\b|ing\b|ation)/gu;

/** Content terms folded onto the shared vocabulary, answer framing left out. */
export function claimTerms(text: string): string[] {
  // "pre-training" and "pretraining", "behaviour" and "behavior" are one word written two ways.
  return folded(text.replace(JOINED_PREFIX, '$1'));
}

/**
 * A paper's terms: its prefixed compounds both joined and apart, so an answer's "pretraining" and
 * its "several steps" both meet the paper's "pre-training" and "multi-step".
 */
export function paperTerms(text: string): string[] {
  return [...new Set([...claimTerms(text), ...folded(text)])];
}

function folded(text: string): string[] {
  return contentTerms(text.replace(BRITISH_OUR, 'or').replace(BRITISH_ISE, 'z'))
    .filter((t) => !ANSWER_FRAMING.has(t) && !LIGHT_WORDS.has(t) && !FIGURE_WORDS.has(t) && !/^\d/.test(t))
    .map((t) => CANONICAL.get(t) ?? t);
}
