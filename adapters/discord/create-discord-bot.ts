import { once } from 'node:events';
import { Client, DiscordjsErrorCodes, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../src/config.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import { PaperboyError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { createChatFlow } from '../../src/chat/chat-flow.ts';
import { createRateLimiter } from '../../src/chat/rate-limit.ts';
import type { QuestionClaims } from '../../src/store/question-claims.ts';
import type { Engine } from '../../src/types.ts';
import { NO_MENTIONS } from '../format/discord-markdown.ts';
import { errorForLog } from './guards.ts';
import type { DiscordHandlerContext } from './handler-context.ts';
import { handleInteraction } from './interaction-handlers.ts';
import { handleMention } from './mention-handler.ts';

export interface DiscordBotOptions {
  engine: Engine;
  /** The question ledger: each `/ask` and mention is answered once, also with two bots on one store. */
  claims: QuestionClaims;
  config: NonNullable<Config['discord']>;
  limits: Config['limits'];
  logger: Logger;
  /** How long an engine call may take before the user gets a short error instead (default 90 s). */
  answerTimeoutMs?: number;
  /** Least time between edits while an answer streams in; defaults to Discord's limit with headroom. */
  streamEditIntervalMs?: number;
  /** Turns on `/digest` and answers questions in a digest's thread from that digest's papers. */
  digests?: DigestService;
}

export interface DiscordBot {
  client: Client;
  /** Logs in and resolves once the gateway session is ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Discord adapter: slash commands (`/ask`, `/search`, `/paper` with autocomplete, `/digest`)
 * and, when `config.messageContent` is on, questions that mention the bot.
 *
 * @example
 * const bot = createDiscordBot({ engine, claims, config: config.discord, limits: config.limits, logger });
 * await bot.start();
 * process.once('SIGTERM', () => void bot.stop());
 */
export function createDiscordBot({
  engine,
  claims,
  config,
  limits,
  logger,
  answerTimeoutMs = 90_000,
  streamEditIntervalMs,
  digests,
}: DiscordBotOptions): DiscordBot {
  const log = logger.child({ adapter: 'discord' });
  let stopping = false;
  const intents = config.messageContent
    ? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]
    : [GatewayIntentBits.Guilds];
  const client = new Client({
    intents,
    allowedMentions: NO_MENTIONS,
    // A REST proxy (shared rate limits) or a local fake; discord.js also fetches the gateway URL through it.
    rest: config.apiUrl ? { api: config.apiUrl } : {},
  });
  const rateLimiter = createRateLimiter({ perMinute: limits.ratePerMinute });
  const ctx: DiscordHandlerContext = {
    engine,
    chat: createChatFlow({ engine, claims, limits, rateLimiter, logger: log, answerTimeoutMs, streamEditIntervalMs }),
    logger: log,
    limits,
    rateLimiter,
    answerTimeoutMs,
    ...(digests && { digests }),
  };

  client.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction, ctx));
  if (config.messageContent) client.on(Events.MessageCreate, (message) => void handleMention(message, ctx));
  // discord.js reconnects and resumes by itself; these only report what it is doing.
  client.on(Events.Error, (error) => log.error({ err: errorForLog(error) }, 'Discord client error'));
  client.on(Events.ShardError, (error, shardId) => log.warn({ err: errorForLog(error), shardId }, 'Discord gateway error'));
  client.on(Events.ShardReconnecting, (shardId) => {
    if (!stopping) log.warn({ shardId }, 'Discord gateway dropped; reconnecting');
  });
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'Discord gateway resumed'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    log.error({ shardId, code: event.code }, 'Discord gateway closed and will not reconnect'),
  );
  client.once(Events.ClientReady, (ready) =>
    log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'Discord bot ready'),
  );

  return {
    client,
    async start() {
      const ready = once(client, Events.ClientReady);
      const login = client.login(config.token).catch((error: unknown) => {
        throw new PaperboyError('platform', loginFailure(error), { cause: error });
      });
      await Promise.all([login, ready]);
    },
    async stop() {
      stopping = true;
      await client.destroy();
    },
  };
}

function loginFailure(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === DiscordjsErrorCodes.TokenInvalid) {
    return 'Discord rejected DISCORD_TOKEN. Copy the bot token from the Developer Portal (your app → Bot → Reset Token).';
  }
  const message = error instanceof Error ? error.message : String(error);
  // Gateway close code 4014: a privileged intent the app has not been granted.
  if (/disallowed intents/i.test(message)) {
    return 'Discord refused the Message Content intent. Turn it on in the Developer Portal (your app → Bot → Privileged Gateway Intents) or set DISCORD_MESSAGE_CONTENT=false.';
  }
  return `Could not connect to Discord: ${message}`;
}
