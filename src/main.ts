/**
 * `npm start`: the bots (or the terminal chat) built by the composition root in src/app.ts,
 * stopped cleanly on SIGINT/SIGTERM.
 */
import { loadApp, startApp } from './app.ts';
import { PaperboyError } from './errors.ts';

async function main(): Promise<void> {
  const app = loadApp();
  const running = await startApp(app);
  const shutdown = async (signal: string) => {
    app.logger.info({ signal }, 'shutting down');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof PaperboyError ? `paperboy: ${error.message}` : error);
  process.exit(1);
});
