import { ChatOpenAI } from '@langchain/openai';
import type { Composer } from '../answer/composer.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CallModelOptions } from './call-model.ts';
import { createCondenser, type Condenser } from './condense.ts';
import { createLlmComposer } from './llm-composer.ts';
import { loadPrompt } from './prompts.ts';

export type LlmConfig = NonNullable<Config['llm']>;

/**
 * A chat model for OpenAI or any OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp).
 * Retries are ours (`callModel`): the client's would wait minutes on a 429 and skip 5xx hints.
 */
export function createChatModel(config: LlmConfig): ChatOpenAI {
  return new ChatOpenAI({
    model: config.chatModel,
    // Local servers ignore the key, but the client refuses to start without one.
    apiKey: config.apiKey ?? 'not-needed',
    configuration: config.baseURL ? { baseURL: config.baseURL } : undefined,
    timeout: config.timeoutMs,
    maxRetries: 0,
  });
}

export interface LlmParts {
  composer: Composer;
  condense: Condenser;
}

/** The generative answer path from config: the LLM composer and the follow-up condenser, prompts loaded from `promptsDir`. */
export async function createLlm(
  config: LlmConfig,
  { logger, promptsDir, retry }: { logger?: Logger; promptsDir?: string; retry?: Pick<CallModelOptions, 'baseDelayMs' | 'sleep'> } = {},
): Promise<LlmParts> {
  const model = createChatModel(config);
  const [answerPrompt, condensePrompt] = await Promise.all([loadPrompt('answer', { dir: promptsDir }), loadPrompt('condense', { dir: promptsDir })]);
  const common = { model, timeoutMs: config.timeoutMs, maxRetries: config.maxRetries, modelName: config.chatModel, logger, retry };
  return {
    composer: createLlmComposer({ ...common, prompt: answerPrompt }),
    condense: createCondenser({ ...common, prompt: condensePrompt }),
  };
}
