/**
 * `GET /healthz`: is the store readable and is every started platform connected? 200 with a JSON
 * report when both hold, 503 otherwise, so a container probe or load balancer can act on it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PaperboyError } from '../../src/errors.ts';

export const HEALTH_PATH = '/healthz';

export interface HealthReport {
  ok: boolean;
  store: 'readable' | 'unreadable';
  /** Each started platform: `slack`, `discord`. */
  platforms: Record<string, 'connected' | 'disconnected'>;
}

export type HealthCheck = () => Promise<HealthReport>;

/**
 * @example
 * const check = createHealthCheck({ store, platforms: { discord: () => bot.connected() } });
 */
export function createHealthCheck({
  store,
  platforms,
  timeoutMs = 2_000,
}: {
  store: { countPapers(): Promise<number> };
  /** Whether each platform is connected right now. */
  platforms: Record<string, () => boolean>;
  /** A store that does not answer in this time counts as unreadable. */
  timeoutMs?: number;
}): HealthCheck {
  return async () => {
    const readable = await Promise.race([
      store.countPapers().then(() => true, () => false),
      new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref()),
    ]);
    const states = Object.fromEntries(Object.entries(platforms).map(([name, up]) => [name, up() ? 'connected' : 'disconnected'] as const));
    return {
      ok: readable && Object.values(states).every((s) => s === 'connected'),
      store: readable ? 'readable' : 'unreadable',
      platforms: states,
    };
  };
}

/** Answers one `/healthz` request with the check's report. */
export async function respondHealth(check: HealthCheck, res: ServerResponse): Promise<void> {
  const report = await check();
  res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(report));
}

/**
 * A server with only `GET /healthz`, for runs without an HTTP receiver of their own (Socket Mode,
 * Discord only). Resolves once listening.
 */
export async function startHealthServer({ host, port, check }: { host: string; port: number; check: HealthCheck }): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === HEALTH_PATH) {
      void respondHealth(check, res).catch(() => res.writeHead(503).end());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new PaperboyError('config', `The health endpoint could not listen on ${host}:${port} (HEALTH_HOST/HEALTH_PORT): ${err.message}`, { cause: err })),
    );
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
