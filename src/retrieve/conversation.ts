import { titleKey } from '../text/normalize.ts';
import { contentTerms } from '../text/tokenize.ts';
import type { Paper, PaperRef, Turn } from '../types.ts';

/** Words that point back into the conversation ("those", "the first one", "does it…"). */
const POINTS_BACK = /\b(?:th(?:ose|ese|em|ey|eir|at one|is one|at paper|is paper|e paper|e papers|e authors)|its?|the (?:first|second|third|last|former|latter|same|above)|which one|above|mentioned|earlier|previous)\b/i;
/** Openings that continue the conversation ("and …", "what about …"). */
const CONTINUES = /^\s*(?:and|but|also|what about|how about|ok(?:ay)?,? (?:and|so))\b/i;

/** True when a message only makes sense with the conversation before it. */
export function pointsBack(question: string): boolean {
  return POINTS_BACK.test(question);
}

/**
 * Follow-ups like "and which of those is fastest?" say little on their own: retrieval also sees
 * the previous question of the conversation. A question that stands on its own (a new topic in
 * the same thread) is left alone.
 */
export function retrievalQuery(question: string, history: Turn[] = []): string {
  const previous = [...history].reverse().find((t) => t.role === 'user' && t.text.trim() !== question.trim());
  const followsUp = POINTS_BACK.test(question) || CONTINUES.test(question) || contentTerms(question).length <= 2;
  return previous && followsUp ? `${question}\n${previous.text}` : question;
}

/**
 * The papers the last answer of the conversation cited, found by their titles in its text (the
 * one thing every platform's history keeps), in the order the answer names them.
 */
export function papersCitedLast(history: Turn[], titles: PaperRef[]): PaperRef[] {
  const last = [...history].reverse().find((t) => t.role === 'assistant');
  if (!last) return [];
  const text = ` ${titleKey(last.text)} `;
  return titles
    .map((p) => ({ p, key: titleKey(p.title) }))
    .filter(({ key }) => key.length >= 8 && text.includes(` ${key} `))
    .sort((a, b) => text.indexOf(` ${a.key} `) - text.indexOf(` ${b.key} `))
    .map(({ p }) => p);
}

/**
 * True when `candidate` has words of the follow-up that none of the papers cited before has: the
 * earlier answer missed the paper the follow-up is after ("does any of them handle video?" when
 * no cited paper is about video, but the best paper for the conversation is).
 */
export function answersWhatCitedLack(question: string, cited: Pick<Paper, 'title' | 'abstract'>[], candidate: Pick<Paper, 'title' | 'abstract'>): boolean {
  const asked = new Set(contentTerms(question));
  const termsOf = (p: Pick<Paper, 'title' | 'abstract'>) => new Set(contentTerms(`${p.title} ${p.abstract}`));
  const citedTerms = cited.map(termsOf);
  return [...termsOf(candidate)].some((t) => asked.has(t) && !citedTerms.some((c) => c.has(t)));
}
