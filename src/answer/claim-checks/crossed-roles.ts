import { claimTerms, paperTerms } from '../../text/claim-terms.ts';

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
const CLAUSE_BREAK = /\s*;\s*|,\s+(?:and|but)\s+(?!(?:the|a|an)\s)(?=\p{Ll}+\s)|,?\s+(?:and|while|whereas|but|whilst)\s+(?=(?:the|a|an|its|their|this|these|those|it|they|then)\s|\p{Lu}\S*\s+(?!(?:and|or|of|in|on|to|for|with|as|is|are)\b)\p{Ll})/u;

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

/** Consecutive content terms of a text ("late fusion", "factorized prior") with the word position of the second; function words and punctuation break them. */
function adjacentPairs(text: string, terms: (t: string) => string[]): { m: string; h: string; at: number }[] {
  const out: { m: string; h: string; at: number }[] = [];
  let last: string | undefined;
  text.split(/\s+/).forEach((w, at) => {
    const bare = w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    // A compound ("closed-book", "state-space") is a name of its own, not a member beside its head.
    const term = /[-'’]/.test(bare) ? undefined : terms(bare)[0];
    if (term && last) out.push({ m: last, h: term, at });
    last = term && !/[,;:()]$/.test(w) ? term : undefined;
  });
  return out;
}

/**
 * The wrong member of a list: "late fusion gave the best balance" where the paper lists early,
 * middle and late fusion, and the part of its sentence that says the rest of the claim (the best
 * balance) says "middle fusion". Returns `[claim's member, paper's member]`, or undefined.
 */
export function wrongMember(claim: string, paperSentences: string[], known: (term: string) => string = (t) => t): [string, string] | undefined {
  const claimSet = new Set(claimTerms(plain(claim)).map(known));
  const parts = paperSentences.flatMap((s) => plain(s).split(PART_BREAK)).map((p) => ({ terms: new Set(paperTerms(p)), pairs: adjacentPairs(p, paperTerms) }));
  // Members the paper lists together: the same head after two modifiers a few words apart ("early fusion, middle fusion, and late fusion").
  const listed = new Set(
    paperSentences.flatMap((s) => {
      const pairs = adjacentPairs(plain(s), paperTerms);
      return pairs.flatMap((a) => pairs.filter((b) => b.h === a.h && b.m !== a.m && Math.abs(b.at - a.at) <= LIST_REACH).map((b) => `${a.m} ${b.m} ${a.h}`));
    }),
  );
  const words = plain(claim).split(/\s+/);
  for (const { m, h, at } of adjacentPairs(plain(claim), (w) => claimTerms(w).map(known))) {
    // A member the answer lists with others ("recurrent models and structured SSMs") is not one it singles out.
    if (/,$/.test(words[at] ?? '') || /^(?:and|or)$/i.test(words[at + 1] ?? '') || /^(?:and|or)$/i.test(words[at - 2] ?? '')) continue;
    const rest = [...claimSet].filter((t) => t !== m && t !== h);
    let best: { shared: number; part?: (typeof parts)[number] } = { shared: 0 };
    for (const p of parts) {
      const shared = rest.filter((t) => p.terms.has(t)).length;
      if (shared > best.shared) best = { shared, part: p };
    }
    if (!best.part || best.shared < MIN_REST || best.part.terms.has(m)) continue;
    const sibling = best.part.pairs.find((p) => p.h === h && !claimSet.has(p.m) && listed.has(`${m} ${p.m} ${h}`));
    if (sibling) return [m, sibling.m];
  }
  return undefined;
}

/** How many of the claim's other terms the paper's part must say for its member to be the one meant. */
const MIN_REST = 2;
/** How many words apart two members of one list may stand. */
const LIST_REACH = 5;

/** A part of the paper that starts with a noun phrase ("the regressor predicts …"): its first two terms say who does what. */
const SUBJECT_START = /^(?:the|a|an|our|its|their|this|each)\s+/i;

/**
 * The wrong subject: "the decoder predicts the representations" where the paper's parallel parts
 * say "the regressor predicts the representations …; the decoder reconstructs …". Returns
 * `[claim's subject, paper's subject]`, or undefined.
 */
export function wrongSubject(claim: string, paperSentences: string[], known: (term: string) => string = (t) => t): [string, string] | undefined {
  const acts = paperSentences.flatMap((s, sentence) =>
    plain(s)
      .split(PART_BREAK)
      .flatMap((p) => {
        const [who, does] = paperTerms(p);
        return SUBJECT_START.test(p.trim()) && who && does ? [{ sentence, who, does }] : [];
      }),
  );
  for (const clause of plain(claim).split(CLAUSE_BREAK)) {
    const terms = claimTerms(clause).map(known);
    // The subject is one of the clause's first two terms ("CAE's decoder"), the verb the term after it.
    for (const [i, who] of terms.slice(0, 2).entries()) {
      const does = terms[i + 1];
      const own = acts.filter((a) => a.who === who);
      if (!does || own.length === 0 || own.some((a) => a.does === does)) continue;
      const other = acts.find((a) => a.does === does && a.who !== who && !terms.includes(a.who) && own.some((o) => o.sentence === a.sentence));
      if (other) return [who, other.who];
    }
  }
  return undefined;
}
