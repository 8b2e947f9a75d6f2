import type { webApi } from '@slack/bolt';
import { slackTextToPlain } from '../format/slack-mrkdwn.ts';
import type { Turn } from '../../src/types.ts';
import { isPlaceholder } from './messages.ts';

/** How many earlier turns of a thread reach the engine; older ones rarely help and cost tokens. */
const MAX_TURNS = 20;
/** One page of `conversations.replies`: long threads keep their oldest 200 messages in view. */
const PAGE_SIZE = 200;

/**
 * The earlier turns of a Slack thread, oldest first: the bot's replies as `assistant`, people's
 * messages as `user` (with the bot mention removed). Other bots and the bot's placeholders are skipped.
 */
export async function fetchThreadHistory(
  client: webApi.WebClient,
  { channel, threadTs, beforeTs, botUserId, botId }: { channel: string; threadTs: string; beforeTs: string; botUserId?: string; botId?: string },
): Promise<Turn[]> {
  const result = await client.conversations.replies({ channel, ts: threadTs, limit: PAGE_SIZE });
  const turns: Turn[] = [];
  for (const m of result.messages ?? []) {
    if (m.ts === undefined || Number(m.ts) >= Number(beforeTs)) continue;
    const fromThisBot = (botUserId !== undefined && m.user === botUserId) || (botId !== undefined && m.bot_id === botId);
    if (fromThisBot) {
      if (m.text && !isPlaceholder(m.text)) turns.push({ role: 'assistant', text: slackTextToPlain(m.text) });
    } else if (m.bot_id === undefined) {
      const text = slackTextToPlain(m.text ?? '', botUserId);
      if (text) turns.push({ role: 'user', text });
    }
  }
  return turns.slice(-MAX_TURNS);
}
