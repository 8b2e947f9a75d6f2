import { claimTerms, paperTerms } from '../text/claim-terms.ts';

/**
 * Who does what. "The SSL encoder generates the speech and the TTS handles the audio input" uses
 * every word of "a decoder-only TTS for speech generation and an SSL encoder for audio input";
 * what differs is which words stand together. Each clause of the answer binds the words of its
 * phrases; when the paper never says two words of one such phrase together, nor two of another
 * clause's phrase, but says each of them with a word of the other, the answer has crossed the roles.
 */

/** Where the paper's coordinated parts meet: punctuation, "and", "while", "whereas", "but", "then". */
const PART_BREAK = /\s*[,;:]\s*|\s+(?:and|while|whereas|but|then|whilst)\s+/i;

/**
 * Where the answer's clauses meet: a joining word before a new subject ("and the decoder …",
 * "and then …", "and GPT-4V converts …"); "of CLIP and DINO" joins two names in one phrase.
 */
const CLAUSE_BREAK = /\s*;\s*|,?\s+(?:and|while|whereas|but|whilst)\s+(?=(?:the|a|an|its|their|this|these|those|it|they|then)\s|\p{Lu}\S*\s+(?!(?:and|or|of|in|on|to|for|with|as|is|are)\b)\p{Ll})/u;

/** Parentheses hold an acronym or an aside of the words before them, not another part. */
const plain = (text: string) => text.replace(/[()[\]]/g, ' ');

/**
 * Four terms `[x, y, u, v]` where one clause of the answer says x with y and another u with v,
 * while the paper says x with v and u with y but never x with y, u with v, x with u or y with v;
 * or undefined.
 */
export function crossedRoles(claim: string, paperSentences: string[], known: (term: string) => string = (t) => t): [string, string, string, string] | undefined {
  const clauses = plain(claim).split(CLAUSE_BREAK);
  if (clauses.length < 2) return undefined;
  const paperParts = paperSentences.flatMap((s) => plain(s).split(PART_BREAK)).map((p) => new Set(paperTerms(p)));
  const together = (a: string, b: string) => paperParts.some((p) => p.has(a) && p.has(b));
  // A clause's phrases, cut as the paper's parts are: "Retro-Reader reads twice, a sketchy pass that …" binds "reads" to no pass.
  const phrases = clauses.map((c) => c.split(PART_BREAK).map((p) => [...new Set(claimTerms(p).map(known))]));
  const terms = phrases.map((c) => new Set(c.flat()));
  // Pairs of one phrase the paper never says together, leaving out words another clause says too (a shared verb or subject).
  const apart = (i: number, j: number) =>
    phrases[i]!.flatMap((p) => {
      const own = p.filter((t) => !terms[j]!.has(t));
      return own.flatMap((x, k) => own.slice(k + 1).filter((y) => !together(x, y)).map((y) => [x, y] as const));
    });
  for (let i = 0; i < clauses.length; i++) {
    for (let j = i + 1; j < clauses.length; j++) {
      const others = apart(j, i);
      for (const [x, y] of apart(i, j)) {
        for (const [u, v] of others) {
          if (together(x, v) && together(u, y) && !together(x, u) && !together(y, v)) return [x, y, u, v];
          if (together(x, u) && together(v, y) && !together(x, v) && !together(y, u)) return [x, y, v, u];
        }
      }
    }
  }
  return undefined;
}
