/**
 * `/digest subscribe | unsubscribe | status | preview | now`: translate the interaction into a
 * `DigestService` call and its result into a reply. Turning digests on or off is said in the
 * channel (everyone there gets them) and needs Manage Channels, with Paperboy able to post there;
 * status, preview and now answer only the user who asked. Server channels only.
 */
import {
  ApplicationCommandOptionType,
  MessageFlags,
  type APIApplicationCommandSubcommandOption,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { parseTopics, type DigestService } from '../../src/digest/digest-service.ts';
import { DigestRequestError } from '../../src/digest/errors.ts';
import { formatDigestStatus, formatDigestTop } from '../format/discord-digest.ts';
import { escapeDiscord, formatNotice, type DiscordMessage } from '../format/discord-markdown.ts';
import { refusalOutsideGuild, refusalToChangeDigest } from './channel-access.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

/** One `/digest <name>` subcommand: its definition (registered with Discord) and its handler. */
export interface DigestSubcommand {
  definition: APIApplicationCommandSubcommandOption;
  handle(interaction: ChatInputCommandInteraction, ctx: DiscordHandlerContext): Promise<void>;
}

export const DIGEST_OPTION = { topics: 'topics', cron: 'cron' } as const;

const PLATFORM = 'discord';
const NOT_ENABLED = 'Daily digests are not enabled on this Paperboy.';

type Run = (interaction: ChatInputCommandInteraction, digests: DigestService) => Promise<void>;

/**
 * The service call in `run`, with the replies every subcommand shares: a note when digests are off,
 * and a request the service refused (bad cron, not an admin) told to the user privately.
 */
function subcommand(definition: APIApplicationCommandSubcommandOption, run: Run): DigestSubcommand {
  return {
    definition,
    async handle(interaction, { digests }) {
      if (!digests) return answer(interaction, formatNotice(NOT_ENABLED), { ephemeral: true });
      const outside = refusalOutsideGuild(interaction);
      if (outside !== undefined) return answer(interaction, formatNotice(outside), { ephemeral: true });
      try {
        await run(interaction, digests);
      } catch (error) {
        if (!(error instanceof DigestRequestError)) throw error;
        // The message can quote what the user typed (a cron pattern, a topic).
        await answer(interaction, formatNotice(escapeDiscord(error.message)), { ephemeral: true });
      }
    },
  };
}

/** Replies, or fills in the deferred reply (which keeps the visibility it was deferred with). */
async function answer(interaction: ChatInputCommandInteraction, message: DiscordMessage, { ephemeral = false } = {}): Promise<void> {
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply(message);
    return;
  }
  await interaction.reply(ephemeral ? { ...message, flags: MessageFlags.Ephemeral } : message);
}

const subscribe = subcommand(
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'subscribe',
    description: 'Post a daily digest of new papers in this channel.',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: DIGEST_OPTION.topics,
        description: 'Only papers about these, comma-separated, e.g. "speech, retrieval"; empty for everything new',
        max_length: 500,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: DIGEST_OPTION.cron,
        description: 'When to post, in cron syntax, e.g. "0 9 * * 1-5"; default: the server-wide schedule',
        max_length: 100,
      },
    ],
  },
  async (interaction, digests) => {
    const refusal = refusalToChangeDigest(interaction, { isAdmin: digests.isAdmin(interaction.user.id), needsBot: true });
    if (refusal !== undefined) return answer(interaction, formatNotice(refusal), { ephemeral: true });
    const topics = parseTopics(interaction.options.getString(DIGEST_OPTION.topics) ?? undefined);
    const cron = interaction.options.getString(DIGEST_OPTION.cron)?.trim() || undefined;
    await digests.subscribe(PLATFORM, interaction.channelId, { topics, ...(cron !== undefined && { cron }), userId: interaction.user.id });
    const status = await digests.status(PLATFORM, interaction.channelId);
    const about = topics.length > 0 ? `new papers about ${escapeDiscord(topics.join(', '))}` : 'every new paper';
    const next = status.nextRun ? ` The next one comes <t:${Math.floor(status.nextRun.getTime() / 1000)}:R>.` : '';
    await answer(interaction, formatNotice(`This channel now gets a daily digest of ${about}.${next} Ask about the papers in each digest's thread.`));
  },
);

const unsubscribe = subcommand(
  { type: ApplicationCommandOptionType.Subcommand, name: 'unsubscribe', description: 'Stop the daily digest in this channel.' },
  async (interaction, digests) => {
    const refusal = refusalToChangeDigest(interaction, { isAdmin: digests.isAdmin(interaction.user.id), needsBot: false });
    if (refusal !== undefined) return answer(interaction, formatNotice(refusal), { ephemeral: true });
    const was = await digests.unsubscribe(PLATFORM, interaction.channelId);
    if (!was) return answer(interaction, formatNotice('This channel was not getting a daily digest.'), { ephemeral: true });
    await answer(interaction, formatNotice('This channel no longer gets a daily digest.'));
  },
);

const status = subcommand(
  { type: ApplicationCommandOptionType.Subcommand, name: 'status', description: "This channel's digest: topics, next run, last delivery." },
  async (interaction, digests) => {
    const current = await digests.status(PLATFORM, interaction.channelId);
    await answer(interaction, formatNotice(formatDigestStatus(current, interaction)), { ephemeral: true });
  },
);

const preview = subcommand(
  { type: ApplicationCommandOptionType.Subcommand, name: 'preview', description: 'See the digest this channel would get now (only you; nothing is posted).' },
  async (interaction, digests) => {
    // Building a digest can take longer than Discord's 3 s for a first reply.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const digest = await digests.preview(PLATFORM, interaction.channelId);
    await answer(interaction, { ...formatDigestTop(digest), content: 'Preview: only you can see this, and nothing was posted.' });
  },
);

const now = subcommand(
  { type: ApplicationCommandOptionType.Subcommand, name: 'now', description: 'Post a digest in this channel right away (Paperboy admins only).' },
  async (interaction, digests) => {
    // Fetching today's papers first can take a while.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { outcome } = await digests.postNow(PLATFORM, interaction.channelId, interaction.user.id);
    await answer(interaction, formatNotice(NOW_OUTCOME[outcome]));
  },
);

const NOW_OUTCOME: Record<Awaited<ReturnType<DigestService['postNow']>>['outcome'], string> = {
  posted: 'Posted a digest in this channel.',
  recovered: 'Posted a digest in this channel.',
  'skipped-empty': 'Nothing new to post.',
  busy: 'A scheduled digest is being delivered right now; try again in a minute.',
  'channel-gone': 'I cannot post in this channel: give me View Channel, Send Messages and Embed Links here, then subscribe again.',
  failed: 'Posting the digest failed; it is logged. Try again later.',
  unrecorded: 'Posted a digest, but could not record it; the log has details.',
  'lease-lost': 'Another Paperboy process took this digest over; check the channel in a minute.',
};

/**
 * The digest feature's subcommands, one entry each. `/digest` is registered (and routed) only
 * while this table has entries.
 */
export const digestSubcommands: DigestSubcommand[] = [subscribe, unsubscribe, status, preview, now];
