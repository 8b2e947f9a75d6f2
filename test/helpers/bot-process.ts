import { spawn, type ChildProcess } from 'node:child_process';
import { BOT_TOKEN } from '../fakes/fake-slack-api.ts';

export { freePort } from './ports.ts';

export interface BotProcess {
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * `npm start` as a user runs it: the composition root in its own process (and, with `group`, its
 * own process group, so a test can kill -9 all of it).
 */
export function spawnBot(env: Record<string, string>, { group = false } = {}): BotProcess {
  let stderr = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: group,
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

/** Resolves once the HTTP receiver answers at `url`. */
export async function waitUntilListening(url: string, bot: BotProcess, deadline = Date.now() + 60_000): Promise<void> {
  while (Date.now() < deadline) {
    if (bot.child.exitCode !== null) throw new Error(`bot exited with ${bot.child.exitCode}:\n${bot.stderr()}`);
    const ok = await fetch(url, { method: 'POST' }).then(() => true, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`bot did not start:\n${bot.stderr()}`);
}

/** The environment of a bot answering Slack over HTTP on `port`, with its store in `dbUri`. */
export function slackBotEnv({ dbUri, apiUrl, signingSecret, port }: { dbUri: string; apiUrl: string; signingSecret: string; port: number }): Record<string, string> {
  return {
    PAPERBOY_DB_URI: dbUri,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: apiUrl,
    SLACK_HOST: '127.0.0.1',
    SLACK_PORT: String(port),
    // Nothing subscribes here, but make sure no path could reach the real Hugging Face.
    HF_API_BASE: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
  };
}
