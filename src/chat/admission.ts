import type { Config } from '../config.ts';
import { messages } from './messages.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface Admission {
  limits: Config['limits'];
  rateLimiter: RateLimiter;
}

/**
 * Why a request is refused before it reaches the engine, or undefined to go ahead. Refused input
 * never uses up a rate-limit slot; requests that do not search (help, digest settings) pass
 * `rateLimited: false`.
 *
 * @param ifEmpty what to say when `text` is empty; leave it out when empty text is fine.
 */
export function refusalFor(
  text: string,
  { userKey, ifEmpty, rateLimited = true }: { userKey: string; ifEmpty?: string; rateLimited?: boolean },
  { limits, rateLimiter }: Admission,
): string | undefined {
  if (text.length === 0 && ifEmpty !== undefined) return ifEmpty;
  if (text.length > limits.maxQuestionChars) return messages.tooLong(limits.maxQuestionChars);
  if (!rateLimited) return undefined;
  const waitSeconds = rateLimiter.take(userKey);
  return waitSeconds > 0 ? messages.rateLimited(waitSeconds) : undefined;
}

/** Rate limits are per person: user ids are unique within a Slack workspace, and across Discord. */
export function userKeyOf({ platform, workspaceId, userId }: { platform: string; workspaceId?: string; userId: string }): string {
  return platform === 'slack' ? `slack:${workspaceId ?? ''}:${userId}` : `${platform}:${userId}`;
}
