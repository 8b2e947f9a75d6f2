import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { openDigestStore } from '../src/digest/digest-store.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { createEngine } from '../src/engine.ts';
import { StoreError } from '../src/errors.ts';
import { openStore } from '../src/store/lance-store.ts';

/**
 * The store on object storage: moto's S3 server (which, unlike s3rver, honours the conditional
 * writes Lance commits with) on 127.0.0.1. Skipped, saying so, where python3 has no moto.
 */
const hasMoto = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;
if (!hasMoto) console.warn('store-s3.test.ts skipped: python3 cannot import moto (Debian has no python3-moto; it must be on the machine)');

const embedder = new HashedEmbedder();
const identity = { name: embedder.name, dimensions: embedder.dimensions };
let server: ChildProcess | undefined;
let endpoint = '';
let n = 0;
const freshUri = () => `s3://paperboy/db-${process.pid}-${n++}`;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe.skipIf(!hasMoto)('paper store on S3 (moto)', () => {
  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    server = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${endpoint}/paperboy`, { method: 'PUT' }).then((r) => r.ok, () => false)) break;
      await sleep(100);
    }
    Object.assign(process.env, { AWS_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_ALLOW_HTTP: 'true' });
  }, 60_000);
  afterAll(() => {
    server?.kill();
  });

  it('ingests once from two concurrent writers, answers with citations, and keeps the digest ledger', async () => {
    const uri = freshUri();
    const papers = await readPaperFile('data/papers.txt');
    const [a, b] = [await openStore({ uri, embedder: identity }), await openStore({ uri, embedder: identity })];
    await Promise.all([ingestPapers(papers.slice(0, 60), { store: a, embedder, batchSize: 20 }), ingestPapers(papers.slice(40), { store: b, embedder, batchSize: 20 })]);
    await ingestPapers([], { store: a, embedder });
    expect(await a.audit()).toMatchObject({ papers: 98, duplicatePapers: 0, duplicateChunks: 0, orphanChunks: 0, papersWithoutChunks: 0 });
    expect(await a.indexesComplete()).toBe(true);
    expect((await b.termStats()).docs).toBe(98);

    const answer = await createEngine({ store: b, embedder }).ask('generative classification with a masked language modelling head');
    expect(answer.citations.length).toBeGreaterThan(0);

    const ledger = await openDigestStore(a.connection);
    await ledger.putSubscription({ key: 'slack:C1', platform: 'slack', channelId: 'C1', topics: ['speech'], createdBy: 'U1', createdAt: '2030-01-01T00:00:00.000Z', status: 'active' });
    const other = await openDigestStore(b.connection);
    expect(await other.getSubscription('slack:C1')).toMatchObject({ channelId: 'C1', topics: ['speech'] });
    ledger.close();
    other.close();
    a.close();
    b.close();
  }, 180_000);

  it('names the setting to fix when the bucket or the endpoint is wrong', async () => {
    const noBucket = await openStore({ uri: 's3://no-such-bucket/db', embedder: identity }).catch((e: unknown) => e);
    expect(noBucket).toBeInstanceOf(StoreError);
    expect((noBucket as Error).message).toBe(`Cannot open the paper store at s3://no-such-bucket/db: the bucket in PAPERBOY_DB_URI (s3://no-such-bucket/db) does not exist at AWS_ENDPOINT=${endpoint}: create it, or fix PAPERBOY_DB_URI.`);

    process.env.AWS_ENDPOINT = `http://127.0.0.1:${await freePort()}`;
    try {
      const unreachable = await openStore({ uri: freshUri(), embedder: identity }).catch((e: unknown) => e);
      expect((unreachable as Error).message).toMatch(/cannot reach the object store at AWS_ENDPOINT=http:\/\/127\.0\.0\.1:\d+: check AWS_ENDPOINT/);
    } finally {
      process.env.AWS_ENDPOINT = endpoint;
    }
  }, 120_000);
});
