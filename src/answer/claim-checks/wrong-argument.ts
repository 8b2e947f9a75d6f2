import { claimTerms, paperTerms } from '../../text/claim-terms.ts';

/**
 * What a verb or noun takes after its preposition. "Pseudo-targets produced by the multimodal
 * encoder" keeps the paper's "produced by" but puts another of its things after it: the paper's
 * pseudo-targets are "produced by a momentum model", and its multimodal encoder is never said with
 * "produced". When the paper has the same word and preposition only with other arguments, and says
 * the answer's argument elsewhere but never near the word, the answer has swapped the argument.
 */

const PREPOSITIONS = new Set('by from on for with into to in over across through via onto'.split(' '));
/** How many words the argument after the preposition may run to. */
const ARGUMENT_REACH = 4;
/** How near the word the paper must say the answer's argument for it to count as said with it. */
const NEAR = 8;

interface Slot {
  /** The content term right before the preposition. */
  head: string;
  preposition: string;
  /** The content terms after it, up to a function word that is not an article or a punctuation mark. */
  argument: string[];
}

function slotsOf(text: string, terms: (word: string) => string[]): Slot[] {
  const words = text.split(/\s+/);
  const out: Slot[] = [];
  words.forEach((w, i) => {
    const p = w.toLowerCase();
    const before = words[i - 1];
    if (!PREPOSITIONS.has(p) || !before || /[,;:()]$/.test(before)) return;
    const head = terms(before.replace(/[^\p{L}\p{N}-]+$/u, ''))[0];
    if (!head) return;
    const argument: string[] = [];
    for (const u of words.slice(i + 1, i + 1 + ARGUMENT_REACH)) {
      const bare = u.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
      const t = terms(bare);
      if (t.length === 0 && !/^(?:the|a|an|its|their|our)$/i.test(bare)) break;
      argument.push(...t);
      // An argument the answer goes on to elaborate after a comma ("across text, images and …", "on
      // FLANMINI, a collection that …") may be the paper's own in other words.
      if (/,$/.test(u)) return;
      if (/[;:.()]$/.test(u)) break;
    }
    if (argument.length > 0) out.push({ head, preposition: p, argument });
  });
  return out;
}

/** Words of one sentence with their positions, for "said near". */
function positions(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  text.split(/\s+/).forEach((w, i) => {
    for (const t of paperTerms(w)) out.set(t, [...(out.get(t) ?? []), i]);
  });
  return out;
}

/**
 * `[head preposition, answer's argument, paper's argument]` when the paper says the answer's head
 * and preposition only with other arguments and never says the answer's argument near the head;
 * or undefined.
 */
export function wrongArgument(claim: string, paperSentences: string[], known: (term: string) => string = (t) => t): [string, string, string] | undefined {
  const paperSlots = paperSentences.flatMap((s) => slotsOf(s, paperTerms));
  const near = paperSentences.map(positions);
  const saidNear = (a: string, b: string) => near.some((m) => (m.get(a) ?? []).some((i) => (m.get(b) ?? []).some((j) => Math.abs(i - j) <= NEAR)));
  const inPaper = (t: string) => near.some((m) => m.has(t));
  for (const slot of slotsOf(claim, (w) => claimTerms(w).map(known))) {
    const same = paperSlots.filter((p) => p.head === slot.head && p.preposition === slot.preposition);
    if (same.length === 0 || same.some((p) => p.argument.some((t) => slot.argument.includes(t)))) continue;
    // The answer's argument is the paper's, said of something else: its words are there, never near the head.
    const own = slot.argument.filter(inPaper);
    if (own.length === 0 || own.length < slot.argument.length || own.some((t) => saidNear(slot.head, t))) continue;
    return [`${slot.head} ${slot.preposition}`, slot.argument.join(' '), same[0]!.argument.join(' ')];
  }
  return undefined;
}
