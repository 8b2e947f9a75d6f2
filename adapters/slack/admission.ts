import type { SlackDeps } from './deps.ts';
import { messages } from './messages.ts';

/**
 * Decides whether a request goes to the engine. Returns the polite refusal to show the user, or
 * undefined to go ahead. Checks are ordered so that refused input never uses up a rate-limit slot.
 *
 * @param ifEmpty what to say when `text` is empty; leave it out when empty text is fine.
 */
export function refusalFor(
  text: string,
  { userKey, deps, ifEmpty, rateLimited = true }: { userKey: string; deps: SlackDeps; ifEmpty?: string; rateLimited?: boolean },
): string | undefined {
  const { limits, rateLimiter } = deps;
  if (text.length === 0 && ifEmpty !== undefined) return ifEmpty;
  if (text.length > limits.maxQuestionChars) return messages.tooLong(limits.maxQuestionChars);
  if (!rateLimited) return undefined;
  const waitSeconds = rateLimiter.take(userKey);
  return waitSeconds > 0 ? messages.rateLimited(waitSeconds) : undefined;
}

/** Rate limits are per Slack user, and user ids are only unique within a workspace. */
export function slackUserKey(teamId: string | undefined, userId: string): string {
  return `slack:${teamId ?? ''}:${userId}`;
}
