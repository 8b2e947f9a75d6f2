/**
 * Composition root (`npm start`): validates config once, opens the engine, and starts every chat
 * adapter whose tokens are set, or an interactive terminal chat when none are.
 */
import { createDiscordBot } from '../adapters/discord/create-discord-bot.ts';
import { createSlackApp } from '../adapters/slack/create-slack-app.ts';
import { runTerminalChat } from '../adapters/terminal/chat.ts';
import { terminalProgress } from '../adapters/terminal/progress-bar.ts';
import { loadConfig, secretValues } from './config.ts';
import { PaperboyError } from './errors.ts';
import { createLogger } from './logger.ts';
import { openEngine } from './open-engine.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, secretValues(config));
  const { engine } = await openEngine(config, { logger, progress: terminalProgress() });
  const stops: (() => Promise<void>)[] = [];

  if (config.slack) {
    const slack = createSlackApp({ engine, config: config.slack, limits: config.limits, logger });
    await slack.start();
    stops.push(() => slack.stop());
    logger.info({ mode: config.slack.appToken ? 'socket' : 'http' }, 'Slack adapter started');
  }
  if (config.discord) {
    const discord = createDiscordBot({ engine, config: config.discord, limits: config.limits, logger });
    await discord.start();
    stops.push(() => discord.stop());
    logger.info('Discord adapter started');
  }
  if (stops.length === 0) {
    await runTerminalChat(engine);
    await engine.close();
    return;
  }
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
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
