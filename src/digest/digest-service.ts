/**
 * What the Slack and Discord adapters call for `/papers digest …` and `/digest …`, and what
 * `npm run digest -- --dry-run` calls. Platform-neutral: adapters translate commands in and
 * render the structured results out.
 */
import { channelKeyOf } from './digest-store.ts';
import { createDelivering, type DeliveryOutcome, type DeliveryTarget, type DigestDeps } from './delivery.ts';
import { renderDigestMarkdown } from './build-digest.ts';
import { DigestRequestError } from './errors.ts';
import { localDay, nextOccurrence, parseCron } from './schedule.ts';
import type { ChannelRef, Delivery, Digest, Platform, Subscription } from './types.ts';

export interface DigestStatus {
  subscribed: boolean;
  /** `removed` when the bot lost access to the channel. */
  status?: Subscription['status'];
  removedReason?: string;
  topics: string[];
  cron: string;
  timezone: string;
  /** Next scheduled digest; undefined when not subscribed. */
  nextRun?: Date;
  lastDelivery?: Pick<Delivery, 'day' | 'state' | 'postedAt' | 'messageRef' | 'error'> & { paperCount: number };
}

export interface DryRunOptions {
  /** `slack:C123` or `discord:123`: use that channel's topics and last delivery. */
  channel?: string;
  /** ISO date or time; default: where the channel's last digest stopped, else the previous scheduled run. */
  since?: string;
  /** Overrides the channel's topics. */
  topics?: string[];
  /** Fetch and store the sources' new papers first, as a scheduled run would (default false: the store as it is). */
  fetch?: boolean;
}

export interface DigestService {
  subscribe(platform: Platform, channelId: string, options: { topics?: string[]; cron?: string; userId: string }): Promise<Subscription>;
  /** False when the channel was not subscribed. */
  unsubscribe(platform: Platform, channelId: string): Promise<boolean>;
  status(platform: Platform, channelId: string): Promise<DigestStatus>;
  /** The digest the channel would get now; records and posts nothing. */
  preview(platform: Platform, channelId: string): Promise<Digest>;
  /**
   * Posts a digest now (admins only); throws DigestRequestError('not-admin') for anyone else.
   * `busy` when a digest for the channel is being delivered right now: try again in a minute.
   */
  postNow(platform: Platform, channelId: string, userId: string): Promise<{ outcome: DeliveryOutcome | 'busy'; key: string }>;
  /** Whether `userId` is a Paperboy admin (ADMIN_USER_IDS): may post now and change any channel's digest. */
  isAdmin(userId: string): boolean;
  /** The papers of the digest whose thread root is `messageRef`, for answering questions in that thread. */
  papersForThread(platform: Platform, channelId: string, messageRef: string): Promise<string[] | undefined>;
  /** Markdown of the digest that would be posted (short message, then the thread's full list). */
  dryRun(options?: DryRunOptions): Promise<string>;
}

/** Each topic costs one search per digest: keep the list short. */
export const MAX_TOPICS = 10;
export const MAX_TOPIC_CHARS = 80;

/**
 * Splits and normalises "speech, retrieval" / ["speech", "retrieval"]; throws DigestRequestError
 * for more than MAX_TOPICS topics or one longer than MAX_TOPIC_CHARS.
 */
export function parseTopics(input: string | string[] | undefined): string[] {
  const parts = (Array.isArray(input) ? input : [input ?? '']).flatMap((s) => s.split(/[,;\n]/));
  const topics = [...new Set(parts.map((t) => t.trim().toLowerCase().replace(/\s+/g, ' ')).filter((t) => t !== ''))];
  if (topics.length > MAX_TOPICS) throw new DigestRequestError('bad-topics', `At most ${MAX_TOPICS} topics, please (got ${topics.length}).`);
  const long = topics.find((t) => t.length > MAX_TOPIC_CHARS);
  if (long) throw new DigestRequestError('bad-topics', `Topics are a few words each; "${long.slice(0, 30)}…" is longer than ${MAX_TOPIC_CHARS} characters.`);
  return topics;
}

/**
 * @example
 * const digests = createDigestService({ engine, store, embedder, digestStore, posters, config: config.digest, fetchSource, ingestPapers, logger });
 * await digests.subscribe('slack', 'C123', { topics: ['speech'], userId: 'U1' });
 */
export function createDigestService(deps: DigestDeps): DigestService {
  const delivering = createDelivering(deps);
  const { digestStore, config } = deps;

  const target = (channel: ChannelRef, at: Date, key: string, subscription?: Subscription, topics?: string[]): DeliveryTarget => ({
    channel,
    key,
    day: localDay(at, config.timezone),
    at,
    topics: topics ?? subscription?.topics ?? [],
    schedule: delivering.schedule(subscription),
    subscription,
  });

  const previewTarget = async (platform: Platform, channelId: string, topics?: string[]) => {
    const subscription = await digestStore.getSubscription(channelKeyOf(platform, channelId));
    const now = delivering.clock();
    return target({ platform, channelId }, now, `${channelKeyOf(platform, channelId)}|preview`, subscription, topics);
  };

  return {
    async subscribe(platform, channelId, { topics, cron, userId }) {
      const key = channelKeyOf(platform, channelId);
      if (cron !== undefined) parseCron({ pattern: cron, timezone: config.timezone });
      const existing = await digestStore.getSubscription(key);
      const subscription: Subscription = {
        key,
        platform,
        channelId,
        topics: parseTopics(topics),
        ...(cron !== undefined && { cron }),
        createdBy: existing?.status === 'active' ? existing.createdBy : userId,
        // Changing topics keeps the schedule's start; re-subscribing after removal starts afresh.
        createdAt: existing?.status === 'active' ? existing.createdAt : delivering.clock().toISOString(),
        status: 'active',
      };
      await digestStore.putSubscription(subscription);
      return subscription;
    },

    unsubscribe: (platform, channelId) => digestStore.deleteSubscription(channelKeyOf(platform, channelId)),

    async status(platform, channelId) {
      const key = channelKeyOf(platform, channelId);
      const subscription = await digestStore.getSubscription(key);
      const schedule = delivering.schedule(subscription);
      const last = await digestStore.latest(key);
      return {
        subscribed: subscription?.status === 'active',
        ...(subscription && { status: subscription.status }),
        ...(subscription?.removedReason !== undefined && { removedReason: subscription.removedReason }),
        topics: subscription?.topics ?? [],
        cron: schedule.pattern,
        timezone: schedule.timezone,
        ...(subscription?.status === 'active' && { nextRun: nextOccurrence(schedule, delivering.clock()) }),
        ...(last && {
          lastDelivery: {
            day: last.day,
            state: last.state,
            paperCount: last.paperIds.length,
            ...(last.postedAt !== undefined && { postedAt: last.postedAt }),
            ...(last.messageRef !== undefined && { messageRef: last.messageRef }),
            ...(last.error !== undefined && { error: last.error }),
          },
        }),
      };
    },

    async preview(platform, channelId) {
      return delivering.build(await previewTarget(platform, channelId), []);
    },

    isAdmin: (userId) => config.adminUserIds.includes(userId),

    async postNow(platform, channelId, userId) {
      if (!config.adminUserIds.includes(userId)) {
        throw new DigestRequestError('not-admin', 'Only Paperboy admins (ADMIN_USER_IDS) can post a digest now.');
      }
      const subscription = await digestStore.getSubscription(channelKeyOf(platform, channelId));
      const now = delivering.clock();
      const day = localDay(now, config.timezone);
      const key = `${channelKeyOf(platform, channelId)}|${day}|now-${now.toISOString()}`;
      const wanted = target({ platform, channelId }, now, key, subscription?.status === 'active' ? subscription : undefined);
      if (delivering.inProgress(await digestStore.latest(channelKeyOf(platform, channelId)))) return { outcome: 'busy', key };
      const notes = await delivering.refresh();
      const claim = await delivering.claim(wanted);
      if (!claim) return { outcome: 'busy', key };
      // Someone asked for it: post even when there is nothing new.
      return { outcome: await delivering.complete(claim, wanted, { notes, sendEmpty: true }), key };
    },

    async papersForThread(platform, channelId, messageRef) {
      return (await digestStore.deliveryByMessage(channelKeyOf(platform, channelId), messageRef))?.paperIds;
    },

    async dryRun({ channel, since, topics, fetch = false } = {}) {
      const [platform, channelId] = parseChannel(channel);
      const from = since === undefined ? undefined : parseSince(since);
      const wanted = await previewTarget(platform, channelId, topics && topics.length > 0 ? parseTopics(topics) : undefined);
      const notes = fetch ? await delivering.refresh(from) : [];
      const digest = await delivering.build(wanted, notes, from);
      const full = renderDigestMarkdown(digest, { full: true });
      return digest.paperIds.length === 0 ? renderDigestMarkdown(digest) : `${renderDigestMarkdown(digest)}\n\n---\n_Thread:_\n\n${full}`;
    },
  };
}

/** `slack:C123`, `discord:123`; no channel previews for an unsubscribed channel with default settings. */
function parseChannel(channel: string | undefined): [Platform, string] {
  if (channel === undefined) return ['slack', '(dry-run)'];
  const m = /^(slack|discord):(\S+)$/.exec(channel.trim());
  if (!m) throw new DigestRequestError('bad-channel', `--channel "${channel}": expected slack:<channel id> or discord:<channel id>`);
  return [m[1] as Platform, m[2]!];
}

function parseSince(since: string): Date {
  const at = new Date(since);
  if (Number.isNaN(at.getTime())) throw new DigestRequestError('bad-since', `--since "${since}": expected a date like 2026-11-26 or an ISO time`);
  return at;
}
