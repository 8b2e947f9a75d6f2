/**
 * Composition root (`npm start`): validates config once, opens the engine, starts every chat
 * adapter whose tokens are set with the daily-digest scheduler behind them, or an interactive
 * terminal chat when no chat platform is configured.
 */
import { createDiscordBot } from '../adapters/discord/create-discord-bot.ts';
import { createDiscordDigestPoster } from '../adapters/discord/digest-poster.ts';
import { createSlackApp } from '../adapters/slack/create-slack-app.ts';
import { createDigestWebClient, createSlackDigestPoster } from '../adapters/slack/digest-poster.ts';
import { createHealthCheck, startHealthServer } from '../adapters/health/health-check.ts';
import { runTerminalChat } from '../adapters/terminal/chat.ts';
import { terminalProgress } from '../adapters/terminal/progress-bar.ts';
import { fetchArxiv } from '../ingest/sources/arxiv.ts';
import { createHttpClient } from '../ingest/sources/http-client.ts';
import { loadConfig, secretValues } from './config.ts';
import type { DigestDeps } from './digest/delivery.ts';
import { createDigestService } from './digest/digest-service.ts';
import { openDigestStore } from './digest/digest-store.ts';
import { createDigestScheduler } from './digest/scheduler.ts';
import { PaperboyError } from './errors.ts';
import { withLinkedPapers } from './linked-papers/with-linked-papers.ts';
import { createLlmDigestWriter } from './llm/digest-writer.ts';
import { createLogger } from './logger.ts';
import { openEngine } from './open-engine.ts';
import { SHUTDOWN_GRACE_MS, stopWithin } from './stop-within.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, secretValues(config));
  const opened = await openEngine(config, { logger, progress: terminalProgress() });
  const { store, embedder } = opened;
  const http = createHttpClient({ logger });
  // "summarise https://arxiv.org/abs/2501.12345": papers a question names are fetched when missing.
  const fetchPapers = (ids: string[]) => fetchArxiv({ baseUrl: config.digest.arxivApiBase, http, ids });
  const engine = withLinkedPapers(opened.engine, { store, embedder, fetchPapers, logger });

  if (!config.slack && !config.discord) {
    await runTerminalChat(engine);
    await engine.close();
    return;
  }

  // Posters are filled in as platforms start; the scheduler skips channels of absent platforms.
  const posters: DigestDeps['posters'] = {};
  const digestDeps: DigestDeps = {
    engine,
    store,
    embedder,
    digestStore: await openDigestStore(store.connection),
    posters,
    config: config.digest,
    http,
    logger,
    // With a chat model, gists and keyword-theme names are written by it (extractive on failure).
    ...(config.llm && { writer: await createLlmDigestWriter(config.llm, { logger }) }),
  };
  const digests = createDigestService(digestDeps);
  const stops: (() => Promise<void>)[] = [];
  // Filled in as platforms start; /healthz reports each.
  const platforms: Record<string, () => boolean> = {};
  const health = createHealthCheck({ store, platforms });
  // Run when a platform will never reconnect; filled in once shutdown exists.
  const onFatal: ((error: Error) => void)[] = [];

  if (config.slack) {
    // The digest poster has its own client without automatic retries: a retried post whose
    // response was lost would publish the digest twice (the ledger asks findExisting instead).
    posters.slack = createSlackDigestPoster({ client: createDigestWebClient(config.slack, logger), logger });
    const slack = createSlackApp({ engine, config: config.slack, limits: config.limits, logger, digests, health });
    await slack.start();
    stops.push(() => slack.stop());
    platforms.slack = () => slack.connected();
    logger.info({ mode: config.slack.appToken ? 'socket' : 'http' }, 'Slack adapter started');
  }
  if (config.discord) {
    const discord = createDiscordBot({ engine, config: config.discord, limits: config.limits, logger, digests, onFatal: (error) => onFatal.forEach((f) => f(error)) });
    // The poster uses the client's REST connection, which has the token only after login.
    await discord.start();
    posters.discord = createDiscordDigestPoster(discord.client, { logger });
    stops.push(() => discord.stop());
    platforms.discord = () => discord.connected();
    logger.info('Discord adapter started');
  }
  if (config.health) {
    const server = await startHealthServer({ ...config.health, check: health });
    stops.push(() => server.close());
  }

  const scheduler = createDigestScheduler(digestDeps);
  scheduler.start();
  logger.info({ cron: config.digest.cron, timezone: config.digest.timezone }, 'digest scheduler started');

  const shutdown = async (signal: string, exitCode = 0) => {
    logger.info({ signal }, 'shutting down');
    await scheduler.stop();
    // Answers in progress get a bounded grace period; the platforms stop taking new ones at once.
    if (!(await stopWithin(stops, SHUTDOWN_GRACE_MS))) logger.warn('answers still in progress after the grace period were dropped');
    await engine.close();
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  // A platform that will never reconnect (e.g. a revoked token): exit non-zero so a supervisor restarts us.
  onFatal.push((error) => {
    console.error(`paperboy: ${error.message}`);
    void shutdown('fatal', 1);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof PaperboyError ? `paperboy: ${error.message}` : error);
  process.exit(1);
});
