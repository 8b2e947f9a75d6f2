import { Embeddings, type EmbeddingsInterface } from '@langchain/core/embeddings';
import { ModelError } from '../errors.ts';

export interface EmbeddingBounds {
  /** Deadline for one call, retries included. */
  timeoutMs: number;
  /** Further attempts after a failure, while time is left. */
  maxRetries: number;
  /** Wait before a retry; doubles each time, never past the deadline. */
  baseDelayMs?: number;
}

/**
 * An embedder whose every call finishes within `timeoutMs`, retries included: the client's own
 * retries back off for seconds after each timeout, so a hanging endpoint kept a question waiting
 * for a minute and more.
 */
export class BoundedEmbeddings extends Embeddings {
  constructor(
    private readonly inner: EmbeddingsInterface,
    private readonly bounds: EmbeddingBounds,
  ) {
    super({});
  }

  embedQuery(text: string): Promise<number[]> {
    return this.bounded(() => this.inner.embedQuery(text));
  }

  embedDocuments(texts: string[]): Promise<number[][]> {
    return this.bounded(() => this.inner.embedDocuments(texts));
  }

  private async bounded<T>(call: () => Promise<T>): Promise<T> {
    const { timeoutMs, maxRetries, baseDelayMs = 250 } = this.bounds;
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await withinMs(call(), deadline - Date.now());
      } catch (err) {
        const delay = baseDelayMs * 2 ** attempt;
        if (attempt >= maxRetries || Date.now() + delay >= deadline) {
          throw new ModelError(`The embedding endpoint failed within ${timeoutMs} ms: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.max(0, Math.round(ms))} ms`)), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
