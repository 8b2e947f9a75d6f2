/**
 * Where a follow-up's read of a Slack thread starts. conversations.replies returns a thread oldest
 * first, and apps outside the Marketplace get one page of 15 messages a minute: read from the
 * parent, a long thread shows its first messages, not the turns a follow-up points back to. The
 * bot knows where the asker's recent exchanges with it in a thread began (the questions it
 * answered there), so the read starts at those (see fetchConversation).
 */
import { MAX_TURNS } from '../../src/chat/conversation.ts';

/** One person's conversation with the bot in one thread (`threadTs`: the thread's first message). */
export interface ThreadAsker {
  channel: string;
  threadTs: string;
  userId: string;
}

export interface ThreadMemory {
  /** The bot is answering the asker's message `ts`. */
  answering(asker: ThreadAsker, ts: string): void;
  /** The asker's questions of their last exchanges remembered before `beforeTs`, oldest first (none: not answered there). */
  askedBefore(asker: ThreadAsker, beforeTs: string): string[];
}

/** Exchanges remembered back from a question: with their answers, the turns the core keeps at most. */
const EXCHANGES = MAX_TURNS / 2;
/** Askers in threads remembered; the one who asked least recently is forgotten first. */
const ASKERS = 10_000;

const byTs = (a: string, b: string) => Number(a) - Number(b);

/**
 * One per Slack app, in memory: after a restart (or on another replica) an asker's first
 * follow-up in a thread is read from the thread's start, as before, and from their latest
 * exchange from then on. Other people's exchanges are not kept: the core leaves them out.
 *
 * @example
 * const threads = createThreadMemory();
 * const asker = { channel: 'C1', threadTs: '1764230400.000100', userId: 'U1' };
 * threads.answering(asker, '1764230460.000200');
 * threads.askedBefore(asker, '1764230520.000300'); // ['1764230460.000200']
 */
export function createThreadMemory({ exchanges = EXCHANGES, askers = ASKERS }: { exchanges?: number; askers?: number } = {}): ThreadMemory {
  const asked = new Map<string, string[]>();
  const keyOf = ({ channel, threadTs, userId }: ThreadAsker) => `${channel}/${threadTs}/${userId}`;
  return {
    answering(asker, ts) {
      const key = keyOf(asker);
      // One more than a read needs: the question being answered is remembered before its own read.
      const questions = [...new Set([...(asked.get(key) ?? []), ts])].sort(byTs).slice(-(exchanges + 1));
      asked.delete(key);
      asked.set(key, questions);
      if (asked.size > askers) asked.delete(asked.keys().next().value!);
    },
    askedBefore(asker, beforeTs) {
      return (asked.get(keyOf(asker)) ?? []).filter((ts) => Number(ts) < Number(beforeTs)).slice(-exchanges);
    },
  };
}
