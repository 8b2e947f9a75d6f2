import { claimTerms, paperTerms } from '../../text/claim-terms.ts';
import { rhyme } from './sibling-swap.ts';

/**
 * Who does what to whom. "A learnable decoder generates the embeddings that serve as the encoder's
 * input" uses every word of "a learnable encoder generates content-adaptive embeddings, which act
 * as the decoder input"; the two counterparts (encoder and decoder, teacher and student) have
 * traded places. When the answer puts next to one counterpart a word the paper puts only next to
 * the other, and the other way round, it has swapped them.
 */

/** A word stands next to a counterpart when no other content word comes between them. */
const NEXT = 1;
/** How far from a counterpart the paper must keep a word for it to be said only of the other. */
const APART = 4;
/** Words that set two counterparts side by side: "teacher and student", "encoder or decoder". */
const JOIN = /^(?:and|or|&|vs\.?|versus|nor)$/i;
/** Where a clause ends, so that words across it do not stand together. */
const BREAK = /[,;:()]$|^(?:and|but|while|whereas|which|that|than)$/i;

/** The content terms of a text, as runs within a clause. */
function runsOf(text: string, terms: (word: string) => string[]): string[][] {
  const runs: string[][] = [[]];
  for (const w of text.split(/\s+/)) {
    const t = terms(w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))[0];
    if (t) runs[runs.length - 1]!.push(t);
    if (BREAK.test(w)) runs.push([]);
  }
  return runs.filter((r) => r.length > 0);
}

/** The words standing within `reach` of each term, over all runs. */
function neighbours(runs: string[][], reach: number): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const run of runs) {
    run.forEach((t, i) => {
      const near = out.get(t) ?? new Set<string>();
      for (const u of run.slice(Math.max(0, i - reach), i + reach + 1)) if (u !== t) near.add(u);
      out.set(t, near);
    });
  }
  return out;
}

/** Counterparts the paper sets side by side ("teacher and student") or that differ only in their start ("encod"/"decod"). */
function counterparts(sentences: string[], terms: (word: string) => string[]): Set<string> {
  const out = new Set<string>();
  for (const s of sentences) {
    const words = s.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
    words.forEach((w, i) => {
      const [a, b] = [terms(words[i - 1] ?? '')[0], terms(words[i + 1] ?? '')[0]];
      if (JOIN.test(w) && a && b && a !== b) out.add(`${a} ${b}`).add(`${b} ${a}`);
    });
  }
  return out;
}

/**
 * `[a, b, word said with b, word said with a]` when the answer says with counterpart `a` a word the
 * paper says only with `b`, and with `b` a word the paper says only with `a`; or undefined.
 */
export function swappedRoles(claim: string, paperSentences: string[], known: (term: string) => string = (t) => t): [string, string, string, string] | undefined {
  const claimRuns = runsOf(claim, (w) => claimTerms(w).map(known));
  const mine = neighbours(claimRuns, NEXT);
  const paperRuns = paperSentences.flatMap((s) => runsOf(s, paperTerms));
  const [next, near] = [neighbours(paperRuns, NEXT), neighbours(paperRuns, APART)];
  const pairs = counterparts(paperSentences, paperTerms);
  // Counterparts the answer itself joins ("the encoder and decoder") are said together, not swapped.
  const joined = counterparts([claim], (w) => claimTerms(w).map(known));
  const none = new Set<string>();
  for (const [a, nearA] of mine) {
    for (const [b, nearB] of mine) {
      if (a >= b || !(pairs.has(`${a} ${b}`) || rhyme(a, b)) || joined.has(`${a} ${b}`)) continue;
      const onlyWith = (x: string, y: string, z: string) => x !== y && x !== z && (next.get(y) ?? none).has(x) && !(near.get(z) ?? none).has(x);
      const withB = [...nearA].find((x) => onlyWith(x, b, a));
      const withA = [...nearB].find((y) => onlyWith(y, a, b));
      if (withB && withA) return [a, b, withB, withA];
    }
  }
  return undefined;
}
