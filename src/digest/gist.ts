/**
 * Extractive gists: a sentence that says what a paper contributes, taken verbatim from its
 * abstract (or HF's AI summary), trimmed to fit one digest line.
 */
import { splitSentences } from '../text/sentences.ts';

/** Sentences that state a contribution read best as a gist. */
const CONTRIBUTION = /\b(?:we|this (?:paper|work))\s+(?:propose|present|introduce|show|find|release|describe|develop|design|study|demonstrate)/i;

/**
 * @example
 * gistOf({ abstract: 'Speech models lag. We propose MCA, which learns chunks. It wins.' })
 * // 'We propose MCA, which learns chunks.'
 */
export function gistOf({ abstract, aiSummary }: { abstract: string; aiSummary?: string }, maxChars = 220): string {
  if (aiSummary) return clip(splitSentences(aiSummary)[0] ?? aiSummary, maxChars);
  const sentences = splitSentences(abstract);
  return clip(sentences.find((s) => CONTRIBUTION.test(s)) ?? sentences[0] ?? '', maxChars);
}

/** A few sentences for the thread: the contribution and what follows it. */
export function detailsOf({ abstract, aiSummary }: { abstract: string; aiSummary?: string }, maxChars = 500): string {
  const sentences = splitSentences(abstract);
  const from = Math.max(0, sentences.findIndex((s) => CONTRIBUTION.test(s)));
  const picked: string[] = aiSummary ? [aiSummary] : [];
  for (const s of sentences.slice(from)) {
    if ([...picked, s].join(' ').length > maxChars && picked.length > 0) break;
    picked.push(s);
  }
  return clip(picked.join(' '), maxChars);
}

/** Cuts at a word boundary and marks the cut. */
export function clip(text: string, maxChars: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= maxChars) return t;
  const cut = t.slice(0, maxChars - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxChars / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
