import { describe, expect, it } from 'vitest';
import { papersCitedLast, pointsBack } from '../src/retrieve/conversation.ts';
import { analyzeQuery, correctWord, editDistance, nearestKnownTerm, otherFormOf, termsMet } from '../src/retrieve/query-terms.ts';
import { termIndexOf } from './helpers/term-index.ts';
import { isSmallTalk, stripChatNoise } from '../src/text/chat-noise.ts';
import { contentTerms } from '../src/text/tokenize.ts';

const texts = [
  'We study automatic speech recognition (ASR) for noisy audio with large language models (LLMs).',
  'Mamba is a selective state space model. ASR systems and speech recognition benchmarks.',
  'Pruning networks and quantization of large language models.',
];
const { stats, abbreviations } = termIndexOf(texts);

describe('question terms', () => {
  it('stems before dropping stopwords, so inflected meta-words and chat contractions carry no topic', () => {
    expect(contentTerms('Whats the paper proposing? Papers that proposed studies')).toEqual([]);
    expect(contentTerms('speech recognition')).toEqual(['speech', 'recognit']);
    expect(contentTerms("don't they use speech? isn't it")).toEqual(['speech']);
    // A contraction's part is a typed word, not a stem: "high res" keeps "res".
    expect(contentTerms("we're after high res images")).toEqual(['high', 're', 'imag']);
    // So are chat's hedges and verbs of asking: "probably" goes, "probability" stays.
    expect(contentTerms('kinda wanted pointers, probably still going to read up on probability')).toEqual(['read', 'probabl']);
  });

  it('drops chat filler, so "papers dealing with pruning stuff in the collection" asks only about pruning', () => {
    expect(contentTerms('got any papers dealing with pruning stuff in the collection? trying to find things')).toEqual(['prune']);
  });

  it('mines abbreviations the corpus defines and uses them both ways', () => {
    expect(abbreviations.longForms.get('asr')).toEqual([['automat', 'speech', 'recognit']]);
    expect(abbreviations.longForms.get('llm')).toEqual([['larg', 'languag', 'model']]);
    expect([...analyzeQuery('ASR papers', stats, abbreviations).expansions.keys()]).toEqual(['automat', 'speech', 'recognit']);
    expect([...analyzeQuery('automatic speech recognition', stats, abbreviations).expansions.keys()]).toEqual(['asr']);
  });

  it('counts a question term as met by its synonym form only when the text has all of that form', () => {
    const q = analyzeQuery('ASR benchmarks', stats, abbreviations);
    expect(termsMet(q, new Set(contentTerms('automatic speech recognition benchmarks')))).toEqual(['asr', 'benchmark']);
    expect(termsMet(q, new Set(contentTerms('speech benchmarks')))).toEqual(['benchmark']);
  });

  it('searches the papers\' word for a concept a question names in plain words, and counts it as met only there', () => {
    const wider = termIndexOf([...texts, 'A network with fewer bits per weight is smaller.']).stats;
    const q = analyzeQuery('which papers store fewer bits per weight?', wider, abbreviations);
    expect(q.expansions.get('quantiz')).toBeLessThan(1);
    expect(termsMet(q, new Set(contentTerms('quantization of large language models')))).toEqual(['fewer', 'bit']);
    expect(termsMet(q, new Set(contentTerms('pruning networks')))).toEqual([]);
    // "remove weights" is pruning, but the index has no "sparsity": only forms the papers use are searched.
    const cut = analyzeQuery('papers that remove weights from a network', stats, abbreviations);
    expect([...cut.expansions.keys()]).toEqual(['prune']);
    // A phrase counts only as consecutive words: "fewer" here and "bits" there are no paraphrase.
    expect(analyzeQuery('fewer networks with bits', wider, abbreviations).expansions.has('quantiz')).toBe(false);
  });

  it('corrects a typo against the index vocabulary, leaves real words alone, and drops words nothing resembles', () => {
    expect(nearestKnownTerm('mamaba', stats)).toBe('mamba');
    expect(analyzeQuery('languge models', stats, abbreviations).corrected).toEqual([['langug', 'languag']]);
    expect(nearestKnownTerm('chat', stats)).toBeUndefined(); // short words are too often other real words
    expect(nearestKnownTerm('speed', stats)).toBeUndefined(); // one substitution from "speech": a real word
    const q = analyzeQuery('mamaba selective zebras', stats, abbreviations);
    expect(q.corrected).toEqual([['mamaba', 'mamba']]);
    expect(q.unknown).toEqual(['zebra']);
    expect([...q.core.keys()]).toEqual(['select', 'mamba']);
    expect(q.core.get('mamba')).toBeLessThan(1);
  });

  it('corrects the typed word when a typo in its ending defeats the stemmer, never by changing a letter', () => {
    expect(correctWord('prunning', stats)).toBe('prune'); // stems to "prun", which no paper has
    expect(analyzeQuery('prunning networks', stats, abbreviations).corrected).toEqual([['prun', 'prune']]);
    expect(correctWord('recogniton', stats)).toBe('recognit');
    expect(correctWord('speach', stats)).toBeUndefined(); // a changed letter: left to the stem-level rules
    expect(correctWord('zebras', stats)).toBeUndefined();
  });

  it('finds the form papers use of a word they never write as typed: American spelling, without "re-", same root', () => {
    const forms = termIndexOf([...texts, 'We describe quantization of a ranking model and its behavior.']).stats;
    expect(otherFormOf('quantisation', forms)).toBe('quantiz');
    expect(otherFormOf('behaviour', forms)).toBe('behavior');
    expect(otherFormOf('reranking', forms)).toBe('rank');
    expect(otherFormOf('description', forms)).toBe('describ');
    expect(analyzeQuery('quantisation of networks', forms, abbreviations).corrected).toEqual([['quantis', 'quantiz']]);
    // A short real word is not taken for a clipping of a longer one, nor an unrelated word for a root.
    expect(otherFormOf('net', forms)).toBeUndefined();
    expect(otherFormOf('legal', forms)).toBeUndefined();
  });

  it('meets a superlative where papers write its comparative: "fastest" in "3 times faster"', () => {
    const speeds = termIndexOf([...texts, 'Our decoder runs 3 times faster.', 'A fast model.']).stats;
    const q = analyzeQuery('which of those is fastest?', speeds, abbreviations);
    expect(q.expansions.has('faster')).toBe(true);
    expect(termsMet(q, new Set(contentTerms('Our decoder runs 3 times faster.')))).toEqual(['fast']);
  });

  it('measures edit distance with transpositions', () => {
    expect(editDistance('recieve', 'receive', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});

describe('chat noise', () => {
  it('strips platform mentions, greetings, sign-offs, laughter and emoji', () => {
    expect(stripChatNoise('<!channel> what is attention?')).toBe('what is attention?');
    expect(stripChatNoise('<@U02ABC> hey all, quick q: which papers do ASR? thx lol 🙏')).toBe('which papers do ASR?');
    expect(stripChatNoise('<!subteam^S01|@ml> @here any work on codecs :thinking_face:')).toBe('any work on codecs');
    expect(stripChatNoise('<@123456789> hi there, mamba? cheers')).toBe('mamba?');
  });

  it('tells small talk from questions', () => {
    for (const s of ['hi', 'hello hello', 'thanks!', '<@U1> what can you do?', 'help', '']) expect(isSmallTalk(s)).toBe(true);
    for (const s of ['hi, what is mamba?', 'help me find pruning papers']) expect(isSmallTalk(s)).toBe(false);
  });
});

describe('conversation', () => {
  const titles = [
    { id: 'a', title: 'Mamba: Linear-Time Sequence Modeling with Selective State Spaces' },
    { id: 'b', title: 'HiFi-Codec: Group-residual Vector quantization for High Fidelity Audio Codec' },
  ];

  it('finds the papers the last answer named, in its order, whatever the markup', () => {
    const history = [
      { role: 'user' as const, text: 'codecs and mamba?' },
      { role: 'assistant' as const, text: '*HiFi-Codec: Group-residual Vector quantization for High Fidelity Audio Codec* [1] … **Mamba: Linear-Time Sequence Modeling with Selective State Spaces** [2]' },
    ];
    expect(papersCitedLast(history, titles).map((p) => p.id)).toEqual(['b', 'a']);
    expect(papersCitedLast([], titles)).toEqual([]);
  });

  it('knows a question that points back from one that stands alone', () => {
    expect(pointsBack('which of those is fastest?')).toBe(true);
    expect(pointsBack('does it release code?')).toBe(true);
    expect(pointsBack('which papers study pruning?')).toBe(false);
  });
});
