/** What the bot says to users on its own behalf (everything else comes from the engine). */
import type { Engine } from '../../src/types.ts';
import { rateLimitMessage } from '../shared/rate-limit.ts';

const PLACEHOLDER_PREFIX = 'Looking through';

export const messages = {
  placeholder: (paperCount: number | undefined) =>
    paperCount === undefined ? `${PLACEHOLDER_PREFIX} the papers…` : `${PLACEHOLDER_PREFIX} ${paperCount.toLocaleString('en-US')} papers…`,
  emptyQuestion: (slashCommand: string) =>
    `Ask me something about research papers, e.g. “what is new on learned sparse retrieval?” — or try \`${slashCommand} help\`.`,
  tooLong: (max: number) => `That question is too long for me: please keep it under ${max.toLocaleString('en-US')} characters.`,
  rateLimited: rateLimitMessage,
  apology: 'Sorry, something went wrong while I was answering. Please try again in a moment.',
} as const;

/** True for the bot's own "Looking through N papers…" message (not a real answer). */
export function isPlaceholder(text: string | undefined): boolean {
  return text?.startsWith(PLACEHOLDER_PREFIX) === true && text.endsWith('…');
}

/** The count is nice to have; Slack's 3 s acknowledgement window and a prompt placeholder are not optional. */
const COUNT_WAIT_MS = 1000;

/** "Looking through N papers…", without N if the store is slow or failing. */
export async function placeholderFor(engine: Engine): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), COUNT_WAIT_MS)));
  try {
    return messages.placeholder(await Promise.race([engine.countPapers().catch(() => undefined), timeout]));
  } finally {
    clearTimeout(timer);
  }
}
