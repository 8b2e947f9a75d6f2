/**
 * Composition root (`npm start`): validates config once, opens the engine, starts every chat
 * adapter whose tokens are set with the daily-digest scheduler behind them, or an interactive
 * terminal chat when no chat platform is configured.
 */
import { createDiscordBot } from '../adapters/discord/create-discord-bot.ts';
import { createDiscordDigestPoster } from '../adapters/discord/digest-poster.ts';
import { createSlackApp } from '../adapters/slack/create-slack-app.ts';
import { createDigestWebClient, createSlackDigestPoster } from '../adapters/slack/digest-poster.ts';
import { runTerminalChat } from '../adapters/terminal/chat.ts';
import { terminalProgress } from '../adapters/terminal/progress-bar.ts';
import { createHttpClient } from '../ingest/sources/http-client.ts';
import { loadConfig, secretValues } from './config.ts';
import type { DigestDeps } from './digest/delivery.ts';
import { createDigestService } from './digest/digest-service.ts';
import { openDigestStore } from './digest/digest-store.ts';
import { createDigestScheduler } from './digest/scheduler.ts';
import { PaperboyError } from './errors.ts';
import { createLlmDigestWriter } from './llm/digest-writer.ts';
import { createLogger } from './logger.ts';
import { openEngine } from './open-engine.ts';
import { openQuestionClaims } from './store/question-claims.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, secretValues(config));
  const { engine, store, embedder } = await openEngine(config, { logger, progress: terminalProgress() });

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
    http: createHttpClient({ logger }),
    logger,
    // With a chat model, gists and keyword-theme names are written by it (extractive on failure).
    ...(config.llm && { writer: await createLlmDigestWriter(config.llm, { logger }) }),
  };
  const digests = createDigestService(digestDeps);
  // One question ledger for every platform: a question is answered once across restarts and replicas.
  const claims = await openQuestionClaims(store.connection);
  const stops: (() => Promise<void>)[] = [];

  if (config.slack) {
    // The digest poster has its own client without automatic retries: a retried post whose
    // response was lost would publish the digest twice (the ledger asks findExisting instead).
    posters.slack = createSlackDigestPoster({ client: createDigestWebClient(config.slack, logger), logger });
    const slack = createSlackApp({ engine, claims, config: config.slack, limits: config.limits, answerTimeoutMs: config.answerTimeoutMs, logger, digests });
    await slack.start();
    stops.push(() => slack.stop());
    logger.info({ mode: config.slack.appToken ? 'socket' : 'http' }, 'Slack adapter started');
  }
  if (config.discord) {
    const discord = createDiscordBot({ engine, claims, config: config.discord, limits: config.limits, answerTimeoutMs: config.answerTimeoutMs, logger, digests });
    // The poster uses the client's REST connection, which has the token only after login.
    await discord.start();
    posters.discord = createDiscordDigestPoster(discord.client, { logger });
    stops.push(() => discord.stop());
    logger.info('Discord adapter started');
  }

  const scheduler = createDigestScheduler(digestDeps);
  scheduler.start();
  logger.info({ cron: config.digest.cron, timezone: config.digest.timezone }, 'digest scheduler started');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await scheduler.stop();
    await Promise.allSettled(stops.map((stop) => stop()));
    await engine.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof PaperboyError ? `paperboy: ${error.message}` : error);
  process.exit(1);
});
