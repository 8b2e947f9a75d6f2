/**
 * Where a follow-up's read of a Slack thread starts. conversations.replies returns a thread oldest
 * first, and apps outside the Marketplace get one page of 15 messages a minute: read from the
 * parent, a long thread shows its first messages, not the turns a follow-up points back to. The
 * bot knows where its own recent exchanges in a thread began (the questions it answered there),
 * so the read starts at those (see fetchConversation).
 */
import { MAX_TURNS } from '../../src/chat/conversation.ts';

export interface ThreadMemory {
  /** The bot is answering the message `ts`, in the thread whose first message is `threadTs`. */
  answering(channel: string, threadTs: string, ts: string): void;
  /** The questions of the last exchanges remembered in the thread before `beforeTs`, oldest first (none: not answered there). */
  askedBefore(channel: string, threadTs: string, beforeTs: string): string[];
}

/** Exchanges remembered back from a question: with their answers, the turns the core keeps at most. */
const EXCHANGES = MAX_TURNS / 2;
/** Threads remembered; the one asked in least recently is forgotten first. */
const THREADS = 10_000;

const byTs = (a: string, b: string) => Number(a) - Number(b);

/**
 * One per Slack app, in memory: after a restart (or on another replica) a thread's first
 * follow-up is read from its start, as before, and the read moves to its end from then on.
 *
 * @example
 * const threads = createThreadMemory();
 * threads.answering('C1', '1764230400.000100', '1764230460.000200');
 * threads.askedBefore('C1', '1764230400.000100', '1764230520.000300'); // ['1764230460.000200']
 */
export function createThreadMemory({ exchanges = EXCHANGES, threads = THREADS }: { exchanges?: number; threads?: number } = {}): ThreadMemory {
  const asked = new Map<string, string[]>();
  const keyOf = (channel: string, threadTs: string) => `${channel}/${threadTs}`;
  return {
    answering(channel, threadTs, ts) {
      const key = keyOf(channel, threadTs);
      // One more than a read needs: the question being answered is remembered before its own read.
      const questions = [...new Set([...(asked.get(key) ?? []), ts])].sort(byTs).slice(-(exchanges + 1));
      asked.delete(key);
      asked.set(key, questions);
      if (asked.size > threads) asked.delete(asked.keys().next().value!);
    },
    askedBefore(channel, threadTs, beforeTs) {
      return (asked.get(keyOf(channel, threadTs)) ?? []).filter((ts) => Number(ts) < Number(beforeTs)).slice(-exchanges);
    },
  };
}
