/**
 * The far side of both paper sources on 127.0.0.1: Hugging Face's `/api/daily_papers` (by date,
 * with `limit`/`p` paging) and arXiv's `/api/query` (feeds keyed by query or id list). Tests can
 * queue one-off answers — errors, throttling, a server that never answers — ahead of the routes.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { freePort } from '../helpers/ports.ts';

export type FakeResponse =
  | { status?: number; body: string; headers?: Record<string, string> }
  /** `headers`: never answer. `body`: send the headers and part of the body, then stall. */
  | { hang: 'headers' | 'body' };

export interface RecordedRequest {
  path: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakePaperSources {
  /** e.g. http://127.0.0.1:41234 — use as both HF_API_BASE and ARXIV_API_BASE. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answers the next requests to `path` with these, in order, before the routes answer again. */
  enqueue(path: string, ...responses: FakeResponse[]): void;
  close(): Promise<void>;
}

export interface FakePaperSourcesOptions {
  /** Daily lists by `YYYY-MM-DD`; the last one is also the answer when no date is given. */
  hfDays?: Record<string, unknown[]>;
  /** Atom feeds keyed by the `id_list` or `search_query` they answer; anything else gets an empty feed. */
  arxivFeeds?: Record<string, string>;
}

const EMPTY_FEED = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns="http://www.w3.org/2005/Atom">
  <title>arXiv Query</title>
  <opensearch:totalResults>0</opensearch:totalResults>
</feed>
`;

export async function startFakePaperSources({ hfDays = {}, arxivFeeds = {} }: FakePaperSourcesOptions = {}): Promise<FakePaperSources> {
  const requests: RecordedRequest[] = [];
  const queued = new Map<string, FakeResponse[]>();

  const route = (path: string, params: URLSearchParams): FakeResponse => {
    if (path === '/api/daily_papers') {
      const date = params.get('date');
      if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
        return { status: 400, body: JSON.stringify({ error: 'Invalid date' }), headers: { 'content-type': 'application/json' } };
      }
      const days = Object.keys(hfDays);
      const list = hfDays[date ?? days[days.length - 1] ?? ''] ?? [];
      const limit = Number(params.get('limit') ?? 50);
      const page = Number(params.get('p') ?? 0);
      const body = JSON.stringify(list.slice(page * limit, (page + 1) * limit));
      return { body, headers: { 'content-type': 'application/json; charset=utf-8' } };
    }
    if (path === '/api/query') {
      const key = params.get('id_list') || params.get('search_query') || '';
      return { body: arxivFeeds[key] ?? EMPTY_FEED, headers: { 'content-type': 'application/atom+xml; charset=utf-8' } };
    }
    return { status: 404, body: 'Not Found' };
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, params: url.searchParams, headers: req.headers });
    const answer = queued.get(url.pathname)?.shift() ?? route(url.pathname, url.searchParams);
    respond(res, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    enqueue(path, ...responses) {
      queued.set(path, [...(queued.get(path) ?? []), ...responses]);
    },
    async close() {
      // Hanging responses and keep-alive sockets would otherwise hold close() open.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function respond(res: ServerResponse, answer: FakeResponse): void {
  if ('hang' in answer) {
    if (answer.hang === 'body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"paper": {"id": "26');
    }
    return;
  }
  res.writeHead(answer.status ?? 200, answer.headers ?? { 'content-type': 'text/plain' });
  res.end(answer.body);
}

/** A free port with nothing listening on it: a source that is down. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

export function loadFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/** A real pino logger whose lines tests can read back, to check what a failure logs. */
export function createCapturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; warnings: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, warnings: () => lines().filter((l) => l.level === 40) };
}
