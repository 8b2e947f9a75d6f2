import type { Turn } from '../types.ts';
import { isBotNotice } from './messages.ts';
import type { ConversationMessage } from './transport.ts';

/** How many earlier turns reach the engine; older ones rarely help and cost tokens. */
export const MAX_TURNS = 20;

/**
 * The conversation as the engine should see it, oldest first: the asker's own messages to the bot
 * and the bot's answers to the asker (or the bot's own posts, such as a digest, that started the
 * thread). Colleagues' chatter, their exchanges with the bot, placeholders and apologies are left
 * out. Only the newest `maxTurns` are kept.
 */
export function conversationTurns(newestFirst: ConversationMessage[], askerId: string, maxTurns = MAX_TURNS): Turn[] {
  const turns: Turn[] = [];
  // Whose question the bot's next message answers; undefined before anyone asked.
  let addressedBy: string | undefined;
  for (const m of [...newestFirst].reverse()) {
    const text = m.text.trim();
    if (m.fromBot) {
      if (text && !isBotNotice(text) && (addressedBy === undefined || addressedBy === askerId)) turns.push({ role: 'assistant', text });
    } else if (m.toBot) {
      addressedBy = m.userId;
      if (m.userId === askerId && text) turns.push({ role: 'user', text });
    }
  }
  return turns.slice(-maxTurns);
}
