import { once } from 'node:events';
import { Client, DiscordjsErrorCodes, Events, GatewayCloseCodes, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../src/config.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import { PaperboyError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { createChatFlow } from '../../src/chat/chat-flow.ts';
import { createRateLimiter } from '../../src/chat/rate-limit.ts';
import { startRecoverySweep, type RecoverySweep } from '../../src/chat/recover-abandoned.ts';
import type { QuestionClaims } from '../../src/store/question-claims.ts';
import type { Engine } from '../../src/types.ts';
import { NO_MENTIONS, formatNotice } from '../format/discord-markdown.ts';
import { errorForLog } from './guards.ts';
import type { DiscordHandlerContext } from './handler-context.ts';
import { TOKEN_REJECTED, checkDiscordApi } from './startup-check.ts';
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
  /**
   * Called once when Discord closes the gateway for good (a revoked token, 4004; intents refused,
   * 4014; …): the bot is deaf from then on, so the process should exit non-zero and be restarted.
   */
  onFatal?: (error: PaperboyError) => void;
  /** How long login may take to reach READY before start() fails (default 20 s). */
  readyTimeoutMs?: number;
}

export interface DiscordBot {
  client: Client;
  /** Checks Discord is reachable and takes the token, logs in and resolves once the gateway session is ready. */
  start(): Promise<void>;
  /** Whether the gateway session is up (for health checks). */
  connected(): boolean;
  /** Takes no new questions, waits for answers in progress, then logs out. */
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
  onFatal,
  readyTimeoutMs = 20_000,
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
  const chat = createChatFlow({ engine, claims, limits, rateLimiter, logger: log, answerTimeoutMs, streamEditIntervalMs });
  const ctx: DiscordHandlerContext = {
    engine,
    chat,
    logger: log,
    limits,
    rateLimiter,
    answerTimeoutMs,
    ...(digests && { digests }),
  };

  // Answers in progress, so stop() can let them finish; nothing new is taken once stopping.
  const inFlight = new Set<Promise<void>>();
  const track = (handled: Promise<void>) => {
    inFlight.add(handled);
    void handled
      .catch((error: unknown) => log.error({ err: errorForLog(error) }, 'Discord handler failed'))
      .finally(() => inFlight.delete(handled));
  };
  client.on(Events.InteractionCreate, (interaction) => {
    if (!stopping) track(handleInteraction(interaction, ctx));
  });
  if (config.messageContent) {
    client.on(Events.MessageCreate, (message) => {
      if (!stopping) track(handleMention(message, ctx));
    });
  }
  // discord.js reconnects and resumes by itself; these only report what it is doing.
  client.on(Events.Error, (error) => log.error({ err: errorForLog(error) }, 'Discord client error'));
  client.on(Events.ShardError, (error, shardId) => log.warn({ err: errorForLog(error), shardId }, 'Discord gateway error'));
  // Whether the gateway session is up right now, for health checks.
  let connected = false;
  client.on(Events.ShardReady, () => (connected = true));
  client.on(Events.ShardReconnecting, (shardId) => {
    connected = false;
    if (!stopping) log.warn({ shardId }, 'Discord gateway dropped; reconnecting');
  });
  client.on(Events.ShardResume, (shardId, replayed) => {
    connected = true;
    log.info({ shardId, replayed }, 'Discord gateway resumed');
  });
  client.on(Events.ShardDisconnect, (event, shardId) => {
    connected = false;
    log.error({ shardId, code: event.code }, 'Discord gateway closed and will not reconnect');
    if (!stopping) onFatal?.(new PaperboyError('platform', gatewayClosed(event.code)));
  });
  client.once(Events.ClientReady, (ready) =>
    log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'Discord bot ready'),
  );
  // Placeholders a crashed process left behind. The gateway never replays a message to a new
  // session, so no grace period: once the dead attempt's lease is over, nobody else will answer.
  let recovery: RecoverySweep | undefined;
  const recoverFromNowOn = () => {
    recovery = startRecoverySweep({
      claims,
      platform: 'discord',
      leaseMs: chat.leaseMs,
      graceMs: 0,
      logger: log,
      async replacePlaceholder(key, ref, text) {
        // An interaction's reply can only be edited with its token, which is not kept; it expires by itself.
        if (ref === '@original') return false;
        const channel = await client.channels.fetch(key.split(':')[2]!);
        if (!channel?.isTextBased()) return false;
        await channel.messages.edit(ref, formatNotice(text));
        return true;
      },
    });
  };

  return {
    client,
    connected: () => connected,
    async start() {
      await checkDiscordApi(config);
      const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(readyTimeoutMs) }).catch(() => {
        throw new PaperboyError('platform', `The Discord gateway did not get ready within ${readyTimeoutMs / 1000} s: check the network, or DISCORD_API_URL.`);
      });
      const login = client.login(config.token).catch((error: unknown) => {
        throw new PaperboyError('platform', loginFailure(error), { cause: error });
      });
      await Promise.all([login, ready]);
      recoverFromNowOn();
    },
    async stop() {
      stopping = true;
      await recovery?.stop();
      await Promise.allSettled([...inFlight]);
      connected = false;
      await client.destroy();
    },
  };
}

function loginFailure(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === DiscordjsErrorCodes.TokenInvalid) return TOKEN_REJECTED;
  const message = error instanceof Error ? error.message : String(error);
  // Gateway close code 4014: a privileged intent the app has not been granted.
  if (/disallowed intents/i.test(message)) {
    return 'Discord refused the Message Content intent. Turn it on in the Developer Portal (your app → Bot → Privileged Gateway Intents) or set DISCORD_MESSAGE_CONTENT=false.';
  }
  return `Could not connect to Discord: ${message}`;
}

function gatewayClosed(code: number): string {
  if (code === GatewayCloseCodes.AuthenticationFailed) return `${TOKEN_REJECTED} (The gateway closed with 4004 mid-session.)`;
  if (code === GatewayCloseCodes.DisallowedIntents) {
    return 'Discord withdrew the Message Content intent (gateway close 4014). Turn it on in the Developer Portal (your app → Bot → Privileged Gateway Intents) or set DISCORD_MESSAGE_CONTENT=false.';
  }
  return `Discord closed the gateway with code ${code} (${GatewayCloseCodes[code] ?? 'unknown'}) and will not reconnect.`;
}
