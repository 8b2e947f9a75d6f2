import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Config } from '../config.ts';
import { ModelError } from '../errors.ts';
import type { EmbedderIdentity } from '../store/lance-store.ts';
import { BoundedEmbeddings } from './bounded-embeddings.ts';
import { HashedEmbedder } from './hashed-embedder.ts';

/** Retries per embedding call; the client's default (6, with backoff) stalls start-up for a minute on a dead server. */
const EMBEDDING_MAX_RETRIES = 2;
/** Deadline per embedding call, retries included, when none is configured. */
const EMBEDDING_TIMEOUT_MS = 30_000;

/** The configured embedder and the identity the store records for it. */
export async function createEmbedder(config: Config['embeddings']): Promise<{ embedder: EmbeddingsInterface; identity: EmbedderIdentity }> {
  if (config.kind === 'builtin') {
    const embedder = new HashedEmbedder();
    return { embedder, identity: { name: embedder.name, dimensions: embedder.dimensions } };
  }
  const timeoutMs = config.timeoutMs ?? EMBEDDING_TIMEOUT_MS;
  // Loaded only when configured: the OpenAI client takes longer to import than an offline answer takes.
  const { OpenAIEmbeddings } = await import('@langchain/openai');
  // Retries are ours, within one deadline (a hanging server once kept a question waiting > 80 s).
  const embedder = new BoundedEmbeddings(
    new OpenAIEmbeddings({
      model: config.model,
      // Local servers ignore the key, but the client refuses to start without one.
      apiKey: config.apiKey ?? 'not-needed',
      configuration: config.baseURL ? { baseURL: config.baseURL } : undefined,
      timeout: timeoutMs,
      maxRetries: 0,
    }),
    { timeoutMs, maxRetries: EMBEDDING_MAX_RETRIES },
  );
  // The dimension is a property of the model: ask it once rather than trusting a setting.
  const probe = await embedder.embedQuery('dimension probe').catch((err: unknown) => {
    const where = config.baseURL ?? 'the OpenAI API';
    throw new ModelError(
      `The embedding model "${config.model}" did not answer at ${where}: ${err instanceof Error ? err.message : String(err)}. Check EMBEDDING_MODEL, OPENAI_BASE_URL and OPENAI_API_KEY.`,
      { cause: err },
    );
  });
  return { embedder, identity: { name: `openai:${config.model}`, dimensions: probe.length } };
}
