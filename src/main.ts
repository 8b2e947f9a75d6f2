/**
 * `npm start`: the bots (or the terminal chat) built by the composition root in src/app.ts,
 * stopped cleanly on SIGINT/SIGTERM, and with a non-zero exit when a platform will never reconnect
 * (so a supervisor restarts us).
 */
import { loadApp, startApp } from './app.ts';
import { PaperboyError } from './errors.ts';

async function main(): Promise<void> {
  const app = loadApp();
  // A fatal close can come while the adapters are still starting: stop whatever has started by then.
  const started: { stop?: () => Promise<void> } = {};
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string, exitCode = 0) =>
    (stopping ??= (async () => {
      app.logger.info({ signal }, 'shutting down');
      await started.stop?.();
      process.exit(exitCode);
    })());
  const running = await startApp(app, {
    onFatal: (error) => {
      console.error(`paperboy: ${error.message}`);
      void shutdown('fatal', 1);
    },
  });
  started.stop = () => running.stop();
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof PaperboyError ? `paperboy: ${error.message}` : error);
  process.exit(1);
});
