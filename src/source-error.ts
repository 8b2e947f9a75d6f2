import { PaperboyError } from './errors.ts';

export type SourceName = 'hf-daily' | 'arxiv';

/**
 * - `unavailable`: network error, timeout or 5xx, still failing after the retries
 * - `rate-limited`: 429 or a throttling body, still failing after the retries
 * - `http`: any other non-2xx answer (not retried)
 * - `bad-response`: the body is not what the source documents
 * - `bad-query`: the request was rejected as malformed (locally or by the source)
 */
export type SourceErrorKind = 'unavailable' | 'rate-limited' | 'http' | 'bad-response' | 'bad-query';

/** A remote source failed. `message` is one line, fit for a log and for the digest's gap note. */
export class SourceError extends PaperboyError {
  readonly source: SourceName;
  readonly kind: SourceErrorKind;
  readonly url?: string;
  readonly status?: number;
  readonly attempts?: number;

  constructor(
    details: { source: SourceName; kind: SourceErrorKind; url?: string; status?: number; attempts?: number },
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ingest', `${details.source}: ${message}`, options);
    this.source = details.source;
    this.kind = details.kind;
    this.url = details.url;
    this.status = details.status;
    this.attempts = details.attempts;
  }
}
