/**
 * Who may change a Slack channel's digest, and whether Paperboy can post there: asked of Slack
 * (`conversations.info`) each time, so a new channel creator or a bot kicked out is seen at once.
 */
import type { webApi } from '@slack/bolt';

export interface ChannelChange {
  channelId: string;
  userId: string;
  /** ADMIN_USER_IDS: may change any channel's digest. */
  isAdmin: boolean;
  /** Subscribing also needs the bot in the channel, or the first digest would fail with `not_in_channel`. */
  needsBot: boolean;
}

export const channelAccessMessages = {
  notAllowed: "Only this channel's creator or a Paperboy admin (ADMIN_USER_IDS) can change its digest.",
  notInChannel: 'I am not in this channel: invite me with `/invite @Paperboy`, then try again.',
  missingScope: (scope: string) =>
    `I cannot check this channel: the app lacks the \`${scope}\` scope. Reinstall it from adapters/slack/manifest.yaml.`,
} as const;

interface ChannelInfo {
  is_im?: boolean;
  is_member?: boolean;
  creator?: string;
  user?: string;
}

/**
 * Why `userId` may not change the digest of `channelId` (a message for them), or undefined when
 * they may. A DM with Paperboy belongs to the person in it.
 *
 * @example const refusal = await refusalToChangeDigest(client, { channelId, userId, isAdmin: false, needsBot: true });
 */
export async function refusalToChangeDigest(client: webApi.WebClient, change: ChannelChange): Promise<string | undefined> {
  let info: ChannelInfo;
  try {
    info = ((await client.conversations.info({ channel: change.channelId })).channel ?? {}) as ChannelInfo;
  } catch (err) {
    const { error, needed } = (err as { data?: { error?: string; needed?: string } }).data ?? {};
    // A private channel Paperboy is not in is invisible to it.
    if (error === 'channel_not_found') return channelAccessMessages.notInChannel;
    if (error === 'missing_scope') return channelAccessMessages.missingScope(needed ?? 'channels:read');
    throw err;
  }
  const owner = info.is_im ? info.user : info.creator;
  if (!change.isAdmin && owner !== change.userId) return channelAccessMessages.notAllowed;
  if (change.needsBot && !info.is_im && info.is_member !== true) return channelAccessMessages.notInChannel;
  return undefined;
}
