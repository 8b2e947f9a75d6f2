import { ChatOpenAI } from '@langchain/openai';
import type { Composer } from '../answer/composer.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Paper } from '../types.ts';
import type { RetryTuning } from './call-model.ts';
import { createComparisonAgentComposer } from './comparison-agent.ts';
import { createCondenser, type Condenser } from './condense.ts';
import { createLlmComposer } from './llm-composer.ts';
import { loadPrompt } from './prompts.ts';
import { createClaimVerifier } from './verify-claims.ts';

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
    temperature: config.temperature,
    maxTokens: config.maxTokens,
  });
}

export interface LlmParts {
  composer: Composer;
  condense: Condenser;
}

export interface LlmOptions {
  logger?: Logger;
  /** Where the prompt files live (default `prompts`). */
  promptsDir?: string;
  /** Backoff tuning, for tests. */
  retry?: RetryTuning;
  /**
   * Our search and paper lookup, as tools for the comparison agent. When given, comparison
   * questions may make a few tool calls before answering; otherwise the agent is off.
   */
  comparisonAgent?: { search(query: string, paperIds?: string[]): Promise<RetrievedPaper[]>; lookup(idOrTitle: string): Promise<Paper | undefined>; maxToolCalls?: number };
}

/** The generative answer path from config: the LLM composer (optionally the comparison agent) and the follow-up condenser. */
export async function createLlm(config: LlmConfig, { logger, promptsDir, retry, comparisonAgent }: LlmOptions = {}): Promise<LlmParts> {
  const model = createChatModel(config);
  const [answerPrompt, condensePrompt, comparePrompt, verifyPrompt] = await Promise.all([
    loadPrompt('answer', { dir: promptsDir }),
    loadPrompt('condense', { dir: promptsDir }),
    comparisonAgent ? loadPrompt('compare', { dir: promptsDir }) : undefined,
    config.verify ? loadPrompt('verify', { dir: promptsDir }) : undefined,
  ]);
  const common = { model, timeoutMs: config.timeoutMs, modelName: config.chatModel, logger };
  const grounding = { claimCheck: config.claimCheck };
  const verify = verifyPrompt && createClaimVerifier({ ...common, maxRetries: config.maxRetries, retry, prompt: verifyPrompt });
  const composer = createLlmComposer({ ...common, ...grounding, maxRetries: config.maxRetries, retry, prompt: answerPrompt, structuredOutput: config.structuredOutput, verify });
  return {
    composer:
      comparisonAgent && comparePrompt
        ? createComparisonAgentComposer({ ...common, ...grounding, ...comparisonAgent, now: retry?.now, prompt: comparePrompt, fallback: composer, verify })
        : composer,
    condense: createCondenser({ ...common, maxRetries: config.maxRetries, retry, prompt: condensePrompt }),
  };
}
