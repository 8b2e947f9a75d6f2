import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPapers } from '../ingest/pipeline.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { openDigestStore } from '../src/digest/digest-store.ts';
import { HashedEmbedder } from '../src/embeddings/hashed-embedder.ts';
import { createEngine } from '../src/engine.ts';
import { StoreError } from '../src/errors.ts';
import { openStore } from '../src/store/lance-store.ts';
import { freePort } from './helpers/ports.ts';
import { startS3Server, type S3Server } from './helpers/s3-server.ts';

/**
 * The store on object storage: the fake S3 server (test/fakes/fake-s3.ts, which honours the
 * conditional writes Lance commits with, as S3 does) on 127.0.0.1. PAPERBOY_S3_SERVER=moto runs
 * the same tests against moto's server instead, where python3 has moto.
 */
const embedder = new HashedEmbedder();
const identity = { name: embedder.name, dimensions: embedder.dimensions };
let server: S3Server;
let n = 0;
const freshUri = () => `s3://paperboy/db-${process.pid}-${n++}`;

describe(`paper store on S3 (${process.env.PAPERBOY_S3_SERVER ?? 'fake'} server)`, () => {
  beforeAll(async () => {
    server = await startS3Server(['paperboy']);
    Object.assign(process.env, server.env);
  }, 60_000);
  afterAll(() => server?.close());

  it('ingests once from three concurrent writers of overlapping papers, answers with citations, and keeps the digest ledger', async () => {
    const uri = freshUri();
    const papers = await readPaperFile('data/papers.txt');
    const [a, b, c] = [await openStore({ uri, embedder: identity }), await openStore({ uri, embedder: identity }), await openStore({ uri, embedder: identity })];
    const before = await server.stats?.({ reset: true });
    await server.armRace?.();
    await Promise.all([
      ingestPapers(papers.slice(0, 60), { store: a, embedder, batchSize: 20 }),
      ingestPapers(papers.slice(40), { store: b, embedder, batchSize: 20 }),
      ingestPapers(papers.slice(20, 80), { store: c, embedder, batchSize: 20 }),
    ]);
    // The writers did race (the fake holds the first commit until a rival of the same version arrives):
    // commits were refused with 412 and retried (by Lance, or by us on a commit conflict).
    if (before) expect((await server.stats!()).preconditionFailures).toBeGreaterThan(0);
    await ingestPapers([], { store: a, embedder });
    expect(await a.audit()).toMatchObject({ papers: 98, duplicatePapers: 0, duplicateChunks: 0, orphanChunks: 0, papersWithoutChunks: 0 });
    expect(await a.indexesComplete()).toBe(true);
    expect((await b.termStats()).docs).toBe(98);
    c.close();

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
    expect((noBucket as Error).message).toBe(`Cannot open the paper store at s3://no-such-bucket/db: the bucket in PAPERBOY_DB_URI (s3://no-such-bucket/db) does not exist at AWS_ENDPOINT=${server.endpoint}: create it, or fix PAPERBOY_DB_URI.`);

    // A closed port: the object_store client's retries (3, with backoff, for every request) would
    // only make the same refusal slow. The setting is read from the environment, like AWS_ENDPOINT.
    Object.assign(process.env, { AWS_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OBJECT_STORE_CLIENT_MAX_RETRIES: '0' });
    try {
      const unreachable = await openStore({ uri: freshUri(), embedder: identity }).catch((e: unknown) => e);
      expect((unreachable as Error).message).toMatch(/cannot reach the object store at AWS_ENDPOINT=http:\/\/127\.0\.0\.1:\d+: check AWS_ENDPOINT/);
    } finally {
      process.env.AWS_ENDPOINT = server.endpoint;
      delete process.env.OBJECT_STORE_CLIENT_MAX_RETRIES;
    }
  }, 120_000);
});
