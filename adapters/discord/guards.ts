/** Checks and limits shared by slash commands and mentions: input size, rate limit, timeouts, error text. */
import { PaperboyError } from '../../src/errors.ts';
import { rateLimitMessage } from '../shared/rate-limit.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

/** Why a request is refused before it reaches the engine, or undefined when it may proceed. */
export function refusalFor(
  text: string,
  userId: string,
  ctx: Pick<DiscordHandlerContext, 'limits' | 'rateLimiter'>,
): string | undefined {
  if (text.length === 0) return 'Please type something for me to look up.';
  if (text.length > ctx.limits.maxQuestionChars) {
    return `That is ${text.length} characters; please keep it under ${ctx.limits.maxQuestionChars}.`;
  }
  const waitSeconds = ctx.rateLimiter.take(`discord:${userId}`);
  return waitSeconds > 0 ? rateLimitMessage(waitSeconds) : undefined;
}

/**
 * Runs an engine call with a deadline. The signal tells the engine to stop; the race makes sure
 * the user hears back even from a call that ignores it.
 */
export async function withDeadline<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PaperboyError('platform', `No answer within ${ms} ms`);
      error.name = 'TimeoutError';
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The short, safe text a user sees when their request failed; details go to the log only. */
export function userMessageFor(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return 'Sorry, that took too long to answer. Please try again in a moment.';
  }
  return 'Sorry, something went wrong while answering. Please try again later.';
}

/**
 * An error as the log should see it. discord.js REST errors carry the request URL, which for
 * interaction replies contains the interaction token, and the request body; keep what explains
 * the failure and drop the rest.
 */
export function errorForLog(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, status, method } = error as Error & Partial<Record<'code' | 'status' | 'method', unknown>>;
  return {
    name: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    ...(status === undefined ? {} : { status }),
    ...(method === undefined ? {} : { method }),
    stack: error.stack,
    ...(error.cause === undefined ? {} : { cause: errorForLog(error.cause) }),
  };
}
