import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Config } from '../../src/config.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import { PaperboyError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { createChatFlow } from '../../src/chat/chat-flow.ts';
import { startRecoverySweep, type RecoverySweep } from '../../src/chat/recover-abandoned.ts';
import { createRateLimiter } from '../../src/chat/rate-limit.ts';
import type { QuestionClaims } from '../../src/store/question-claims.ts';
import type { Engine } from '../../src/types.ts';
import { HEALTH_PATH, respondHealth, type HealthCheck } from '../health/health-check.ts';
import { createBoltLogger } from './bolt-logger.ts';
import { createDigestSubcommand } from './digest-subcommand.ts';
import { AUTH_ERRORS, checkSlackApi } from './startup-check.ts';
import { ANSWER_CLIENT_OPTIONS, HISTORY_CLIENT_OPTIONS } from './web-client-policy.ts';
import { createHistoryGate } from './history-rate-limit.ts';
import { createThreadMemory } from './thread-memory.ts';
import { register } from './register.ts';
import type { SubcommandTable } from './slash-command.ts';
import { defaultSubcommands } from './subcommands.ts';

export interface SlackAppOptions {
  engine: Engine;
  /** The question ledger: each mention or DM is answered once, across restarts and replicas. */
  claims: QuestionClaims;
  config: NonNullable<Config['slack']>;
  limits: Config['limits'];
  logger: Logger;
  /** Milliseconds since the epoch; injectable for rate-limit tests. */
  clock?: () => number;
  /** Slash subcommands; defaults to ask, search, paper and help. */
  subcommands?: SubcommandTable;
  /** Daily digests: adds `/papers digest …` and answers questions in a digest's thread from its papers. */
  digests?: DigestService;
  /** Least time between edits while an answer streams in; defaults to Slack's limit with headroom. */
  streamEditIntervalMs?: number;
  /** How long an answer may take before the asker gets an apology instead (default 90 s). */
  answerTimeoutMs?: number;
  /** How long a claimed question is protected from takeover by a redelivery (default: twice the answer timeout). */
  claimLeaseMs?: number;
  /** In HTTP mode, served as `GET /healthz` on the receiver's port. */
  health?: HealthCheck;
}

export interface SlackApp {
  app: App;
  /** Checks that Slack is reachable and takes the bot token (bounded, naming the setting to fix), then connects (Socket Mode) or listens on `config.host:config.port` (HTTP). */
  start(): Promise<void>;
  /** Stops receiving, then waits for answers already in progress. */
  stop(): Promise<void>;
  /** Where the HTTP receiver listens once started; undefined in Socket Mode. */
  address(): { host: string; port: number } | undefined;
  /** Socket Mode: the socket is open; HTTP mode: listening after Slack took the token. */
  connected(): boolean;
}

/** Slack retries an unacknowledged event after about 1 and 5 minutes; after that, nothing will come. */
const SLACK_REDELIVERY_WINDOW_MS = 6 * 60_000;

/**
 * The Slack adapter: a Bolt app in Socket Mode when `config.appToken` is set, else an HTTP app that
 * verifies Slack's request signatures. `config.apiUrl` points the Web API client elsewhere
 * (GovSlack, an egress proxy, a local fake).
 *
 * @example
 * const slack = createSlackApp({ engine, claims, config: config.slack, limits: config.limits, logger });
 * await slack.start();
 */
export function createSlackApp({
  engine,
  claims,
  config,
  limits,
  logger,
  clock = Date.now,
  subcommands = defaultSubcommands,
  digests,
  streamEditIntervalMs,
  answerTimeoutMs = 90_000,
  claimLeaseMs,
  health,
}: SlackAppOptions): SlackApp {
  const log = logger.child({ component: 'slack' });
  const socketMode = config.appToken !== undefined;
  if (!socketMode && config.signingSecret === undefined) {
    throw new PaperboyError('config', 'Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).');
  }
  const boltLogger = createBoltLogger(logger);
  const clientOptions: webApi.WebClientOptions = {
    ...ANSWER_CLIENT_OPTIONS,
    ...(config.apiUrl && { slackApiUrl: withTrailingSlash(config.apiUrl) }),
  };
  // Receivers built here (not by Bolt) so the socket's state and the health route are reachable.
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: config.appToken ?? '', logger: boltLogger, installerOptions: { clientOptions } })
    : new HTTPReceiver({
        signingSecret: config.signingSecret ?? '',
        logger: boltLogger,
        ...(health && { customRoutes: [{ path: HEALTH_PATH, method: 'GET', handler: (_req, res) => void respondHealth(health, res) }] }),
      });
  let socketOpen = false;
  if (receiver instanceof SocketModeReceiver) {
    receiver.client.on('connected', () => (socketOpen = true));
    for (const event of ['reconnecting', 'disconnected']) receiver.client.on(event, () => (socketOpen = false));
  }
  const app = new App({
    token: config.botToken,
    logger: boltLogger,
    clientOptions,
    // init() in start() checks the token, so a bad one is a clear start-up error, not a crash.
    deferInitialization: true,
    receiver,
  });

  const inFlight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const handled = next();
    inFlight.add(handled);
    try {
      await handled;
    } finally {
      inFlight.delete(handled);
    }
  });
  app.error(async (err) => {
    log.error({ err }, 'Slack listener failed');
  });
  const rateLimiter = createRateLimiter({ perMinute: limits.ratePerMinute, now: clock });
  const chat = createChatFlow({ engine, claims, limits, rateLimiter, logger: log, answerTimeoutMs, streamEditIntervalMs, leaseMs: claimLeaseMs });
  // Placeholders a crashed process left behind, which Slack will not redeliver (it got its ack).
  let recovery: RecoverySweep | undefined;
  const recoverFromNowOn = () => {
    recovery = startRecoverySweep({
      claims,
      platform: 'slack',
      leaseMs: chat.leaseMs,
      graceMs: SLACK_REDELIVERY_WINDOW_MS,
      now: () => new Date(clock()),
      logger: log,
      async replacePlaceholder(key, ts, text) {
        const channel = key.split(':')[2]!;
        await app.client.chat.update({ channel, ts, text, blocks: [] });
        return true;
      },
    });
  };
  register(app, {
    engine,
    chat,
    logger: log,
    limits,
    rateLimiter,
    slashCommand: config.slashCommand,
    subcommands: digests ? { ...subcommands, digest: createDigestSubcommand(digests) } : subcommands,
    digests,
    answerTimeoutMs,
    historyReads: {
      client: new webApi.WebClient(config.botToken, { ...clientOptions, ...HISTORY_CLIENT_OPTIONS, logger: boltLogger }),
      gate: createHistoryGate(log),
      // History is context: it may take a tenth of the answer's budget, the answer the rest.
      waitMs: answerTimeoutMs / 10,
      threads: createThreadMemory(),
    },
  });

  let address: { host: string; port: number } | undefined;
  let started = false;
  return {
    app,
    address: () => address,
    connected: () => started && (!socketMode || socketOpen),
    async start() {
      await checkSlackApi(config, logger);
      try {
        await app.init();
      } catch (err) {
        throw startError(err, 'SLACK_BOT_TOKEN', 'the Bot User OAuth Token (xoxb-…) under OAuth & Permissions');
      }
      if (socketMode) {
        try {
          await app.start();
        } catch (err) {
          throw startError(err, 'SLACK_APP_TOKEN', 'an App-Level Token (xapp-…) with connections:write under Basic Information');
        }
        started = true;
        recoverFromNowOn();
        log.info('Slack connected (Socket Mode)');
        return;
      }
      const server = await app.start({ port: config.port, host: config.host }).catch((err: unknown) => {
        throw new PaperboyError('platform', `Slack HTTP receiver could not listen on ${config.host}:${config.port} (SLACK_HOST/SLACK_PORT): ${String(err)}`, { cause: err });
      });
      started = true;
      recoverFromNowOn();
      const bound = server.address();
      address = typeof bound === 'object' && bound !== null ? { host: bound.address, port: bound.port } : undefined;
      log.info({ ...address }, 'Slack listening for events (HTTP mode)');
    },
    async stop() {
      const sweep = recovery?.stop();
      if (started) await app.stop();
      await sweep;
      started = false;
      address = undefined;
      await Promise.allSettled([...inFlight]);
    },
  };
}

function startError(err: unknown, setting: string, where: string): PaperboyError {
  const code = err instanceof Error && 'data' in err ? (err.data as { error?: unknown }).error : undefined;
  const message =
    typeof code === 'string' && AUTH_ERRORS.has(code)
      ? `Slack rejected ${setting} (${code}): copy ${where} into .env, and reinstall the app if it was changed.`
      : `Slack start-up failed: ${err instanceof Error ? err.message : String(err)}`;
  return new PaperboyError('platform', message, { cause: err });
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
