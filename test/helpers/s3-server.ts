import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { armFakeS3Race, readFakeS3Stats, startFakeS3, type FakeS3Stats } from '../fakes/fake-s3.ts';
import { freePort } from './ports.ts';

export interface S3Server {
  /** `fake` (test/fakes/fake-s3.ts) or `moto` (python3 -m moto.server). */
  kind: 'fake' | 'moto';
  endpoint: string;
  /** The settings LanceDB reads to reach it (AWS_ENDPOINT, keys, region, AWS_ALLOW_HTTP). */
  env: Record<string, string>;
  /** The fake's request counts (`reset` zeroes them after reading); moto has none. */
  stats?: (options?: { reset?: boolean }) => Promise<FakeS3Stats>;
  /** Makes the next commit race a second one of the same version (the fake's armed race); moto has none. */
  armRace?: () => Promise<void>;
  close(): Promise<void>;
}

const FAKE = fileURLToPath(new URL('../fakes/fake-s3.ts', import.meta.url));
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_ALLOW_HTTP: 'true' };

/**
 * An S3 server on 127.0.0.1 with the given buckets: the fake (in this process, or in its own
 * with `separateProcess`, so that timing a client does not share its event loop), or moto's
 * server when PAPERBOY_S3_SERVER=moto (to check locally that the fake behaves as moto does).
 */
export async function startS3Server(
  buckets: string[],
  { kind = process.env.PAPERBOY_S3_SERVER ?? 'fake', separateProcess = false }: { kind?: string; separateProcess?: boolean } = {},
): Promise<S3Server> {
  if (kind === 'fake') {
    const { endpoint, close } = separateProcess ? await fakeInChild(buckets) : await startFakeS3({ buckets });
    return { kind, endpoint, env: { ...CREDENTIALS, AWS_ENDPOINT: endpoint }, stats: (options) => readFakeS3Stats(endpoint, options), armRace: () => armFakeS3Race(endpoint), close };
  }
  if (kind !== 'moto') throw new Error(`PAPERBOY_S3_SERVER=${kind}: use fake (the default) or moto`);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const up = async () => fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false);
  for (let i = 0; i < 100 && server.exitCode === null && !(await up()); i++) await sleep(100);
  if (!(await up())) throw new Error(`PAPERBOY_S3_SERVER=moto: python3 -m moto.server did not start (is moto installed?)`);
  for (const b of buckets) await fetch(`${endpoint}/${b}`, { method: 'PUT' });
  return { kind, endpoint, env: { ...CREDENTIALS, AWS_ENDPOINT: endpoint }, close: () => stop(server) };
}

async function fakeInChild(buckets: string[]): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FAKE, ...buckets.flatMap((b) => ['--bucket', b])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [first] = await Promise.race([createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string | undefined]), new Promise<[undefined]>((resolve) => child.once('exit', () => resolve([undefined])))]);
  if (!first) throw new Error('the fake S3 server (test/fakes/fake-s3.ts) did not start');
  return { endpoint: (JSON.parse(first) as { endpoint: string }).endpoint, close: () => stop(child) };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
}
