import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeS3, type FakeS3 } from '../fakes/fake-s3.ts';
import { freePort } from './ports.ts';

export interface S3Server {
  /** `fake` (test/fakes/fake-s3.ts) or `moto` (python3 -m moto.server). */
  kind: 'fake' | 'moto';
  endpoint: string;
  /** The settings LanceDB reads to reach it (AWS_ENDPOINT, keys, region, AWS_ALLOW_HTTP). */
  env: Record<string, string>;
  /** The fake itself (request counts, refused commits); undefined for moto. */
  fake?: FakeS3;
  close(): Promise<void>;
}

/**
 * An S3 server on 127.0.0.1 with the given buckets: the fake, or moto's server when
 * PAPERBOY_S3_SERVER=moto (to check locally that the fake behaves as moto does).
 */
export async function startS3Server(buckets: string[], kind = process.env.PAPERBOY_S3_SERVER ?? 'fake'): Promise<S3Server> {
  if (kind === 'fake') {
    const fake = await startFakeS3({ buckets });
    return { kind, endpoint: fake.endpoint, env: fake.env, fake, close: fake.close };
  }
  if (kind !== 'moto') throw new Error(`PAPERBOY_S3_SERVER=${kind}: use fake (the default) or moto`);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const up = async () => fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false);
  for (let i = 0; i < 100 && server.exitCode === null && !(await up()); i++) await sleep(100);
  if (!(await up())) throw new Error(`PAPERBOY_S3_SERVER=moto: python3 -m moto.server did not start (is moto installed?)`);
  for (const b of buckets) await fetch(`${endpoint}/${b}`, { method: 'PUT' });
  return {
    kind,
    endpoint,
    env: { AWS_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_ALLOW_HTTP: 'true' },
    close: async () => {
      server.kill();
      await exited;
    },
  };
}
