import type { ComposeOptions, Composer } from '../answer/composer.ts';
import { groundAnswer } from '../answer/ground-answer.ts';
import type { Logger } from '../logger.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Answer } from '../types.ts';
import { ABSTAIN_SENTINEL, groundedAnswer, type GroundingSettings, type SourcePaper } from './grounded-answer.ts';
import type { ClaimVerifier } from './verify-claims.ts';

/** Notes shown to users when the model's answer could not be used. */
export const FALLBACK_NOTES = {
  failed: 'The language model could not answer just now, so these are direct quotes from the papers.',
  uncited: 'The generated answer was not supported by the papers it cited, so these are direct quotes from the papers.',
} as const;

export interface ReplyCheckDeps extends GroundingSettings {
  /** Answers with quotes when too little of the reply is supported. */
  fallback: Composer;
  /** A bounded model call judging each kept sentence against its quote (`LLM_VERIFY`). */
  verify?: ClaimVerifier;
  logger?: Logger;
  modelName?: string;
}

/** The fallback's answer, with the note telling users why they see it. */
export async function answerWithQuotes(fallback: Composer, question: string, papers: RetrievedPaper[], note: string): Promise<Omit<Answer, 'timingsMs'>> {
  return { ...(await fallback.compose(question, papers)), note };
}

/**
 * What every model reply (the plain answer's and the comparison agent's) goes through before
 * anyone sees it: the claim check, then the optional verifier within the question's budget, then
 * the fallback to quotes when too little survives (or the reply was unreadable).
 */
export async function checkedReply(
  text: string | undefined,
  { sources, papers, question }: { sources: SourcePaper[]; papers: RetrievedPaper[]; question: string },
  options: ComposeOptions,
  { fallback, verify, logger, modelName, claimCheck, minSupportedShare }: ReplyCheckDeps,
): Promise<Omit<Answer, 'timingsMs'>> {
  const checkedQuestion = `${question}\n${options.asked ?? ''}`;
  const vetoed = text !== undefined && verify ? await vetoedBy(verify, text, sources, checkedQuestion, options) : undefined;
  const answer = text === undefined ? undefined : groundedAnswer(text, sources, { question: checkedQuestion, logger, claimCheck, minSupportedShare, vetoed });
  if (answer) return answer;
  logger?.warn({ model: modelName }, 'too little of the LLM answer is supported by its sources; answering with quotes');
  return answerWithQuotes(fallback, question, papers, FALLBACK_NOTES.uncited);
}

/** The sentences the claim check keeps but the verifier rejects; none when the verifier failed. */
async function vetoedBy(verify: ClaimVerifier, text: string, sources: SourcePaper[], question: string, { deadline, signal }: ComposeOptions): Promise<Set<string>> {
  if (text.includes(ABSTAIN_SENTINEL)) return new Set();
  const { supported } = groundAnswer(text, sources, { question });
  const rejected = await verify(supported, { deadline, signal });
  return new Set([...(rejected ?? [])].map((i) => supported[i]!.sentence));
}
