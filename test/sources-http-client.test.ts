import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, SourceError, USER_AGENT, type HttpClientOptions } from '../ingest/sources/http-client.ts';
import {
  closedPortUrl,
  createCapturingLogger,
  startFakePaperSources,
  type FakePaperSources,
} from './fakes/fake-paper-sources.ts';

let fake: FakePaperSources;
let waits: number[];
let capture: ReturnType<typeof createCapturingLogger>;

beforeEach(async () => {
  fake = await startFakePaperSources();
  waits = [];
  capture = createCapturingLogger();
});
afterEach(() => fake.close());

/** A client that records its backoff instead of sleeping, with the jitter pinned to the middle. */
function client(options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    logger: capture.logger,
    ...options,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<SourceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

describe('http client', () => {
  it('sends the descriptive User-Agent and the requested Accept header', async () => {
    fake.enqueue('/x', { body: 'hello' });
    const body = await client().getText(`${fake.baseUrl}/x`, { source: 'arxiv', accept: 'application/atom+xml' });
    expect(body).toBe('hello');
    expect(fake.requests[0]!.headers['user-agent']).toBe('Paperboy/0.1 (+https://github.com/paperboy-bot/paperboy)');
    expect(fake.requests[0]!.headers['user-agent']).toBe(USER_AGENT);
    expect(fake.requests[0]!.headers.accept).toBe('application/atom+xml');
    expect(waits).toEqual([]);
  });

  it('retries 5xx answers with exponential, jittered backoff and returns the first good body', async () => {
    fake.enqueue('/x', { status: 503, body: 'busy' }, { status: 500, body: 'oops' }, { status: 502, body: '' }, { body: 'finally' });
    const body = await client({ baseDelayMs: 1_000, retries: 3 }).getText(`${fake.baseUrl}/x`, { source: 'hf-daily' });
    expect(body).toBe('finally');
    expect(fake.requests).toHaveLength(4);
    // Equal jitter with random() = 0.5: three quarters of 1 s, 2 s, 4 s.
    expect(waits).toEqual([750, 1_500, 3_000]);
  });

  it('spreads retries by the random draw, between half and all of the backoff', async () => {
    fake.enqueue('/x', { status: 503, body: '' }, { body: 'ok' }, { status: 503, body: '' }, { body: 'ok' });
    await client({ random: () => 0 }).getText(`${fake.baseUrl}/x`, { source: 'hf-daily' });
    await client({ random: () => 0.999 }).getText(`${fake.baseUrl}/x`, { source: 'hf-daily' });
    expect(waits).toEqual([500, 999.5]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    fake.enqueue('/x', ...Array.from({ length: 4 }, () => ({ status: 500, body: '' })), { body: 'ok' });
    await client({ retries: 4, baseDelayMs: 10_000, maxDelayMs: 15_000 }).getText(`${fake.baseUrl}/x`, { source: 'arxiv' });
    // 10 s, then 20 s → 15 s cap, each jittered to three quarters.
    expect(waits).toEqual([7_500, 11_250, 11_250, 11_250]);
  });

  it('honours Retry-After on a 429, within maxDelayMs', async () => {
    fake.enqueue(
      '/x',
      { status: 429, body: 'slow down', headers: { 'retry-after': '7' } },
      { status: 429, body: 'slow down', headers: { 'retry-after': '3600' } },
      { body: 'ok' },
    );
    const body = await client({ maxDelayMs: 30_000 }).getText(`${fake.baseUrl}/x`, { source: 'arxiv' });
    expect(body).toBe('ok');
    expect(waits).toEqual([7_000, 30_000]);
  });

  it('does not retry a 404 and names the status and body in the error', async () => {
    fake.enqueue('/x', { status: 404, body: 'Not Found' });
    const err = await failureOf(client().getText(`${fake.baseUrl}/x`, { source: 'hf-daily' }));
    expect(err).toMatchObject({ code: 'ingest', source: 'hf-daily', kind: 'http', status: 404, attempts: 1 });
    expect(err.message).toBe(`hf-daily: GET ${fake.baseUrl}/x answered HTTP 404: Not Found`);
    expect(fake.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('gives up after the configured retries and reports the last answer', async () => {
    fake.enqueue('/x', ...Array.from({ length: 3 }, () => ({ status: 503, body: 'Service Unavailable' })));
    const err = await failureOf(client({ retries: 2 }).getText(`${fake.baseUrl}/x`, { source: 'hf-daily' }));
    expect(err).toMatchObject({ kind: 'unavailable', status: 503, attempts: 3 });
    expect(err.message).toBe(`hf-daily: GET ${fake.baseUrl}/x failed after 3 attempts: HTTP 503: Service Unavailable`);
    expect(fake.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('calls a source that is down unavailable after its retries instead of hanging', async () => {
    const down = await closedPortUrl();
    const err = await failureOf(client({ retries: 3 }).getText(`${down}/api/daily_papers`, { source: 'hf-daily' }));
    expect(err).toMatchObject({ kind: 'unavailable', attempts: 4, status: undefined });
    expect(err.message).toMatch(/failed after 4 attempts: network error: .*ECONNREFUSED/);
    expect(waits).toHaveLength(3);
  });

  it('times out a server that never answers', async () => {
    fake.enqueue('/x', { hang: 'headers' }, { hang: 'headers' });
    const err = await failureOf(client({ timeoutMs: 100, retries: 1 }).getText(`${fake.baseUrl}/x`, { source: 'arxiv' }));
    expect(err).toMatchObject({ kind: 'unavailable', attempts: 2 });
    expect(err.message).toBe(`arxiv: GET ${fake.baseUrl}/x failed after 2 attempts: timed out after 100 ms`);
  });

  it('times out a response whose body stalls half-way', async () => {
    fake.enqueue('/x', { hang: 'body' });
    const err = await failureOf(client({ timeoutMs: 100, retries: 0 }).getText(`${fake.baseUrl}/x`, { source: 'hf-daily' }));
    expect(err.message).toMatch(/failed after 1 attempts: timed out after 100 ms$/);
  });

  it('retries a 200 that the source marks as throttling, then calls it rate-limited', async () => {
    const isThrottled = (body: string) => body === 'Rate exceeded.';
    fake.enqueue('/x', { body: 'Rate exceeded.' }, { body: '<feed/>' });
    expect(await client().getText(`${fake.baseUrl}/x`, { source: 'arxiv', isThrottled })).toBe('<feed/>');
    expect(waits).toEqual([750]);

    fake.enqueue('/x', { body: 'Rate exceeded.' }, { body: 'Rate exceeded.' });
    const err = await failureOf(client({ retries: 1 }).getText(`${fake.baseUrl}/x`, { source: 'arxiv', isThrottled }));
    expect(err).toMatchObject({ kind: 'rate-limited', status: 200, attempts: 2 });
    expect(err.message).toContain('HTTP 200: Rate exceeded.');
  });

  it('calls a persistent 429 rate-limited', async () => {
    fake.enqueue('/x', { status: 429, body: 'Rate exceeded.' }, { status: 429, body: 'Rate exceeded.' });
    const err = await failureOf(client({ retries: 1 }).getText(`${fake.baseUrl}/x`, { source: 'arxiv' }));
    expect(err).toMatchObject({ kind: 'rate-limited', status: 429, attempts: 2 });
  });

  it('waits its turn before every attempt, retries included', async () => {
    const events: string[] = [];
    fake.enqueue('/x', { status: 503, body: '' }, { body: 'ok' });
    await createHttpClient({
      sleep: async (ms) => void events.push(`backoff ${ms}`),
      random: () => 0.5,
      logger: capture.logger,
    }).getText(`${fake.baseUrl}/x`, {
      source: 'arxiv',
      beforeAttempt: async () => void events.push(`turn ${fake.requests.length}`),
    });
    expect(events).toEqual(['turn 0', 'backoff 750', 'turn 1']);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    fake.enqueue('/x', { hang: 'headers' });
    const controller = new AbortController();
    const pending = client().getText(`${fake.baseUrl}/x`, { source: 'arxiv', signal: controller.signal });
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    expect(waits).toEqual([]);
  });

  it('logs retries at debug and nothing at warn until a source reports the failure', async () => {
    fake.enqueue('/x', { status: 503, body: '' }, { body: 'ok' });
    await client().getText(`${fake.baseUrl}/x`, { source: 'hf-daily' });
    expect(capture.warnings()).toEqual([]);
    expect(capture.lines().filter((l) => l.level === 20)).toHaveLength(1);
  });
});

describe('failure()', () => {
  it('logs one warn line with the source error and returns it unchanged', () => {
    const http = client();
    const original = new SourceError({ source: 'arxiv', kind: 'unavailable', url: 'http://127.0.0.1:9/api/query', attempts: 4 }, 'GET … failed');
    expect(http.failure('arxiv', original)).toBe(original);
    expect(capture.warnings()).toEqual([
      expect.objectContaining({ source: 'arxiv', kind: 'unavailable', attempts: 4, msg: 'arxiv: GET … failed' }),
    ]);
  });

  it('wraps anything else as a bad response of that source, keeping the cause', () => {
    const cause = new SyntaxError('Unexpected token < in JSON');
    const err = client().failure('hf-daily', cause);
    expect(err).toMatchObject({ code: 'ingest', source: 'hf-daily', kind: 'bad-response', message: 'hf-daily: Unexpected token < in JSON' });
    expect(err.cause).toBe(cause);
    expect(capture.warnings()).toHaveLength(1);
  });
});
