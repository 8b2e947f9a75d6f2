import { stemmer } from 'stemmer';

/**
 * Words that carry no topic in a question about papers: English function words plus the
 * meta-vocabulary people use to ask about papers ("which papers propose…").
 */
const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also s t via vs versus etc e g ie eg i.e e.g ' +
    'paper papers work works study studies article articles approach approaches method methods propose proposes proposed ' +
    'present presents introduce introduces introduced show shows shown use uses used using any anything there way ways ' +
    'tell know find something someone one ones whether much many kind kinds get gets got gotten done like well is there let lets'
  ).split(/\s+/),
);

const stemCache = new Map<string, string>();

/** Porter stem with a bounded memo: stemming is the hot path of ingest and query analysis. */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Lower-cased word tokens (letters/digits, inner hyphens split), accents folded. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .match(/[a-z0-9]+(?:\.[0-9]+)?/g) ?? []
  );
}

/**
 * Stems of the stopwords, plus chat contractions: "proposing" is as empty as "propose", "whats"
 * as "what". (The embedder keeps using the plain list, so stored vectors stay valid.)
 */
const STOPWORD_STEMS = new Set([...STOPWORDS, ...'whats thats theres hows anyone anybody pls please thanks thank stuff thing things deal deals dealing tackle tackles tackling collection try tries trying got lot lots handy wondering curious'.split(' ')].map((w) => stemmer(w)));

/**
 * Words of chat that carry no topic, matched as typed rather than stemmed, since their stems are
 * also topical words ("probably" and "probability", "going" and Go, "res" and "re"): what a
 * contraction leaves of its first word once the apostrophe splits it ("don't", "we're"),
 * informal spellings, hedges and discourse adverbs, and the verbs of wanting and looking.
 * (Not "instead", "take", "say": glossary phrases such as "instead of attention" need them.)
 */
const CHAT_WORDS = new Set(
  (
    'don doesn didn isn aren wasn weren shouldn couldn wouldn haven hasn ll ve re ' +
    'gonna wanna gotta kinda sorta ish dunno idk imo imho tbh btw fyi afaik iirc yeah yep nope okay ok ' +
    'actually basically literally honestly really seriously maybe perhaps probably possibly somehow somewhat pretty quite rather ' +
    'just even still already anyway though else ever yet ' +
    'want wants wanted looking lookin heard remember guess wonder wondering wondered mention mentioned pointers idea ideas going goes went gone'
  ).split(' '),
);

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Content terms: stemmed first, then stopwords and single characters removed. Order kept, duplicates kept. */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || STOPWORDS.has(w) || CHAT_WORDS.has(w)) continue;
    const s = stem(w);
    if (!STOPWORD_STEMS.has(s)) out.push(s);
  }
  return out;
}
