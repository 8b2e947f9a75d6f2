/**
 * `/papers digest subscribe [topics…] | unsubscribe | status | preview | now`: one entry of the
 * slash-command table that translates the command into a `DigestService` call and its result into a
 * reply. Turning digests on or off is said in the channel (everyone there gets them) and is for the
 * channel's creator or an admin, with Paperboy in the channel; status, preview, `now` and every
 * refusal answer only the user who asked.
 */
import { parseTopics, type DigestService, type DigestStatus } from '../../src/digest/digest-service.ts';
import { DigestRequestError } from '../../src/digest/errors.ts';
import { digestMrkdwn } from '../format/slack-digest.ts';
import { mrkdwnMessage, plainMessage } from '../format/slack-blocks.ts';
import { escapeMrkdwn, mrkdwnCode } from '../format/slack-mrkdwn.ts';
import { refusalToChangeDigest } from './channel-access.ts';
import type { SlashContext, SlashReply, Subcommand } from './slash-command.ts';

const PLATFORM = 'slack';

type Action = (ctx: SlashContext, rest: string) => Promise<SlashReply>;
type NowOutcome = Awaited<ReturnType<DigestService['postNow']>>['outcome'];

const NOW_OUTCOME: Record<NowOutcome, string> = {
  posted: 'Posted a digest in this channel.',
  recovered: 'Posted a digest in this channel.',
  'skipped-empty': 'Nothing new to post.',
  busy: 'A scheduled digest is being delivered right now; try again in a minute.',
  'channel-gone': 'I cannot post in this channel: invite me (`/invite @Paperboy`), then subscribe again.',
  failed: 'Posting the digest failed; it is logged. Try again later.',
  unrecorded: 'Posted a digest, but could not record it; the log has details.',
  'lease-lost': 'Another Paperboy process took this digest over; check the channel in a minute.',
};

/**
 * The `digest` entry of the Slack subcommand table.
 *
 * @example createSlackApp({ …, subcommands: { ...defaultSubcommands, digest: createDigestSubcommand(digests) } })
 */
export function createDigestSubcommand(digests: DigestService): Subcommand {
  const actions: Record<string, Action> = {
    async subscribe({ channelId, userId, client }, rest) {
      const refusal = await refusalToChangeDigest(client, { channelId, userId, isAdmin: digests.isAdmin(userId), needsBot: true });
      if (refusal !== undefined) return ephemeral(refusal);
      const { topics: topicText, cron } = subscribeArgs(rest);
      const topics = parseTopics(topicText);
      await digests.subscribe(PLATFORM, channelId, { topics, userId, ...(cron !== undefined && { cron }) });
      const status = await digests.status(PLATFORM, channelId);
      const about = topics.length > 0 ? `new papers about ${escapeMrkdwn(topics.join(', '))}` : 'every new paper';
      const next = status.nextRun ? ` The next one comes ${slackDate(status.nextRun, status.timezone)}.` : '';
      return inChannel(`This channel now gets a daily digest of ${about}.${next} Ask about the papers in each digest's thread.`);
    },

    async unsubscribe({ channelId, userId, client }) {
      const refusal = await refusalToChangeDigest(client, { channelId, userId, isAdmin: digests.isAdmin(userId), needsBot: false });
      if (refusal !== undefined) return ephemeral(refusal);
      return (await digests.unsubscribe(PLATFORM, channelId))
        ? inChannel('This channel no longer gets a daily digest.')
        : ephemeral('This channel was not getting a daily digest.');
    },

    async status({ channelId, deps }) {
      return ephemeral(statusText(await digests.status(PLATFORM, channelId), deps.slashCommand));
    },

    async preview({ channelId }) {
      const digest = await digests.preview(PLATFORM, channelId);
      return ephemeral(`_Preview: only you can see this, and nothing was posted._\n\n${digestMrkdwn(digest)}`);
    },

    async now({ channelId, userId }) {
      const { outcome } = await digests.postNow(PLATFORM, channelId, userId);
      return ephemeral(NOW_OUTCOME[outcome]);
    },
  };

  return {
    argument: 'subscribe [topics…] | unsubscribe | status | preview | now',
    summary: 'A daily digest of new papers in this channel (topics like “speech, retrieval” filter it)',
    // Settings, not questions: they never spend a question's rate-limit slot.
    async run(ctx) {
      const [first = '', ...rest] = ctx.args.split(' ');
      const name = first.toLowerCase();
      const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
      if (action === undefined) return ephemeral(usage(ctx.deps.slashCommand));
      try {
        return await action(ctx, rest.join(' ').trim());
      } catch (err) {
        // The service's refusals (bad cron, not an admin) are written for the user.
        if (err instanceof DigestRequestError) return { visibility: 'ephemeral', ...plainMessage(err.message) };
        throw err;
      }
    },
  };
}

/** `speech, retrieval cron: 0 8 * * 1-5` → topics and an optional per-channel schedule. */
function subscribeArgs(rest: string): { topics: string; cron?: string } {
  const m = /(?:^|[\s,;])cron\s*[:=]\s*(.*)$/i.exec(rest);
  if (!m) return { topics: rest };
  const cron = m[1]!.trim().replace(/^["'“”]|["'“”]$/g, '');
  return { topics: rest.slice(0, m.index), ...(cron !== '' && { cron }) };
}

function statusText(s: DigestStatus, slashCommand: string): string {
  const lines: string[] = [];
  if (s.status === 'removed') {
    lines.push(`Digests stopped here: I lost access to this channel (${escapeMrkdwn(s.removedReason ?? 'removed')}). Invite me back, then subscribe again.`);
  } else if (!s.subscribed) {
    lines.push(`This channel does not get a daily digest. Start one with ${mrkdwnCode(`${slashCommand} digest subscribe [topics…]`)}.`);
  } else {
    lines.push(
      '*Daily digest in this channel*',
      `• Topics: ${s.topics.length > 0 ? escapeMrkdwn(s.topics.join(', ')) : 'everything new'}`,
      `• Schedule: ${mrkdwnCode(s.cron)} (${escapeMrkdwn(s.timezone)})`,
      ...(s.nextRun ? [`• Next digest: ${slackDate(s.nextRun, s.timezone)}`] : []),
    );
  }
  if (s.lastDelivery) lines.push(`• Last delivery: ${lastDeliveryText(s.lastDelivery, s.timezone)}`);
  return lines.join('\n');
}

function lastDeliveryText(last: NonNullable<DigestStatus['lastDelivery']>, timezone: string): string {
  const papers = `${last.paperCount} paper${last.paperCount === 1 ? '' : 's'}`;
  switch (last.state) {
    case 'posted':
      return `${last.day}, ${papers}${last.postedAt ? `, posted ${slackDate(new Date(last.postedAt), timezone)}` : ''}`;
    case 'skipped-empty':
      return `${last.day}, nothing new, so nothing was posted`;
    case 'failed':
      return `${last.day}, failed${last.error ? ` (${escapeMrkdwn(last.error)})` : ''}`;
    default:
      return `${last.day}, being delivered now`;
  }
}

/**
 * A Slack date token: each reader sees the time in their own time zone; the fallback (in the
 * digest's zone) shows where tokens are not rendered.
 */
function slackDate(at: Date, timezone: string): string {
  const fallback = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${escapeMrkdwn(fallback)}>`;
}

function usage(slashCommand: string): string {
  const c = escapeMrkdwn(slashCommand);
  return [
    '*Daily digests of new papers*',
    `• \`${c} digest subscribe [topics…]\` — post a digest here on schedule; topics like “speech, retrieval” keep only papers about them. Add \`cron: 0 8 * * 1-5\` for this channel's own schedule.`,
    `• \`${c} digest unsubscribe\` — stop it`,
    `• \`${c} digest status\` — topics, next digest, last delivery`,
    `• \`${c} digest preview\` — see the digest this channel would get now (only you; nothing is posted)`,
    `• \`${c} digest now\` — post a digest right away (Paperboy admins only)`,
  ].join('\n');
}

function ephemeral(mrkdwn: string): SlashReply {
  return { visibility: 'ephemeral', ...mrkdwnMessage(mrkdwn) };
}

function inChannel(mrkdwn: string): SlashReply {
  return { visibility: 'in_channel', ...mrkdwnMessage(mrkdwn) };
}
