/**
 * The digest's platform-neutral types: what a channel subscribes to, what the ledger records, the
 * structured digest the adapters render, and the `DigestPoster` contract each platform implements.
 */
import type { Paper } from '../types.ts';

export type Platform = 'slack' | 'discord';

export interface ChannelRef {
  platform: Platform;
  channelId: string;
}

export interface Subscription extends ChannelRef {
  /** `platform:channelId` */
  key: string;
  /** Lower-cased, trimmed; empty means "everything new". */
  topics: string[];
  /** Per-channel cron override; undefined means `DIGEST_CRON`. */
  cron?: string;
  createdBy: string;
  /** ISO; scheduled times at or before it are never delivered (no digest the minute you subscribe). */
  createdAt: string;
  status: 'active' | 'removed';
  removedReason?: string;
}

/**
 * - `claimed`: a scheduler owns the lease and is building the digest; the poster was not called.
 * - `posting`: the poster may have been called; whoever resumes asks the poster first.
 * - `posted`: done (terminal). `skipped-empty`: nothing new and empty digests are off (terminal).
 * - `failed`: posting failed; retried after `leaseUntil` until the attempts run out (then terminal).
 */
export type DeliveryState = 'claimed' | 'posting' | 'posted' | 'skipped-empty' | 'failed';

export interface Delivery {
  /** `platform:channelId|YYYY-MM-DD` for scheduled digests, `…|YYYY-MM-DD|now-<iso>` for `now`. */
  key: string;
  channelKey: string;
  /** The scheduled day in `DIGEST_TZ`. */
  day: string;
  /** ISO time of the cron occurrence (or of the `now` request). */
  scheduledFor: string;
  state: DeliveryState;
  /** Unique per claim, so a restarted process never mistakes an old lease for its own. */
  leaseOwner: string;
  /** ISO; while in the future nobody else may take the delivery over. For `failed`: when to retry. */
  leaseUntil: string;
  /** Posting attempts so far. */
  attempts: number;
  /** Platform message (thread root) id, once the platform accepted it. */
  messageRef?: string;
  /**
   * The platform's id of every part accepted so far, by part index (0: the top-level message, then
   * the thread's messages in order), recorded as each is accepted.
   */
  parts?: PartRefs;
  /** The digest being posted, kept from `posting` on so that recovery posts exactly the same parts. */
  digest?: Digest;
  paperIds: string[];
  /** Papers added before this time were considered; the next digest starts here. */
  coveredUntil?: string;
  postedAt?: string;
  error?: string;
  updatedAt: string;
}

/** One paper line of a digest. */
export interface DigestPaper {
  id: string;
  title: string;
  url?: string;
  /** One sentence: HF's AI summary when the source had one, else extracted from the abstract. */
  gist: string;
  /** A few sentences for the thread's full list. */
  details: string;
  authors: string[];
  upvotes?: number;
  /** Relevance to the channel's topic, when topics are set. */
  relevance?: number;
}

export interface DigestTheme {
  name: string;
  papers: DigestPaper[];
}

export interface Digest {
  /** "Paperboy daily · 27 Nov · 12 new papers · 3 themes" */
  header: string;
  /** `YYYY-MM-DD` in the digest time zone. */
  day: string;
  themes: DigestTheme[];
  /** Gaps and caveats, e.g. a source that could not be reached. */
  notes: string[];
  /** Every paper in the digest, in theme order: what thread questions are answered about. */
  paperIds: string[];
  topics: string[];
  /** The window of `addedAt` the digest covers: (since, until]. */
  since: string;
  until: string;
}

/** What a digest writer reads of each paper besides its digest line. */
export type DigestPaperText = Pick<Paper, 'id' | 'title' | 'abstract' | 'aiSummary'>;

/**
 * Rewrites a built digest's gists, and its theme names unless the themes are the channel's topics
 * (e.g. with a chat model: `createDigestWriter` in src/llm/digest-writer.ts). Resolves with the
 * digest unchanged where it cannot do better, never rejects because the model failed.
 */
export interface DigestWriter {
  write(digest: Digest, papers: readonly DigestPaperText[]): Promise<Digest>;
}

/** Platform message ids of a digest's parts, by part index (0: the top-level message). */
export type PartRefs = Record<number, string>;

export interface PostProgress {
  /** Parts the platform already has (from the ledger, or found by `findExisting`): not posted again. */
  posted: PartRefs;
  /**
   * Called after the platform accepted part `index`, before the next part is sent. The ledger
   * records it (renewing the lease); rejects when the lease was lost, and then posting must stop.
   */
  accepted(index: number, ref: string): Promise<void>;
}

/**
 * What each platform adapter implements. A digest is a sequence of parts: the top-level message
 * (part 0), then the messages of its thread. `deliveryKey` is stable across retries and restarts:
 * every part carries it with its index somewhere `findExisting` can see it (Slack message
 * metadata; a Discord embed footer for the top, a part label in its thread).
 */
export interface DigestPoster {
  /**
   * Posts the parts of the digest not in `progress.posted`, in order, reporting each one accepted.
   * Throws ChannelGoneError when the bot was removed. `messageRef` (part 0's id) must be the id
   * replies in the thread carry (Slack: the parent's `ts`, i.e. the replies' `thread_ts`; Discord:
   * the message id the thread starts from), so that `papersForThread` finds the digest a question
   * was asked under.
   */
  post(channel: ChannelRef, digest: Digest, deliveryKey: string, progress: PostProgress): Promise<{ messageRef: string }>;
  /**
   * The parts already posted for `deliveryKey` (used after a crash mid-delivery); `{}` when none.
   * `messageRef` is part 0's id when the ledger knows it.
   */
  findExisting(channel: ChannelRef, deliveryKey: string, known?: { messageRef?: string }): Promise<PartRefs>;
}
