import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from './helpers/s3-server.ts';

/**
 * The S3 semantics LanceDB's object_store client relies on, as plain requests. They run against
 * the fake by default and against moto with PAPERBOY_S3_SERVER=moto, so both are held to the
 * same answers. Requests carry an Authorization header of the SigV4 shape (moto reads the key
 * from it and checks no signature; the fake ignores it).
 */
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20300101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0';
const s3 = (input: string, init: RequestInit = {}) => fetch(input, { ...init, headers: { authorization: AUTH, ...(init.headers as Record<string, string>) } });
let server: S3Server;
let url: (key: string, query?: string) => string;
const etagOf = (r: Response) => r.headers.get('etag')!;

describe(`S3 server semantics (${process.env.PAPERBOY_S3_SERVER ?? 'fake'})`, () => {
  beforeAll(async () => {
    server = await startS3Server(['semantics']);
    url = (key, query = '') => `${server.endpoint}/semantics/${key.split('/').map(encodeURIComponent).join('/')}${query}`;
  }, 60_000);
  afterAll(() => server?.close());

  it('commits with If-None-Match: * once, and compares If-Match with the strong ETag', async () => {
    const first = await s3(url('t/_versions/1.manifest'), { method: 'PUT', body: 'one', headers: { 'if-none-match': '*' } });
    expect(first.status).toBe(200);
    expect(etagOf(first)).toMatch(/^"[0-9a-f]{32}"$/);
    const second = await s3(url('t/_versions/1.manifest'), { method: 'PUT', body: 'two', headers: { 'if-none-match': '*' } });
    expect(second.status).toBe(412);
    expect(await second.text()).toContain('<Code>PreconditionFailed</Code>');
    expect(await (await s3(url('t/_versions/1.manifest'))).text()).toBe('one');

    expect((await s3(url('t/_versions/1.manifest'), { method: 'PUT', body: 'x', headers: { 'if-match': '"0123"' } })).status).toBe(412);
    const swapped = await s3(url('t/_versions/1.manifest'), { method: 'PUT', body: 'three', headers: { 'if-match': etagOf(first) } });
    expect(swapped.status).toBe(200);
    expect(etagOf(swapped)).not.toBe(etagOf(first));
  });

  it('answers ranged reads with 206 and Content-Range, and names missing keys and buckets', async () => {
    await s3(url('r/data.bin'), { method: 'PUT', body: '0123456789' });
    const middle = await s3(url('r/data.bin'), { headers: { range: 'bytes=2-5' } });
    expect([middle.status, middle.headers.get('content-range'), await middle.text()]).toEqual([206, 'bytes 2-5/10', '2345']);
    const tail = await s3(url('r/data.bin'), { headers: { range: 'bytes=-3' } });
    expect([tail.status, await tail.text()]).toEqual([206, '789']);
    expect((await s3(url('r/data.bin'), { headers: { range: 'bytes=20-30' } })).status).toBe(416);
    const head = await s3(url('r/data.bin'), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '10']);
    expect(new Date(head.headers.get('last-modified')!).getTime()).not.toBeNaN();

    const missing = await s3(url('r/none'));
    expect([missing.status, await missing.text()]).toEqual([404, expect.stringContaining('<Code>NoSuchKey</Code>')]);
    const noBucket = await s3(`${server.endpoint}/no-such-bucket?list-type=2&prefix=x`);
    expect([noBucket.status, await noBucket.text()]).toEqual([404, expect.stringContaining('<Code>NoSuchBucket</Code>')]);
  });

  it('lists in key order, page by page, with common prefixes under a delimiter', async () => {
    const keys = ['l/a/1', 'l/a/2', 'l/b', 'l/c/1', 'l/d', 'l/e'];
    for (const k of keys) await s3(url(k), { method: 'PUT', body: k });
    const listAll = async (query: string) => {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await (await s3(`${server.endpoint}/semantics?list-type=2&prefix=l%2F&max-keys=2${query}${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`)).text();
        seen.push(...[...page.matchAll(/<Key>([^<]*)<\/Key>|<CommonPrefixes><Prefix>([^<]*)<\/Prefix>/g)].map((m) => m[1] ?? m[2]!));
        token = /<NextContinuationToken>([^<]+)</.exec(page)?.[1];
      } while (token);
      return seen;
    };
    expect(await listAll('')).toEqual(keys);
    expect((await listAll('&delimiter=%2F')).sort()).toEqual(['l/a/', 'l/b', 'l/c/', 'l/d', 'l/e']);
    expect(await listAll('&start-after=l%2Fc%2F1')).toEqual(['l/d', 'l/e']);
  });

  it('assembles multipart uploads, refusing a conditional complete over an existing key', async () => {
    const big = Buffer.alloc(5 * 2 ** 20, 7);
    const upload = async (key: string) => {
      const created = await (await s3(url(key, '?uploads'), { method: 'POST' })).text();
      const uploadId = /<UploadId>([^<]+)</.exec(created)![1]!;
      const parts: string[] = [];
      for (const [n, body] of [big, Buffer.from('end')].entries()) {
        const r = await s3(url(key, `?partNumber=${n + 1}&uploadId=${uploadId}`), { method: 'PUT', body });
        parts.push(`<Part><PartNumber>${n + 1}</PartNumber><ETag>${etagOf(r)}</ETag></Part>`);
      }
      return (headers: Record<string, string> = {}) =>
        s3(url(key, `?uploadId=${uploadId}`), { method: 'POST', headers, body: `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>` });
    };
    const complete = await (await upload('m/file'))();
    expect(complete.status).toBe(200);
    expect(await complete.text()).toMatch(/<ETag>"?(&quot;)?[0-9a-f]{32}-2/);
    expect(Number((await s3(url('m/file'), { method: 'HEAD' })).headers.get('content-length'))).toBe(big.length + 3);
    expect((await (await upload('m/file'))({ 'if-none-match': '*' })).status).toBe(412);

    const aborted = await (await s3(url('m/gone', '?uploads'), { method: 'POST' })).text();
    const abortedId = /<UploadId>([^<]+)</.exec(aborted)![1]!;
    expect((await s3(url('m/gone', `?uploadId=${abortedId}`), { method: 'DELETE' })).status).toBe(204);
    // S3 (and the fake) answer 404 NoSuchUpload; moto 500.
    expect((await s3(url('m/gone', `?partNumber=1&uploadId=${abortedId}`), { method: 'PUT', body: 'x' })).ok).toBe(false);
  });

  it('copies under source conditions and deletes in batches', async () => {
    const put = await s3(url('c/src'), { method: 'PUT', body: 'copy me' });
    const copy = (dest: string, headers: Record<string, string>) => s3(url(dest), { method: 'PUT', headers: { 'x-amz-copy-source': '/semantics/c/src', ...headers } });
    expect((await copy('c/dest', { 'x-amz-copy-source-if-match': etagOf(put) })).status).toBe(200);
    expect(await (await s3(url('c/dest'))).text()).toBe('copy me');
    expect((await copy('c/other', { 'x-amz-copy-source-if-none-match': etagOf(put) })).status).toBe(412);

    const body = '<Delete><Object><Key>c/src</Key></Object><Object><Key>c/dest</Key></Object></Delete>';
    const deleted = await s3(`${server.endpoint}/semantics?delete`, { method: 'POST', body, headers: { 'content-md5': (await import('node:crypto')).createHash('md5').update(body).digest('base64') } });
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toContain('<Deleted><Key>c/dest</Key>');
    expect((await s3(url('c/src'), { method: 'HEAD' })).status).toBe(404);
    expect((await s3(url('c/src'), { method: 'DELETE' })).status).toBe(204);
  });
});
