import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A fake of Slack's far side on 127.0.0.1: the Web API (`/api/<method>`, form-encoded like the
 * real client sends it), slash-command response URLs (`/response/<id>`) and a Socket Mode
 * WebSocket (`/socket`). It records every call so tests can assert on exact payloads.
 */

export const BOT_USER_ID = 'U0PAPERBOY';
export const BOT_ID = 'B0PAPERBOY';
export const BOT_TOKEN = 'xoxb-fake-bot-token';
export const APP_TOKEN = 'xapp-fake-app-token';
/** Who created every channel the fake was not told about (`setChannel`). */
export const CHANNEL_CREATOR = 'U0CREATOR';

/** What `conversations.info` tells about a channel. */
export interface FakeChannel {
  creator?: string;
  is_member?: boolean;
  is_im?: boolean;
  /** For a DM: the person in it. */
  user?: string;
}

export interface SlackApiCall {
  /** Web API method (`chat.postMessage`) or `response_url` for slash-command responses. */
  method: string;
  /** Parameters with Slack's JSON-string fields (`blocks`) decoded. */
  params: Record<string, unknown>;
  /** The bearer token the call carried. */
  token?: string;
  /** For `response_url` calls: the URL that was posted to. */
  url?: string;
  /** What the fake answered (Web API calls). */
  response?: Record<string, unknown>;
}

interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  /** Message metadata (`event_type`, `event_payload`), returned by conversations.history with `include_all_metadata`. */
  metadata?: Record<string, unknown>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata']);

/**
 * - `lose-response`: the call is carried out but its response is lost (the connection drops), as
 *   when a process dies mid-request.
 * - `no-response`: the call is carried out and never answered (until the fake closes).
 * - `{ error }`: Slack refuses it with `{ ok: false, error }`; nothing is carried out.
 * - `{ retryAfterSeconds }`: HTTP 429 with Retry-After; nothing is carried out.
 * - `{ delayMs }`: carried out and recorded at once, answered after `delayMs`.
 */
export type SlackFailure = 'lose-response' | 'no-response' | { error: string } | { retryAfterSeconds: number } | { delayMs: number };

export interface FakeSlackApi {
  /** Base URL for `clientOptions.slackApiUrl`, ending in `/api/`. */
  apiUrl: string;
  /** A fresh response URL for a slash command. */
  responseUrl(): string;
  calls: SlackApiCall[];
  callsTo(method: string): SlackApiCall[];
  /** Resolves with the first call (past or future) matching `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (call: SlackApiCall) => boolean, timeoutMs?: number): Promise<SlackApiCall>;
  /** Puts a message into a channel or thread, as if someone had written it, for `conversations.replies`/`history`. */
  addMessage(message: StoredMessage): void;
  /** Messages posted or added so far. */
  messages: readonly StoredMessage[];
  /** Every Web API call about `channel` answers `{ ok: false, error }` from now on (e.g. `not_in_channel`); undefined heals it. */
  setChannelError(channel: string, error: string | undefined): void;
  /** What `conversations.info` answers for `channel`; unknown channels were made by CHANNEL_CREATOR and have the bot in them. */
  setChannel(channel: string, info: FakeChannel): void;
  /**
   * Makes the next call to `method` (whose params pass `when`, if given) fail as `failure` says.
   * Queued: several calls fail in turn.
   */
  failNext(method: string, failure: SlackFailure, when?: (params: Record<string, unknown>) => boolean): void;
  /** Sends a Socket Mode envelope to every connected client; resolves with the client's ack payload. */
  sendEnvelope(envelope: { type: string; payload: unknown; envelope_id: string }): Promise<unknown>;
  /** How many Socket Mode clients are connected. */
  socketClients(): number;
  close(): Promise<void>;
}

export async function startFakeSlackApi({
  validTokens = [BOT_TOKEN, APP_TOKEN],
  clock,
  bot = { userId: BOT_USER_ID, botId: BOT_ID, teamId: 'T0PAPERS' },
  pageLimit = Number.POSITIVE_INFINITY,
}: {
  /** Most messages a history page holds, whatever `limit` asks (15 for apps created outside the Marketplace since 2025). */
  pageLimit?: number;
  validTokens?: string[];
  /** Who the bot token belongs to, as `auth.test` answers and posted messages show (e.g. the bot of a recorded payload). */
  bot?: { userId: string; botId: string; teamId: string };
  /** Message timestamps follow this clock (for tests that drive time); default: a fixed base in late 2025. */
  clock?: () => Date;
} = {}): Promise<FakeSlackApi> {
  const calls: SlackApiCall[] = [];
  const messages: StoredMessage[] = [];
  const events = new EventEmitter();
  const acks = new EventEmitter();
  let tsCounter = 0;
  let responseCounter = 0;
  const channelErrors = new Map<string, string>();
  const channels = new Map<string, FakeChannel>();
  const failures: { method: string; failure: SlackFailure; when?: (params: Record<string, unknown>) => boolean }[] = [];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (url.pathname.startsWith('/response/')) {
      record({ method: 'response_url', params: JSON.parse(raw) as Record<string, unknown>, url: `${base}${url.pathname}` });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    // Like slack.com: Web API methods live under /api/ only.
    if (!url.pathname.startsWith('/api/')) {
      record({ method: url.pathname, params: {}, token, response: { status: 404 } });
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not found</body></html>');
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const params = parseParams(raw, req.headers['content-type']);
    const channelError = channelErrors.get(String(params.channel ?? ''));
    const failing = failures.findIndex((f) => f.method === method && (f.when?.(params) ?? true));
    const failure = failing === -1 ? undefined : failures.splice(failing, 1)[0]!.failure;
    if (failure !== undefined && typeof failure === 'object' && 'retryAfterSeconds' in failure) {
      record({ method, params, token, response: { ok: false, error: 'ratelimited' } });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(failure.retryAfterSeconds) }).end('{"ok":false,"error":"ratelimited"}');
      return;
    }
    const refusal =
      token === undefined || !validTokens.includes(token)
        ? 'invalid_auth'
        : (channelError ?? (typeof failure === 'object' && 'error' in failure ? failure.error : undefined));
    const response = refusal !== undefined ? { ok: false, error: refusal } : answer(method, params);
    record({ method, params, token, response });
    if (failure === 'lose-response') {
      res.destroy();
      return;
    }
    if (failure === 'no-response') return;
    // Carried out and recorded at once, answered late: a slow Slack, or a call still in flight.
    if (typeof failure === 'object' && 'delayMs' in failure) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(response));
  });

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/socket')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) acks.emit(msg.envelope_id, msg.payload ?? {});
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0PAPERBOY' } }));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  function record(call: SlackApiCall) {
    calls.push(call);
    events.emit('call', call);
  }

  function nextTs(): string {
    tsCounter += 1;
    const seconds = clock ? Math.floor(clock().getTime() / 1000) : 1764230500;
    return `${seconds}.${String(tsCounter).padStart(6, '0')}`;
  }

  function answer(method: string, p: Record<string, unknown>): Record<string, unknown> {
    const channel = String(p.channel ?? '');
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://papers.slack.com/', team: 'Papers', user: 'paperboy', team_id: bot.teamId, user_id: bot.userId, bot_id: bot.botId };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${port}/socket` };
      case 'chat.postMessage': {
        const ts = nextTs();
        const message: StoredMessage = { channel, ts, user: bot.userId, bot_id: bot.botId, text: String(p.text ?? '') };
        if (p.thread_ts !== undefined) message.thread_ts = String(p.thread_ts);
        if (p.metadata !== undefined) message.metadata = p.metadata as Record<string, unknown>;
        messages.push(message);
        return { ok: true, channel, ts, message };
      }
      case 'chat.update': {
        const message = messages.find((m) => m.channel === channel && m.ts === p.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = String(p.text ?? '');
        return { ok: true, channel, ts: message.ts, text: message.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'conversations.replies':
        return replies(channel, p);
      case 'conversations.history':
        return history(channel, p);
      case 'conversations.info':
        return { ok: true, channel: { id: channel, ...(channels.get(channel) ?? { creator: CHANNEL_CREATOR, is_member: true }) } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** A thread, oldest first and paged from the oldest as Slack does (`limit`, `cursor`, `oldest`, `latest`, `inclusive`). */
  function replies(channel: string, p: Record<string, unknown>): Record<string, unknown> {
    const thread = messages
      .filter((m) => m.channel === channel && (m.ts === p.ts || m.thread_ts === p.ts))
      .filter(inWindow(p))
      .sort((a, b) => Number(a.ts) - Number(b.ts));
    const start = Number(p.cursor ?? 0);
    const limit = Math.min(Number(p.limit ?? 1000), pageLimit);
    const hasMore = start + limit < thread.length;
    return { ok: true, messages: thread.slice(start, start + limit), has_more: hasMore, response_metadata: { next_cursor: hasMore ? String(start + limit) : '' } };
  }

  /** Top-level messages, newest first, paged like Slack (`limit`, `cursor`, `oldest`, `latest`, `inclusive`); metadata only when asked for. */
  function history(channel: string, p: Record<string, unknown>): Record<string, unknown> {
    const withMetadata = String(p.include_all_metadata) === 'true';
    const all = messages
      .filter((m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts))
      .filter(inWindow(p))
      .sort((a, b) => Number(b.ts) - Number(a.ts))
      .map(({ metadata, ...m }) => ({ type: 'message', ...m, ...(withMetadata && metadata !== undefined && { metadata }) }));
    const start = Number(p.cursor ?? 0);
    const limit = Math.min(Number(p.limit ?? 100), pageLimit);
    const page = all.slice(start, start + limit);
    const hasMore = start + limit < all.length;
    return { ok: true, messages: page, has_more: hasMore, response_metadata: { next_cursor: hasMore ? String(start + limit) : '' } };
  }

  return {
    apiUrl: `${base}/api/`,
    responseUrl: () => `${base}/response/${++responseCounter}`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor(predicate, timeoutMs = 10_000) {
      const past = calls.find(predicate);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const onCall = (call: SlackApiCall) => {
          if (!predicate(call)) return;
          clearTimeout(timer);
          events.off('call', onCall);
          resolve(call);
        };
        const timer = setTimeout(() => {
          events.off('call', onCall);
          reject(new Error(`No matching Slack API call within ${timeoutMs} ms; calls: ${calls.map((c) => c.method).join(', ')}`));
        }, timeoutMs);
        events.on('call', onCall);
      });
    },
    addMessage: (message) => messages.push(message),
    messages,
    setChannelError: (channel, error) => (error === undefined ? channelErrors.delete(channel) : channelErrors.set(channel, error)),
    setChannel: (channel, info) => channels.set(channel, info),
    failNext: (method, failure, when) => failures.push({ method, failure, ...(when && { when }) }),
    sendEnvelope(envelope) {
      const acked = new Promise<unknown>((resolve) => acks.once(envelope.envelope_id, resolve));
      for (const ws of sockets) ws.send(JSON.stringify({ ...envelope, accepts_response_payload: false, retry_attempt: 0, retry_reason: '' }));
      return acked;
    },
    socketClients: () => sockets.size,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** Slack's time range: between `oldest` and `latest`, both ends left out unless `inclusive`. */
function inWindow(p: Record<string, unknown>): (m: StoredMessage) => boolean {
  const [oldest, latest] = [Number(p.oldest ?? 0), Number(p.latest ?? Infinity)];
  const inclusive = String(p.inclusive) === 'true';
  return (m) => (Number(m.ts) > oldest && Number(m.ts) < latest) || (inclusive && [oldest, latest].includes(Number(m.ts)));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseParams(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) params[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  return params;
}
