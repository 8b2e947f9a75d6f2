import { PaperboyError } from '../errors.ts';
import type { ChannelRef } from './types.ts';

/**
 * The bot can no longer post to the channel (removed, archived, missing access). Posters throw it;
 * the digest marks the subscription removed and stops trying.
 */
export class ChannelGoneError extends PaperboyError {
  constructor(
    readonly channel: ChannelRef,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('platform', `${channel.platform} channel ${channel.channelId} is gone: ${reason}`, options);
  }
}

/** A digest command that cannot be carried out as asked; `message` is fit to show the user. */
export class DigestRequestError extends PaperboyError {
  constructor(
    readonly reason: 'not-admin' | 'bad-cron' | 'bad-topics' | 'bad-channel' | 'bad-since',
    message: string,
  ) {
    super('config', message);
  }
}
