/** A few typed errors with a stable `code`, so adapters can answer users briefly and log the rest. */
export type ErrorCode = 'config' | 'ingest' | 'store' | 'retrieval' | 'model' | 'platform';

export class PaperboyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends PaperboyError {
  constructor(message: string) {
    super('config', message);
  }
}

/** Malformed input: names the file and the 1-based line so a user can fix it. */
export class IngestError extends PaperboyError {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super('ingest', `${file}:${line}: ${reason}`);
  }
}

export class StoreError extends PaperboyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store', message, options);
  }
}

export class ModelError extends PaperboyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('model', message, options);
  }
}
