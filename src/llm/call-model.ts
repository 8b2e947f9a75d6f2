import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { ChatPromptTemplate } from '@langchain/core/prompts';
import { ModelError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface ModelReply {
  text: string;
  usage?: TokenUsage;
  attempts: number;
}

export interface CallModelOptions {
  /** Deadline for the whole call, retries included. */
  timeoutMs: number;
  /** Further attempts after a 429, a 5xx or a dropped connection. */
  maxRetries: number;
  /** The caller's cancellation (e.g. the platform's own deadline); never retried. */
  signal?: AbortSignal;
  /** Further call options for the model (e.g. `response_format`). */
  callOptions?: Record<string, unknown>;
  /** When set, the reply is streamed and this sees the text so far after every chunk. */
  onText?: (textSoFar: string) => void;
  /** First backoff delay; doubles each attempt. A `Retry-After` hint is honoured when it fits the time left, else the call fails at once. */
  baseDelayMs?: number;
  /** Waits between attempts; injectable so tests need not sleep. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The clock the time left is measured with; injectable for tests. */
  now?: () => number;
}

/** Backoff tuning and the clock, for tests. */
export type RetryTuning = Pick<CallModelOptions, 'baseDelayMs' | 'sleep' | 'now'>;

/** What every model-backed step (answer, condense, digest) needs: a model, its prompt, the call's bounds. */
export interface ModelStepDeps {
  model: BaseChatModel;
  /** The step's prompt from `prompts/`. */
  prompt: ChatPromptTemplate;
  /** Deadline for the step's call, retries included. */
  timeoutMs: number;
  maxRetries: number;
  /** Used for logs only. */
  modelName?: string;
  logger?: Logger;
  retry?: RetryTuning;
}

/**
 * One chat-model call with a hard deadline and bounded retries with backoff. The deadline is an
 * abort signal because the client's own timeout only covers the wait for response headers, and
 * a stream that stalls half-way would otherwise hang. A reply that has started streaming is never
 * retried: the user has already seen part of it.
 */
export async function callModel(model: BaseChatModel, messages: BaseMessage[], options: CallModelOptions): Promise<ModelReply> {
  const { timeoutMs, maxRetries, signal, onText, callOptions = {}, baseDelayMs = 500, sleep = abortableSleep, now = Date.now } = options;
  if (timeoutMs <= 0) throw new ModelError('No time was left for the chat model within LLM_TIMEOUT_MS');
  const startedAt = now();
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
  /** Why to stop now, if the caller cancelled or the deadline passed. */
  const stopped = (err: unknown): unknown =>
    signal?.aborted ? signal.reason : deadline.aborted ? new ModelError(`The chat model did not answer within ${timeoutMs} ms`, { cause: err }) : undefined;
  for (let attempt = 1; ; attempt++) {
    let streamed = false;
    try {
      const reply = onText
        ? await streamOnce(model, messages, { ...callOptions, signal: combined }, (text) => {
            streamed = true;
            onText(text);
          })
        : await invokeOnce(model, messages, { ...callOptions, signal: combined });
      return { ...reply, attempts: attempt };
    } catch (err) {
      const stop = stopped(err);
      if (stop) throw stop;
      if (streamed || attempt > maxRetries || !isRetryable(err)) {
        const status = statusOf(err);
        throw new ModelError(`The chat model failed${status ? ` (HTTP ${status})` : ''}: ${messageOf(err)}`, { cause: err });
      }
      const delay = retryDelay(err, attempt, baseDelayMs);
      const left = timeoutMs - (now() - startedAt);
      // Waiting longer than the budget allows only to fail later: fail now, so the fallback is quick.
      if (delay >= left) throw new ModelError(`The chat model asked to retry after ${Math.round(delay)} ms, but only ${Math.max(0, Math.round(left))} ms of LLM_TIMEOUT_MS are left`, { cause: err });
      await sleep(delay, combined).catch(() => undefined);
      const stopWhileWaiting = stopped(err);
      if (stopWhileWaiting) throw stopWhileWaiting;
    }
  }
}

type CallOptions = Record<string, unknown> & { signal: AbortSignal };

async function invokeOnce(model: BaseChatModel, messages: BaseMessage[], options: CallOptions): Promise<Omit<ModelReply, 'attempts'>> {
  const message = await model.invoke(messages, options);
  return { text: message.text, usage: usageOf(message as AIMessageChunk) };
}

async function streamOnce(
  model: BaseChatModel,
  messages: BaseMessage[],
  options: CallOptions,
  onText: (text: string) => void,
): Promise<Omit<ModelReply, 'attempts'>> {
  let text = '';
  let usage: TokenUsage | undefined;
  for await (const chunk of await model.stream(messages, options)) {
    usage = usageOf(chunk) ?? usage;
    const piece = chunk.text;
    if (piece) {
      text += piece;
      onText(text);
    }
  }
  return { text, usage };
}

function usageOf(message: Pick<AIMessageChunk, 'usage_metadata'>): TokenUsage | undefined {
  const u = message.usage_metadata;
  return u ? { inputTokens: u.input_tokens, outputTokens: u.output_tokens, totalTokens: u.total_tokens } : undefined;
}

function statusOf(err: unknown): number | undefined {
  const status = typeof err === 'object' && err !== null && 'status' in err ? err.status : undefined;
  return typeof status === 'number' ? status : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Rate limits, server errors and dropped connections are worth another try; bad requests are not. */
function isRetryable(err: unknown): boolean {
  const status = statusOf(err);
  if (status !== undefined) return status === 429 || status >= 500;
  return err instanceof Error && /connection|ECONNRESET|ECONNREFUSED|socket hang up|terminated/i.test(`${err.name} ${err.message}`);
}

/** The server's `Retry-After` when it gives one, else exponential backoff. */
function retryDelay(err: unknown, attempt: number, baseDelayMs: number): number {
  return retryAfterMs(err) ?? baseDelayMs * 2 ** (attempt - 1);
}

function retryAfterMs(err: unknown): number | undefined {
  const headers = typeof err === 'object' && err !== null && 'headers' in err ? err.headers : undefined;
  const raw =
    headers instanceof Headers
      ? headers.get('retry-after')
      : typeof headers === 'object' && headers !== null
        ? (headers as Record<string, unknown>)['retry-after']
        : undefined;
  if (typeof raw !== 'string') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  // Retry-After may also be an HTTP date.
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
