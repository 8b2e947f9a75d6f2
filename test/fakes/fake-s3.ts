/**
 * The far side of `s3://` stores: an S3-compatible server on 127.0.0.1 with what LanceDB's
 * object_store client calls (path-style requests), so the S3 tests and `npm run torture -- --s3`
 * need no Python or network. Objects live in memory. Signatures are not checked.
 *
 * What Lance relies on, kept as S3 (and moto) do it: `PUT` with `If-None-Match: *` is how it
 * commits a manifest, so the check and the write happen in one step (a second writer gets 412
 * PreconditionFailed); `If-Match` compares strong ETags; ranged GETs answer 206 with
 * Content-Range; ListObjectsV2 pages with continuation tokens. Also: multipart uploads (parts
 * of at least 5 MiB but the last, conditional complete), CopyObject with its source conditions,
 * DeleteObjects, bucket creation.
 *
 * Races on demand: after `armFakeS3Race(endpoint)` the next conditional PUT (a commit) is held
 * until a second conditional PUT of the same key arrives (or `RACE_HOLD_MS` passes); the first
 * then lands and the second is refused with 412. Tests of concurrent writers use it so that the
 * race they check happens on every run, not only when the scheduler happens to interleave them.
 *
 * @example
 * const s3 = await startFakeS3({ buckets: ['paperboy'] });
 * Object.assign(process.env, s3.env); // AWS_ENDPOINT and the other settings LanceDB reads
 * // … s3://paperboy/db …; readFakeS3Stats(s3.endpoint) counts the calls by S3 operation
 * await s3.close();
 *
 * As its own process: `tsx test/fakes/fake-s3.ts --bucket paperboy [--port 9000]` prints
 * `{"endpoint":…}` on its first line and serves until killed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string;
}

interface Upload {
  bucket: string;
  key: string;
  parts: Map<number, { body: Buffer; etag: string }>;
}

export interface FakeS3 {
  endpoint: string;
  /** The environment LanceDB's S3 client needs to reach this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** What the fake has served, from `GET /_fake_s3/stats` (a path no bucket can have: `_` is not allowed in bucket names). */
export interface FakeS3Stats {
  /** Requests by S3 operation (`GetObject`, `PutObject`, `ListObjectsV2`, …), not counting stats requests. */
  requests: Record<string, number>;
  total: number;
  /** Requests refused with 412 PreconditionFailed: mostly commits that raced another writer's. */
  preconditionFailures: number;
  /** Bytes held in objects (not counting unfinished multipart uploads). */
  storedBytes: number;
}

const STATS_PATH = '/_fake_s3/stats';
const RACE_PATH = '/_fake_s3/race';
/** How long an armed race waits for the second writer: well under the client's request timeout. */
const RACE_HOLD_MS = 10_000;

/** The fake's counts, wherever it runs (this process or a child); `reset` zeroes them after reading. */
export async function readFakeS3Stats(endpoint: string, { reset = false } = {}): Promise<FakeS3Stats> {
  const response = await fetch(`${endpoint}${STATS_PATH}`, { method: reset ? 'DELETE' : 'GET' });
  return (await response.json()) as FakeS3Stats;
}

/** Holds the next conditional PUT until a second one of the same key arrives (see the file's comment). */
export async function armFakeS3Race(endpoint: string): Promise<void> {
  await fetch(`${endpoint}${RACE_PATH}`, { method: 'POST' });
}

/** S3 refuses multipart parts smaller than this, except the last. */
const MIN_PART = 5 * 2 ** 20;
const MAX_KEYS = 1000;

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeS3({ port = 0, buckets = [] }: { port?: number; buckets?: string[] } = {}): Promise<FakeS3> {
  const store = new Map<string, Map<string, StoredObject>>(buckets.map((b) => [b, new Map()]));
  const uploads = new Map<string, Upload>();
  const counts: Record<string, number> = {};
  let refused = 0;
  let raceArmed = false;
  /** The held first write of an armed race, by `bucket/key`: calling it lets that write go ahead. */
  const held = new Map<string, () => void>();

  const bucketOf = (name: string) => {
    const objects = store.get(name);
    if (!objects) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    return objects;
  };
  const objectOf = (bucket: string, key: string) => {
    const object = bucketOf(bucket).get(key);
    if (!object) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    return object;
  };
  /** The conditions of a write on its destination, checked in the same tick as the write. */
  const checkWrite = (req: IncomingMessage, existing: StoredObject | undefined) => {
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch !== undefined && existing && (ifNoneMatch === '*' || ifNoneMatch === existing.etag)) {
      throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined) {
      if (!existing) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      if (ifMatch !== '*' && ifMatch !== existing.etag) throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
  };
  /** An armed race's turn for a conditional PUT: the first waits for a rival, the rival lets it land first. */
  const takeTurn = async (req: IncomingMessage, target: string) => {
    if (req.headers['if-none-match'] === undefined && req.headers['if-match'] === undefined) return;
    const first = held.get(target);
    if (first) {
      held.delete(target);
      first();
      // Once released, the first write runs to its end in microtasks: it lands before this one is checked.
      return new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!raceArmed) return;
    raceArmed = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        held.delete(target);
        resolve();
      }, RACE_HOLD_MS);
      held.set(target, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  };
  const write = (bucket: string, key: string, body: Buffer, etag: string, contentType = 'application/octet-stream') => {
    bucketOf(bucket).set(key, { body, etag, lastModified: new Date(), contentType });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, count: (operation: string) => void) {
    const url = new URL(req.url ?? '/', 'http://fake-s3');
    const q = url.searchParams;
    const [, rawBucket = '', ...rest] = url.pathname.split('/');
    const bucket = decodeURIComponent(rawBucket);
    const key = rest.map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';
    if (req.headers['content-encoding']?.includes('aws-chunked')) throw new S3Error(501, 'NotImplemented', 'aws-chunked uploads are not supported by this fake');
    const body = await buffer(req);

    if (!bucket) throw new S3Error(501, 'NotImplemented', 'ListBuckets is not supported by this fake');
    if (!key) {
      if (method === 'PUT') {
        count('CreateBucket');
        // In us-east-1 S3 answers 200 to re-creating a bucket you own.
        if (!store.has(bucket)) store.set(bucket, new Map());
        return send(res, 200, '', { location: `/${bucket}` });
      }
      if (method === 'HEAD') {
        count('HeadBucket');
        bucketOf(bucket);
        return send(res, 200, '');
      }
      if (method === 'GET' && q.get('list-type') === '2') {
        count('ListObjectsV2');
        return send(res, 200, listObjects(bucket, bucketOf(bucket), q));
      }
      if (method === 'POST' && q.has('delete')) {
        count('DeleteObjects');
        const objects = bucketOf(bucket);
        const keys = elements(body.toString(), 'Object').map((o) => text(o, 'Key'));
        for (const k of keys) objects.delete(k);
        const quiet = text(body.toString(), 'Quiet', 'false') === 'true';
        return send(res, 200, xml('DeleteResult', quiet ? '' : keys.map((k) => `<Deleted><Key>${escapeXml(k)}</Key></Deleted>`).join('')));
      }
      throw new S3Error(501, 'NotImplemented', `${method} ${url.pathname}${url.search} is not supported by this fake`);
    }

    if (method === 'POST' && q.has('uploads')) {
      count('CreateMultipartUpload');
      bucketOf(bucket);
      const uploadId = randomUUID();
      uploads.set(uploadId, { bucket, key, parts: new Map() });
      return send(res, 200, xml('InitiateMultipartUploadResult', `<Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId>`));
    }
    if (q.has('uploadId')) return multipart(req, res, count, { bucket, key, uploadId: q.get('uploadId')!, body, partNumber: q.get('partNumber') });

    switch (method) {
      case 'GET':
      case 'HEAD': {
        count(method === 'GET' ? 'GetObject' : 'HeadObject');
        const object = objectOf(bucket, key);
        const ifMatch = req.headers['if-match'];
        if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== object.etag) throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        if (req.headers['if-none-match'] === object.etag) return send(res, 304, '', { etag: object.etag });
        const headers = { etag: object.etag, 'last-modified': object.lastModified.toUTCString(), 'content-type': object.contentType, 'accept-ranges': 'bytes' };
        const range = req.headers.range === undefined ? undefined : parseRange(req.headers.range, object.body.length);
        if (!range) return send(res, 200, method === 'GET' ? object.body : '', headers, object.body.length);
        const slice = object.body.subarray(range.start, range.end + 1);
        return send(res, 206, method === 'GET' ? slice : '', { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${object.body.length}` }, slice.length);
      }
      case 'PUT': {
        const source = req.headers['x-amz-copy-source'];
        if (typeof source === 'string') {
          count('CopyObject');
          const copied = copySource(req, source);
          checkWrite(req, bucketOf(bucket).get(key));
          write(bucket, key, copied.body, copied.etag, copied.contentType);
          return send(res, 200, xml('CopyObjectResult', `<ETag>${escapeXml(copied.etag)}</ETag><LastModified>${new Date().toISOString()}</LastModified>`));
        }
        count('PutObject');
        await takeTurn(req, `${bucket}/${key}`);
        checkWrite(req, bucketOf(bucket).get(key));
        const etag = `"${md5(body).toString('hex')}"`;
        write(bucket, key, body, etag, req.headers['content-type']);
        return send(res, 200, '', { etag });
      }
      case 'DELETE':
        count('DeleteObject');
        bucketOf(bucket).delete(key);
        return send(res, 204, '');
      default:
        throw new S3Error(405, 'MethodNotAllowed', `${method} is not allowed on an object`);
    }
  }

  /** The object `x-amz-copy-source` names, if its `x-amz-copy-source-if-*` conditions hold. */
  function copySource(req: IncomingMessage, source: string): StoredObject {
    const [path = ''] = source.split('?');
    const [srcBucket = '', ...srcKey] = decodeURIComponent(path.replace(/^\//, '')).split('/');
    const object = objectOf(srcBucket, srcKey.join('/'));
    const ifMatch = req.headers['x-amz-copy-source-if-match'];
    const ifNoneMatch = req.headers['x-amz-copy-source-if-none-match'];
    if ((ifMatch !== undefined && ifMatch !== object.etag) || (ifNoneMatch !== undefined && (ifNoneMatch === '*' || ifNoneMatch === object.etag))) {
      throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    return object;
  }

  function multipart(
    req: IncomingMessage,
    res: ServerResponse,
    count: (operation: string) => void,
    { bucket, key, uploadId, body, partNumber }: { bucket: string; key: string; uploadId: string; body: Buffer; partNumber: string | null },
  ) {
    const upload = uploads.get(uploadId);
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
    if (req.method === 'PUT' && partNumber !== null) {
      count('UploadPart');
      const etag = `"${md5(body).toString('hex')}"`;
      upload.parts.set(Number(partNumber), { body, etag });
      return send(res, 200, '', { etag });
    }
    if (req.method === 'DELETE') {
      count('AbortMultipartUpload');
      uploads.delete(uploadId);
      return send(res, 204, '');
    }
    if (req.method === 'POST') {
      count('CompleteMultipartUpload');
      const listed = elements(body.toString(), 'Part').map((p) => ({ n: Number(text(p, 'PartNumber')), etag: text(p, 'ETag') }));
      if (listed.length === 0) throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
      const parts = listed.map(({ n, etag }, i) => {
        const part = upload.parts.get(n);
        if (!part || part.etag !== etag) throw new S3Error(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
        if (i > 0 && n <= listed[i - 1]!.n) throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
        if (i < listed.length - 1 && part.body.length < MIN_PART) throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
        return part;
      });
      checkWrite(req, bucketOf(bucket).get(key));
      const etag = `"${md5(Buffer.concat(parts.map((p) => md5(p.body)))).toString('hex')}-${parts.length}"`;
      write(bucket, key, Buffer.concat(parts.map((p) => p.body)), etag);
      uploads.delete(uploadId);
      return send(res, 200, xml('CompleteMultipartUploadResult', `<Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${escapeXml(etag)}</ETag>`));
    }
    throw new S3Error(405, 'MethodNotAllowed', `${req.method} is not allowed on an upload`);
  }

  const stats = (): FakeS3Stats => ({
    requests: { ...counts },
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    preconditionFailures: refused,
    storedBytes: [...store.values()].flatMap((b) => [...b.values()]).reduce((sum, o) => sum + o.body.length, 0),
  });

  const server = createServer((req, res) => {
    if (req.url === RACE_PATH && req.method === 'POST') {
      raceArmed = true;
      return send(res, 204, '');
    }
    if (req.url === STATS_PATH) {
      const body = JSON.stringify(stats());
      if (req.method === 'DELETE') {
        for (const k of Object.keys(counts)) delete counts[k];
        refused = 0;
      }
      return send(res, 200, body, { 'content-type': 'application/json' });
    }
    let operation = 'Unknown';
    handle(req, res, (op) => (operation = op))
      .catch((error: unknown) => {
        if (!(error instanceof S3Error)) throw error;
        if (error.status === 412) refused++;
        const resource = escapeXml(new URL(req.url ?? '/', 'http://fake-s3').pathname);
        send(res, error.status, req.method === 'HEAD' ? '' : xml('Error', `<Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message><Resource>${resource}</Resource><RequestId>${randomUUID()}</RequestId>`));
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, xml('Error', `<Code>InternalError</Code><Message>${escapeXml(String(error))}</Message>`));
      })
      .finally(() => (counts[operation] = (counts[operation] ?? 0) + 1));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    env: { AWS_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: 'fake', AWS_SECRET_ACCESS_KEY: 'fake', AWS_REGION: 'us-east-1', AWS_ALLOW_HTTP: 'true' },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One page of ListObjectsV2: keys after the start, grouped into common prefixes by the delimiter. */
function listObjects(bucket: string, objects: Map<string, StoredObject>, q: URLSearchParams): string {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = Math.min(Number(q.get('max-keys') ?? MAX_KEYS), MAX_KEYS);
  const token = q.get('continuation-token');
  // The token is the last key, or common prefix (`P` + prefix), of the previous page.
  const resume = token !== null ? Buffer.from(token, 'base64url').toString() : '';
  let lastPrefix = resume.startsWith('P') ? resume.slice(1) : undefined;
  let last = resume.slice(1);
  const after = token !== null ? last : (q.get('start-after') ?? '');
  const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const contents: string[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  for (const k of keys) {
    if (lastPrefix !== undefined && k.startsWith(lastPrefix)) continue;
    if (contents.length + prefixes.length === maxKeys) {
      truncated = true;
      break;
    }
    const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      last = lastPrefix = k.slice(0, cut + delimiter.length);
      prefixes.push(`<CommonPrefixes><Prefix>${escapeXml(lastPrefix)}</Prefix></CommonPrefixes>`);
    } else {
      last = k;
      lastPrefix = undefined;
      const o = objects.get(k)!;
      contents.push(`<Contents><Key>${escapeXml(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${escapeXml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
    }
  }
  const next = truncated ? `<NextContinuationToken>${Buffer.from((lastPrefix !== undefined ? 'P' : 'K') + last).toString('base64url')}</NextContinuationToken>` : '';
  return xml(
    'ListBucketResult',
    `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix>${delimiter ? `<Delimiter>${escapeXml(delimiter)}</Delimiter>` : ''}` +
      `<MaxKeys>${maxKeys}</MaxKeys><KeyCount>${contents.length + prefixes.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>` +
      contents.join('') +
      prefixes.join('') +
      next,
  );
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n`, clamped to the object as S3 does; unsatisfiable → 416. */
function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const [start, end] = m[1] === '' ? [Math.max(0, size - Number(m[2])), size - 1] : [Number(m[1]), m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)];
  if (start >= size || start > end) throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable');
  return { start, end };
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}, contentLength?: number) {
  const isXml = typeof body === 'string' && body.startsWith('<?xml');
  res.writeHead(status, { 'x-amz-request-id': randomUUID(), ...(isXml ? { 'content-type': 'application/xml' } : {}), ...headers, 'content-length': String(contentLength ?? Buffer.byteLength(body)) });
  res.end(body);
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest();

const xml = (root: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(Number(e[1] === 'x' || e[1] === 'X' ? `0x${e.slice(2)}` : e.slice(1))) : Object.keys(ENTITIES).find((c) => ENTITIES[c] === `&${e};`)!,
  );

/** The inner XML of every `<tag>` element in a request body (the few flat shapes S3 clients send). */
const elements = (body: string, tag: string) => [...body.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
function text(body: string, tag: string, fallback?: string): string {
  const found = elements(body, tag)[0];
  if (found === undefined && fallback === undefined) throw new S3Error(400, 'MalformedXML', `<${tag}> is missing`);
  return found === undefined ? fallback! : unescapeXml(found);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, bucket: { type: 'string', multiple: true, default: [] } } });
  const { endpoint } = await startFakeS3({ port: Number(values.port), buckets: values.bucket });
  console.log(JSON.stringify({ endpoint }));
}
