/**
 * The one HTTP client every remote paper source uses: a timeout that covers the body too, bounded
 * retries with exponential backoff and jitter on 429/5xx/network errors, a descriptive User-Agent,
 * and exactly one warn line per source failure.
 */
import type { Logger } from '../../src/logger.ts';
import { SourceError, type SourceName } from '../../src/source-error.ts';

export const USER_AGENT = 'Paperboy/0.1 (+https://github.com/paperboy-bot/paperboy)';

export { SourceError, type SourceErrorKind, type SourceName } from '../../src/source-error.ts';

export interface GetTextOptions {
  source: SourceName;
  accept?: string;
  /** Wait for a turn before every attempt, retries included (arXiv's one request per 3 s). */
  beforeAttempt?: () => Promise<void>;
  /** Sources that throttle with a 200 (arXiv's bare "Rate exceeded.") say so here to get retried. */
  isThrottled?: (body: string) => boolean;
  /** The source's own reason in the body of a refused (4xx) request, shown instead of the raw body. */
  explainRefusal?: (body: string) => string | undefined;
  signal?: AbortSignal;
}

export interface HttpClient {
  readonly logger: Logger;
  /** GETs `url` and resolves with the body of a 2xx answer; throws SourceError otherwise. */
  getText(url: string, options: GetTextOptions): Promise<string>;
  /**
   * Turns anything a source threw into a SourceError and logs it: one warn line per failure.
   * Sources call it once, at their edge: `catch (err) { throw http.failure('arxiv', err) }`.
   */
  failure(source: SourceName, err: unknown): SourceError;
}

export interface HttpClientOptions {
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Returns [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  /** Required: the composition root's logger (with its secret masking), never a default of our own. */
  logger: Logger;
  /** Per attempt, from sending the request to the last byte of the body. */
  timeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  userAgent?: string;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const http = createHttpClient({ logger, timeoutMs: 10_000 });
 * const json = await http.getText('https://huggingface.co/api/daily_papers', { source: 'hf-daily' });
 */
export function createHttpClient({
  fetch = globalThis.fetch,
  sleep = realSleep,
  random = Math.random,
  logger,
  timeoutMs = 15_000,
  retries = 3,
  baseDelayMs = 1_000,
  maxDelayMs = 30_000,
  userAgent = USER_AGENT,
}: HttpClientOptions): HttpClient {
  const backoffMs = (retry: number, retryAfterMs?: number) => {
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
    // Equal jitter: at least half the backoff, so clients that failed together spread out but still wait.
    const jittered = exponential / 2 + (random() * exponential) / 2;
    return Math.min(maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
  };

  async function attempt(url: string, options: GetTextOptions): Promise<Attempt> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    try {
      const res = await fetch(url, {
        headers: { 'user-agent': userAgent, accept: options.accept ?? '*/*' },
        signal,
        redirect: 'follow',
      });
      const body = await res.text();
      return { status: res.status, body, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : describeNetworkError(err);
      return { error: reason, cause: err };
    }
  }

  return {
    logger,

    async getText(url, options) {
      const { source } = options;
      let last: Attempt | undefined;
      for (let n = 1; n <= retries + 1; n++) {
        if (n > 1) {
          const wait = backoffMs(n - 1, last && 'status' in last ? last.retryAfterMs : undefined);
          logger.debug({ source, url, attempt: n, waitMs: Math.round(wait) }, `${source}: retrying after ${describe(last)}`);
          await sleep(wait);
        }
        await options.beforeAttempt?.();
        last = await attempt(url, options);
        if ('error' in last) continue;
        const { status, body } = last;
        const throttledBody = options.isThrottled?.(body) ?? false;
        if (status >= 200 && status < 300 && !throttledBody) return body;
        if (!isRetriable(status) && !throttledBody) {
          const reason = status >= 400 && status < 500 ? options.explainRefusal?.(body) : undefined;
          if (reason !== undefined) {
            throw new SourceError({ source, kind: 'bad-query', url, status, attempts: n }, `${url} refused the request (HTTP ${status}): ${reason}`);
          }
          throw new SourceError({ source, kind: 'http', url, status, attempts: n }, `GET ${url} answered ${describe(last)}`);
        }
      }
      const attempts = retries + 1;
      const status = last && 'status' in last ? last.status : undefined;
      const throttled = status === 429 || (last !== undefined && 'body' in last && (options.isThrottled?.(last.body) ?? false));
      throw new SourceError(
        { source, kind: throttled ? 'rate-limited' : 'unavailable', url, status, attempts },
        `GET ${url} failed after ${attempts} attempts: ${describe(last)}`,
        { cause: last && 'cause' in last ? last.cause : undefined },
      );
    },

    failure(source, err) {
      const error =
        err instanceof SourceError
          ? err
          : new SourceError({ source, kind: 'bad-response' }, err instanceof Error ? err.message : String(err), { cause: err });
      logger.warn(
        { source, kind: error.kind, url: error.url, status: error.status, attempts: error.attempts },
        error.message,
      );
      return error;
    },
  };
}

type Attempt = { status: number; body: string; retryAfterMs?: number } | { error: string; cause: unknown };

function isRetriable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function describe(attempt: Attempt | undefined): string {
  if (attempt === undefined) return 'no attempt';
  if ('error' in attempt) return attempt.error;
  return `HTTP ${attempt.status}: ${snippet(attempt.body)}`;
}

/** The start of a response body on one line, for error messages. */
export function snippet(body: string): string {
  const s = body.replace(/\s+/g, ' ').trim();
  if (s === '') return '(empty body)';
  return s.length > 160 ? `${s.slice(0, 160)}…` : s;
}

/** undici hides the useful part ("ECONNREFUSED 127.0.0.1:443") in `cause`. */
function describeNetworkError(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.message || cause?.code) return `network error: ${cause.message ?? cause.code}`;
  return err instanceof Error ? err.message : String(err);
}

/** Retry-After is either delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
