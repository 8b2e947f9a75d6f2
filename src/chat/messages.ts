/** What the bot says on its own behalf in every chat platform (everything else comes from the engine). */
import type { Engine } from '../types.ts';
import { rateLimitMessage } from './rate-limit.ts';

const PLACEHOLDER_PREFIX = 'Looking through';

export const messages = {
  placeholder: (paperCount: number | undefined) =>
    paperCount === undefined ? `${PLACEHOLDER_PREFIX} the papers…` : `${PLACEHOLDER_PREFIX} ${paperCount.toLocaleString('en-US')} papers…`,
  /** `help` names the platform's way to get help, e.g. "`/papers help`". */
  emptyQuestion: (help: string) => `Ask me something about research papers, e.g. “what is new on learned sparse retrieval?” — or try ${help}.`,
  tooLong: (max: number) => `That question is too long for me: please keep it under ${max.toLocaleString('en-US')} characters.`,
  rateLimited: rateLimitMessage,
  apology: 'Sorry, something went wrong while I was answering. Please try again in a moment.',
  timedOut: 'Sorry, that took too long to answer. Please try again in a moment.',
  interrupted: 'Sorry, I was interrupted while answering this. Please ask again.',
} as const;

/** True for the bot's own "Looking through N papers…" and its apologies: not answers, so not history. */
export function isBotNotice(text: string | undefined): boolean {
  if (text === undefined) return false;
  return (text.startsWith(PLACEHOLDER_PREFIX) && text.endsWith('…')) || ([messages.apology, messages.timedOut, messages.interrupted] as string[]).includes(text);
}

/** The short, safe text a user sees when answering failed; details go to the log only. */
export function userMessageFor(error: unknown): string {
  return error instanceof Error && error.name === 'TimeoutError' ? messages.timedOut : messages.apology;
}

/** The count is nice to have; the platforms' 3 s acknowledgement windows and a prompt placeholder are not optional. */
const COUNT_WAIT_MS = 1000;

/** "Looking through N papers…", without N if the store is slow or failing. */
export async function placeholderFor(engine: Pick<Engine, 'countPapers'>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), COUNT_WAIT_MS)));
  try {
    return messages.placeholder(await Promise.race([engine.countPapers().catch(() => undefined), timeout]));
  } finally {
    clearTimeout(timer);
  }
}
