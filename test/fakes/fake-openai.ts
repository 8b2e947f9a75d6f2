import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers one chat completion request. */
export type ChatReply =
  /** A normal answer: JSON, or SSE chunks (one per word) when the client asked to stream. */
  | { text: string; chunkDelayMs?: number }
  /** An error response, as OpenAI sends them. */
  | { status: number; retryAfterSeconds?: number }
  /** Never finishes: sends nothing (JSON) or one chunk and then stalls (SSE). */
  | { hang: true }
  /** Asks the client to call tools (function calling). */
  | { toolCalls: { name: string; args: Record<string, unknown> }[] };

/** A scripted reply, or one computed from the request (e.g. from what a tool returned). */
export type ChatScript = ChatReply | ((request: RecordedOpenAiRequest) => ChatReply);

export interface RecordedOpenAiRequest {
  path: string;
  headers: IncomingHttpHeaders;
  // The parsed JSON body as the client sent it.
  body: Record<string, unknown> & {
    messages?: { role: string; content: string | null; tool_calls?: unknown[] }[];
    tools?: { function: { name: string } }[];
    stream?: boolean;
    input?: string | string[];
  };
  /** What the fake answered: an HTTP status. */
  status: number;
}

export interface FakeOpenAi {
  /** Pass as `configuration.baseURL` / OPENAI_BASE_URL. */
  baseURL: string;
  requests: RecordedOpenAiRequest[];
  chatRequests(): RecordedOpenAiRequest[];
  /** Queues replies for the next chat completions, in order; afterwards `defaultReply` answers. */
  queue(...replies: ChatScript[]): void;
  /** Forgets queued replies a test left unused (e.g. its question was cancelled before asking), and recorded requests. */
  reset(): void;
  /** When true, embedding requests are never answered. */
  hangEmbeddings: boolean;
  /** Answers chat completions once the queue is empty (changeable between tests). */
  defaultReply: ChatScript;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible server on 127.0.0.1: `/v1/chat/completions` (JSON and SSE streaming, with
 * usage when asked for) and `/v1/embeddings` (deterministic vectors, float or base64), with
 * scripted 429/500 errors and hanging replies (chat or embeddings).
 */
export async function startFakeOpenAi({ embeddingDimensions = 8, model = 'fake-chat' }: { embeddingDimensions?: number; model?: string } = {}): Promise<FakeOpenAi> {
  const requests: RecordedOpenAiRequest[] = [];
  const queued: ChatScript[] = [];
  let completions = 0;
  const fake: FakeOpenAi = {
    baseURL: '',
    requests,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions'),
    queue: (...replies) => void queued.push(...replies),
    reset: () => {
      queued.length = 0;
      requests.length = 0;
      fake.hangEmbeddings = false;
    },
    hangEmbeddings: false,
    defaultReply: { text: 'No reply was scripted for this request.' },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const request: RecordedOpenAiRequest = { path: req.url ?? '', headers: req.headers, body: raw ? (JSON.parse(raw) as RecordedOpenAiRequest['body']) : {}, status: 200 };
    requests.push(request);
    if (req.method === 'POST' && request.path === '/v1/embeddings') return fake.hangEmbeddings ? undefined : embeddings(request, res);
    if (req.method === 'POST' && request.path === '/v1/chat/completions') {
      const script = queued.shift() ?? fake.defaultReply;
      return chat(request, typeof script === 'function' ? script(request) : script, res);
    }
    request.status = 404;
    sendJson(res, 404, { error: { message: `Unknown route ${request.path}`, type: 'invalid_request_error' } });
  });

  function embeddings(request: RecordedOpenAiRequest, res: ServerResponse) {
    const inputs = Array.isArray(request.body.input) ? request.body.input : [String(request.body.input)];
    const base64 = request.body.encoding_format === 'base64';
    const data = inputs.map((text, index) => {
      const vector = vectorFor(String(text), embeddingDimensions);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
    });
    sendJson(res, 200, { object: 'list', data, model: request.body.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
  }

  async function chat(request: RecordedOpenAiRequest, reply: ChatReply, res: ServerResponse) {
    // Every completion has its own id, as OpenAI's do: LangChain keys messages by it.
    const id = `chatcmpl-${++completions}`;
    if ('status' in reply) {
      request.status = reply.status;
      const headers: Record<string, string> = reply.retryAfterSeconds === undefined ? {} : { 'retry-after': String(reply.retryAfterSeconds) };
      const type = reply.status === 429 ? 'rate_limit_exceeded' : 'server_error';
      return sendJson(res, reply.status, { error: { message: `Scripted ${reply.status}`, type, code: type } }, headers);
    }
    const stream = request.body.stream === true;
    if ('hang' in reply) {
      if (stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sse(chunkOf(id, 'Partial ', null)));
      }
      return; // closed by close()
    }
    if ('toolCalls' in reply) return toolCalls(id, request, reply.toolCalls, res);
    const promptTokens = (request.body.messages ?? []).reduce((n, m) => n + String(m.content).split(/\s+/).length, 0);
    const completionTokens = reply.text.split(/\s+/).length;
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    if (!stream) {
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created: 0,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop', logprobs: null }],
        usage,
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const piece of reply.text.match(/\S+\s*/g) ?? []) {
      res.write(sse(chunkOf(id, piece, null)));
      if (reply.chunkDelayMs) await new Promise((r) => setTimeout(r, reply.chunkDelayMs));
    }
    res.write(sse(chunkOf(id, '', 'stop')));
    const options = request.body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) res.write(sse({ id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage }));
    res.end('data: [DONE]\n\n');
  }

  function toolCalls(id: string, request: RecordedOpenAiRequest, calls: { name: string; args: Record<string, unknown> }[], res: ServerResponse) {
    const toolCalls = calls.map((c, index) => ({ index, id: `call_${index}_${requests.length}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } }));
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    if (request.body.stream !== true) {
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created: 0,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: toolCalls.map(({ index: _index, ...call }) => call) }, finish_reason: 'tool_calls', logprobs: null }],
        usage,
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const base = { id, object: 'chat.completion.chunk', created: 0, model };
    res.write(sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: toolCalls }, finish_reason: null }] }));
    res.write(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }));
    res.end('data: [DONE]\n\n');
  }

  function chunkOf(id: string, content: string, finishReason: string | null) {
    return { id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: finishReason }] };
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A unit vector derived from the text's hash: equal texts embed equally. */
function vectorFor(text: string, dimensions: number): number[] {
  const digest = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: dimensions }, (_, i) => digest[i % digest.length]! - 127.5);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => v / norm);
}
