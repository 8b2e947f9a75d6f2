import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { OpenAIEmbeddings } from '@langchain/openai';
import type { Config } from '../config.ts';
import type { EmbedderIdentity } from '../store/lance-store.ts';
import { HashedEmbedder } from './hashed-embedder.ts';

/** The configured embedder and the identity the store records for it. */
export async function createEmbedder(config: Config['embeddings']): Promise<{ embedder: EmbeddingsInterface; identity: EmbedderIdentity }> {
  if (config.kind === 'builtin') {
    const embedder = new HashedEmbedder();
    return { embedder, identity: { name: embedder.name, dimensions: embedder.dimensions } };
  }
  const embedder = new OpenAIEmbeddings({
    model: config.model,
    apiKey: config.apiKey ?? 'not-needed',
    configuration: config.baseURL ? { baseURL: config.baseURL } : undefined,
  });
  // The dimension is a property of the model: ask it once rather than trusting a setting.
  const probe = await embedder.embedQuery('dimension probe');
  return { embedder, identity: { name: `openai:${config.model}`, dimensions: probe.length } };
}
