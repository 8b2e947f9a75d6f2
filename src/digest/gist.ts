/**
 * Extractive gists: one sentence of the abstract (or HF's AI summary) that says what the paper does
 * or finds and reads on its own, trimmed to fit one digest line.
 */
import { splitSentences } from '../text/sentences.ts';

/** Sentences that state a contribution read best as a gist. */
const CONTRIBUTION =
  /\b(?:we|this (?:paper|work|study|article))\s+(?:(?:also|further|then|first|here)\s+)?(?:propose|present|introduce|develop|design|build|construct|release|describe|study|investigate|explore|examine|analy[sz]e|evaluate|benchmark|formulate|provide|offer|derive|establish|train|demonstrate|show|find|report|achieve|prove|argue)/i;
/** Then sentences that state a result. */
const RESULT = /\b(?:results?|experiments?|evaluations?|analys[ie]s)\s+(?:show|demonstrate|indicate|reveal|suggest|confirm)|\b(?:outperform|surpass|improv|achiev|reduc)\w*/i;
/** A connective or a pointer back that opens a sentence; the sentence reads on its own without it. */
const LEAD_IN =
  /^(?:consequently|therefore|thus|hence|however|moreover|furthermore|additionally|in addition|also|then|finally|further|here|specifically|in particular|particularly|to this end|to that end|in this (?:paper|work|study|article)|in this regard|as a result|accordingly|besides|meanwhile|notably|importantly|overall|in summary|in short|to (?:address|tackle|overcome|solve|fill|bridge|close|mitigate|remedy|alleviate) (?:this|these|that|those|such|the above|the aforementioned)\b[^,]*),\s+/i;
/** An opening clause that leans on the sentence before ("Based on this discovery, we …"). */
const LEANING_CLAUSE = /^[^,]{0,60}\b(?:this|these|that|those|such|above|aforementioned)\b[^,]{0,40},\s+(?=we\b)/i;
/** Openings that point at something the reader of one sentence has not seen. */
const DANGLING =
  /^(?:[([]|[ivx]+\)|for \(|(?:this|that)\b(?!\s+(?:paper|work|study|article|survey|thesis|report)\b)|these\b|those\b|it\b|its\b|they\b|their\b|such\b|both\b|the (?:former|latter|above|aforementioned)\b|(?:first|second|third|next|last)(?:ly)?\b)/i;

/** A sentence as a stand-alone line: lead-in dropped and capitalised, or undefined when it cannot stand alone. */
function standAlone(sentence: string): string | undefined {
  const s = sentence.replace(LEAD_IN, '').replace(LEANING_CLAUSE, '');
  const line = s.charAt(0).toUpperCase() + s.slice(1);
  if (DANGLING.test(line) || line.endsWith('?') || line.length < 25) return undefined;
  return line;
}

/** The index of the sentence to lead with and how it reads alone: a contribution, else a result, else the first that stands alone. */
function lead(sentences: string[]): { at: number; line: string } | undefined {
  const lines = sentences.map(standAlone);
  for (const wanted of [CONTRIBUTION, RESULT, /./]) {
    const at = lines.findIndex((line) => line !== undefined && wanted.test(line));
    if (at >= 0) return { at, line: lines[at]! };
  }
  return undefined;
}

/**
 * @example
 * gistOf({ abstract: 'Speech models lag. Consequently, we propose MCA, which learns chunks. It wins.' })
 * // 'We propose MCA, which learns chunks.'
 */
export function gistOf({ abstract, aiSummary }: { abstract: string; aiSummary?: string }, maxChars = 220): string {
  if (aiSummary) return clip(splitSentences(aiSummary)[0] ?? aiSummary, maxChars);
  const sentences = splitSentences(abstract);
  return clip(lead(sentences)?.line ?? sentences[0]?.replace(LEAD_IN, '') ?? '', maxChars);
}

/** A few sentences for the thread: the gist's sentence and what follows it. */
export function detailsOf({ abstract, aiSummary }: { abstract: string; aiSummary?: string }, maxChars = 500): string {
  const sentences = splitSentences(abstract);
  const first = lead(sentences);
  const rest = first ? [first.line, ...sentences.slice(first.at + 1)] : sentences;
  const picked: string[] = aiSummary ? [aiSummary] : [];
  for (const s of rest) {
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
