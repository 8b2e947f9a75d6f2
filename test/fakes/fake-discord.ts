/**
 * A fake of Discord's far side on 127.0.0.1: the REST API (under `/api/v10`, what the client
 * option `rest.api` points at) and the gateway WebSocket on the same port. The real discord.js
 * Client logs in against it: `GET /gateway/bot` → HELLO → IDENTIFY → READY (+ GUILD_CREATE),
 * heartbeats, RESUME after a dropped connection. Tests then dispatch events and read back the
 * REST calls the bot made, which the fake records verbatim. Channel messages are kept per channel
 * (the guild channel and any thread started from a message), listed newest first as Discord does.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** The parts of an embed tests assert on, as the client sends it. */
export interface SentEmbed {
  title?: string;
  url?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
}

/** A message body as the client sends it (create, edit, follow-up). */
export interface SentMessageBody {
  content?: string;
  embeds: SentEmbed[];
  allowed_mentions: unknown;
  flags?: number;
  nonce?: string;
  enforce_nonce?: boolean;
  message_reference?: { message_id: string };
}

/** Fields every message object the fake returns carries with the same values. */
function plainMessageFields() {
  return { mention_roles: [], mention_everyone: false, pinned: false, tts: false, timestamp: new Date().toISOString(), edited_timestamp: null };
}

export interface RecordedRequest {
  method: string;
  /** Path below `/api/v10`, percent-decoded: `/webhooks/{app}/{token}/messages/@original`. */
  route: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** What the fake answered. */
  response: FakeResponse;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

export interface GatewayFrame {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

export interface FakeUser {
  id: string;
  username: string;
  /** The member's permissions in the channel (a bit set as a decimal string); default: a plain member's. */
  permissions?: string;
}

/** View Channel, Send Messages, Embed Links, Read Message History: a plain member's, and the bot's by default. */
export const MEMBER_PERMISSIONS = '84992';

export interface SentInteraction {
  id: string;
  token: string;
}

export interface FakeDiscordOptions {
  /** The bot token the fake accepts (REST `Authorization: Bot …` and gateway IDENTIFY). */
  token?: string;
  heartbeatIntervalMs?: number;
  /** Whether the app may use the privileged Message Content intent (a Developer Portal switch). */
  messageContentAllowed?: boolean;
  /** Whether the bot may start threads (the Create Public Threads permission); else 50013. */
  threadsAllowed?: boolean;
  /** The bot's permissions in the channel, as interactions carry them (`app_permissions`). */
  appPermissions?: string;
}

/** The errors Discord answers for a channel the bot cannot use. */
export type ChannelDenial = 10003 | 50001 | 50013;

export interface FakeDiscord {
  /** Pass to discord.js as `rest.api` (and as DISCORD_API_URL). */
  apiUrl: string;
  appId: string;
  guildId: string;
  channelId: string;
  /** The bot's managed role in the guild. */
  botRoleId: string;
  botUser: FakeUser;
  requests: RecordedRequest[];
  /** Every frame the client sent on any gateway connection, in order. */
  gatewayFrames: GatewayFrame[];
  /** Resolves with the first recorded request (past or future) that matches. */
  waitForRequest(match: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Resolves with the first gateway frame (past or future) that matches. */
  waitForFrame(match: (frame: GatewayFrame) => boolean, timeoutMs?: number): Promise<GatewayFrame>;
  /** Dispatches INTERACTION_CREATE for a slash command used in the guild channel (or in one of its threads). */
  slashCommand(input: { name: string; options?: unknown[]; user?: FakeUser; channelId?: string; inDm?: boolean }): SentInteraction;
  /** Dispatches INTERACTION_CREATE for a click on a button (`customId`) of a message. */
  clickButton(input: { messageId: string; customId: string; user?: FakeUser }): SentInteraction;
  /** Dispatches INTERACTION_CREATE for a submitted modal, with its text inputs by custom id; `messageId` when it was opened from that message's button. */
  submitModal(input: { customId: string; fields: Record<string, string>; messageId?: string; user?: FakeUser }): SentInteraction;
  /** Dispatches INTERACTION_CREATE for autocomplete on `focused`, the option being typed. */
  autocomplete(input: { name: string; focused: { name: string; value: string }; user?: FakeUser }): SentInteraction;
  /** Dispatches MESSAGE_CREATE in the guild channel (or one of its threads), optionally as a reply; returns the message id. */
  /** `mentionsBotRole`: the message mentions the bot's managed role (`<@&botRoleId>`), as the @Paperboy autocomplete often picks. */
  /** `undelivered`: only stored, as a message sent while the bot was away; `deliver` dispatches it later. */
  message(input: { content: string; mentionsBot?: boolean; mentionsBotRole?: boolean; replyTo?: string; user?: FakeUser; channelId?: string; undelivered?: boolean }): string;
  /** Dispatches MESSAGE_CREATE for a message already sent (again), as a gateway replaying events does. */
  deliver(messageId: string): void;
  /** Messages in a channel or thread, oldest first. */
  channelMessages(channelId: string): Record<string, unknown>[];
  /** Threads the bot started: thread id (the id of the message it started from) → thread channel. */
  threads: Map<string, Record<string, unknown>>;
  /** From now on, every call about `channelId` fails as Discord does for a channel the bot cannot use. */
  denyChannel(channelId: string, code: ChannelDenial): void;
  /** Answers the next request that matches with `response` instead of the usual route. */
  failNext(match: (request: Omit<RecordedRequest, 'response'>) => boolean, response: FakeResponse): void;
  /** Cuts the gateway connection without a close frame, as a network failure would. */
  dropGatewayConnection(): void;
  /** Closes the gateway connection with a close code, as Discord does (4004: the token was revoked). */
  closeGateway(code: number, reason: string): void;
  close(): Promise<void>;
}

const API_PREFIX = '/api/v10';
const MESSAGE_CONTENT_INTENT = 1 << 15;
const DEFAULT_USER: FakeUser = { id: '300000000000000001', username: 'reader' };

/** Snowflake-shaped ids, increasing, so discord.js can sort and time them. */
function createIds(): () => string {
  let n = 0n;
  const base = (BigInt(Date.now()) - 1420070400000n) << 22n;
  return () => (base + ++n).toString();
}

function apiUser(user: FakeUser, bot = false) {
  return { id: user.id, username: user.username, discriminator: '0', global_name: null, avatar: null, bot };
}

export async function startFakeDiscord({
  token = 'fake-bot-token',
  heartbeatIntervalMs = 1000,
  messageContentAllowed = true,
  threadsAllowed = true,
  appPermissions = MEMBER_PERMISSIONS,
}: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const nextId = createIds();
  const appId = nextId();
  const guildId = nextId();
  const channelId = nextId();
  const botRoleId = nextId();
  const dmChannelId = nextId();
  const botUser: FakeUser = { id: appId, username: 'Paperboy' };
  const requests: RecordedRequest[] = [];
  const gatewayFrames: GatewayFrame[] = [];
  const events = new EventEmitter();
  /** Interaction token → whether Discord has had its one initial response. */
  const interactions = new Map<string, { acknowledged: boolean }>();
  /** Channel messages by id, as GET and replies (`referenced_message`) need them. */
  const messages = new Map<string, Record<string, unknown>>();
  const threads = new Map<string, Record<string, unknown>>();
  const denied = new Map<string, ChannelDenial>();
  const failures: { match: (request: Omit<RecordedRequest, 'response'>) => boolean; response: FakeResponse }[] = [];
  /** Every session issued, by id, for resumes; and the open connections each serves (several bot processes may log in at once). */
  const sessions = new Map<string, { id: string; seq: number }>();
  const connected = new Map<WebSocket, { id: string; seq: number }>();
  /** The newest connection, which the drop and close helpers act on. */
  let socket: WebSocket | undefined;

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!url.pathname.startsWith(`${API_PREFIX}/`)) return respond(res, notFound);
      const request = {
        method: req.method ?? 'GET',
        route: decodeURIComponent(url.pathname.slice(API_PREFIX.length)),
        query: url.searchParams,
        body: raw.length > 0 ? (JSON.parse(raw) as unknown) : undefined,
        headers: req.headers,
      };
      const failure = failures.findIndex((f) => f.match(request));
      const response = failure < 0 ? route(request) : failures.splice(failure, 1)[0]!.response;
      const recorded: RecordedRequest = { ...request, response };
      requests.push(recorded);
      respond(res, recorded.response);
      events.emit('request', recorded);
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, sock, head) => {
    if (!req.url?.startsWith('/gateway')) return sock.destroy();
    wss.handleUpgrade(req, sock, head, (ws) => acceptGateway(ws));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  function route(request: Omit<RecordedRequest, 'response'>): FakeResponse {
    const { method, route: path } = request;
    const authorized = request.headers.authorization === `Bot ${token}`;
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      if (!authorized) return json(401, { message: '401: Unauthorized', code: 0 });
      return json(200, {
        url: gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (method === 'POST' && (m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      const state = interactions.get(m[2]!);
      if (!state) return json(404, { message: 'Unknown interaction', code: 10062 });
      if (state.acknowledged) return json(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      state.acknowledged = true;
      return { status: 204 };
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/))) {
      const state = interactions.get(m[2]!);
      if (m[1] !== appId || !state?.acknowledged) return json(404, { message: 'Unknown Webhook', code: 10015 });
      if (method === 'DELETE' && m[3]) return { status: 204 };
      if ((method === 'PATCH' && m[3]) || (method === 'POST' && !m[3])) {
        return json(200, messageObject(request.body, { webhook: true }));
      }
    }
    if ((m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/)) && method === 'PUT') {
      if (!authorized) return json(401, { message: '401: Unauthorized', code: 0 });
      const body = request.body as Record<string, unknown>[];
      return json(
        200,
        body.map((c) => ({ ...c, id: nextId(), application_id: m![1], guild_id: m![2], version: nextId(), type: 1 })),
      );
    }
    if ((m = path.match(/^\/channels\/(\d+)\//)) && !authorized) return json(401, { message: '401: Unauthorized', code: 0 });
    if (m && !knownChannel(m[1]!)) return denial(10003);
    if (m && denied.has(m[1]!)) return denial(denied.get(m[1]!)!);
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/)) && method === 'GET') {
      const found = messages.get(m[2]!);
      return found?.channel_id === m[1] ? json(200, found) : json(404, { message: 'Unknown Message', code: 10008 });
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/)) && method === 'PATCH') {
      const found = messages.get(m[2]!);
      if (found?.channel_id !== m[1]) return json(404, { message: 'Unknown Message', code: 10008 });
      const body = (request.body ?? {}) as Record<string, unknown>;
      return json(200, remember({ ...found, ...pick(body, ['content', 'embeds', 'components']), id: m[2]!, edited_timestamp: new Date().toISOString() }));
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages$/)) && method === 'GET') {
      const limit = Math.min(Number(request.query.get('limit') ?? 50), 100);
      const after = request.query.get('after');
      // Discord keeps a nonce only for the create response and its gateway event, not for reads.
      const read = channelMessages(m[1]!).filter((x) => after === null || BigInt(x.id as string) > BigInt(after)).map(({ nonce: _, ...x }) => x);
      // With `after`, the page is the messages right after it (how callers page forward); else the latest. Newest first either way.
      return json(200, (after === null ? read.slice(-limit) : read.slice(0, limit)).reverse());
    }
    if ((m = path.match(/^\/channels\/(\d+)\/(typing|messages)$/)) && method === 'POST') {
      if (m[2] === 'typing') return { status: 204 };
      const body = (request.body ?? {}) as Record<string, unknown>;
      // enforce_nonce: a resend with the nonce of a recent message gets that message back, not a copy.
      const resent = body.enforce_nonce && body.nonce !== undefined ? channelMessages(m[1]!).find((x) => x.nonce === body.nonce) : undefined;
      return json(200, resent ?? messageObject(body, { webhook: false, channel: m[1]! }));
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/)) && method === 'POST') {
      if (!threadsAllowed) return denial(50013);
      if (messages.get(m[2]!)?.channel_id !== m[1]) return json(404, { message: 'Unknown Message', code: 10008 });
      if (threads.has(m[2]!)) return json(400, { message: 'A thread has already been created for this message', code: 160004 });
      const body = request.body as { name: string; auto_archive_duration?: number };
      const thread = {
        id: m[2]!,
        type: 11,
        guild_id: guildId,
        parent_id: m[1]!,
        name: body.name,
        owner_id: appId,
        last_message_id: null,
        rate_limit_per_user: 0,
        message_count: 0,
        member_count: 1,
        flags: 0,
        thread_metadata: { archived: false, auto_archive_duration: body.auto_archive_duration ?? 4320, archive_timestamp: new Date().toISOString(), locked: false },
      };
      threads.set(thread.id, thread);
      // A REST-only client (a digest poster on its own) has no gateway to be told.
      if (connected.size > 0) dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return json(201, thread);
    }
    return notFound;
  }

  function knownChannel(id: string): boolean {
    return id === channelId || threads.has(id);
  }

  function channelMessages(id: string): Record<string, unknown>[] {
    return [...messages.values()].filter((x) => x.channel_id === id);
  }

  function denial(code: ChannelDenial): FakeResponse {
    const message = { 10003: 'Unknown Channel', 50001: 'Missing Access', 50013: 'Missing Permissions' }[code];
    return json(code === 10003 ? 404 : 403, { message, code });
  }

  function messageObject(body: unknown, { webhook, channel = channelId }: { webhook: boolean; channel?: string }) {
    const b = (body ?? {}) as Record<string, unknown>;
    return remember({
      id: nextId(),
      channel_id: channel,
      guild_id: guildId,
      type: b.message_reference ? 19 : 0,
      content: b.content ?? '',
      embeds: b.embeds ?? [],
      author: apiUser(botUser, true),
      attachments: [],
      mentions: [],
      ...plainMessageFields(),
      flags: b.flags ?? 0,
      components: b.components ?? [],
      ...(b.nonce !== undefined ? { nonce: b.nonce } : {}),
      ...(b.message_reference ? { message_reference: { channel_id: channel, guild_id: guildId, ...b.message_reference } } : {}),
      ...(webhook ? { webhook_id: appId, application_id: appId } : {}),
    });
  }

  function remember(message: Record<string, unknown> & { id: string }) {
    messages.set(message.id, message);
    return message;
  }

  function acceptGateway(ws: WebSocket): void {
    socket = ws;
    ws.on('close', () => connected.delete(ws));
    send(ws, { op: 10, d: { heartbeat_interval: heartbeatIntervalMs }, s: null, t: null });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as GatewayFrame;
      gatewayFrames.push(frame);
      events.emit('frame', frame);
      const d = frame.d as Record<string, unknown> | null;
      switch (frame.op) {
        case 1:
          send(ws, { op: 11, d: null, s: null, t: null });
          break;
        case 2: {
          if (d?.token !== token) return ws.close(4004, 'Authentication failed.');
          if (!messageContentAllowed && (Number(d.intents) & MESSAGE_CONTENT_INTENT) !== 0) {
            return ws.close(4014, 'Disallowed intent(s).');
          }
          const session = { id: randomUUID(), seq: 0 };
          sessions.set(session.id, session);
          connected.set(ws, session);
          dispatchTo(ws, 'READY', {
            v: 10,
            user: apiUser(botUser, true),
            guilds: [{ id: guildId, unavailable: true }],
            session_id: session.id,
            resume_gateway_url: gatewayUrl,
            shard: [0, 1],
            application: { id: appId, flags: 0 },
          });
          dispatchTo(ws, 'GUILD_CREATE', guildCreate());
          break;
        }
        case 6: {
          const resumed = sessions.get(String(d?.session_id));
          if (d?.token !== token || !resumed) return send(ws, { op: 9, d: false, s: null, t: null });
          connected.set(ws, resumed);
          dispatchTo(ws, 'RESUMED', {});
          break;
        }
      }
    });
  }

  function send(ws: WebSocket, frame: GatewayFrame): void {
    ws.send(JSON.stringify(frame));
  }

  /** Sends an event to every connection with a session, as Discord does to each process logged in with the token. */
  function dispatch(t: string, d: unknown): void {
    if (connected.size === 0) throw new Error('No gateway session: is the client logged in?');
    for (const ws of connected.keys()) dispatchTo(ws, t, d);
  }

  function dispatchTo(ws: WebSocket, t: string, d: unknown): void {
    const session = connected.get(ws)!;
    session.seq += 1;
    send(ws, { op: 0, t, s: session.seq, d });
  }

  function guildCreate() {
    return {
      id: guildId,
      name: 'Paper Club',
      icon: null,
      owner_id: DEFAULT_USER.id,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      features: [],
      roles: [
        { id: guildId, name: '@everyone', permissions: '84992', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
        // The role Discord creates for a bot when it joins: managed, tagged with the bot's id, mentionable as @Paperboy.
        { id: botRoleId, name: 'Paperboy', permissions: '84992', position: 1, color: 0, hoist: false, managed: true, mentionable: true, flags: 0, tags: { bot_id: appId } },
      ],
      emojis: [],
      stickers: [],
      channels: [{ id: channelId, type: 0, name: 'papers', position: 0, permission_overwrites: [], parent_id: null, nsfw: false, rate_limit_per_user: 0 }],
      threads: [],
      members: [member(botUser, true)],
      member_count: 2,
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
    };
  }

  function member(user: FakeUser, bot = false) {
    const permissions = user.permissions ?? MEMBER_PERMISSIONS;
    return { user: apiUser(user, bot), roles: bot ? [botRoleId] : [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, pending: false, permissions };
  }

  /** The channel object interactions carry: the guild channel, or a thread of it. */
  function channelPayload(id: string) {
    const thread = threads.get(id);
    if (id !== channelId && !thread) throw new Error(`Fake Discord: no channel ${id}`);
    return thread
      ? { id, type: 11, guild_id: guildId, parent_id: thread.parent_id, name: thread.name, permissions: '84992', thread_metadata: thread.thread_metadata }
      : { id: channelId, type: 0, guild_id: guildId, name: 'papers', permissions: '84992' };
  }

  /** Type 2 (command) and 4 (autocomplete) carry command data; 3 (component) and 5 (modal submit) their own, and the message clicked. */
  function interaction(type: 2 | 3 | 4 | 5, data: Record<string, unknown>, user: FakeUser, inChannel = channelId, onMessage?: string, inDm = false): SentInteraction {
    const message = onMessage === undefined ? undefined : messages.get(onMessage);
    if (onMessage !== undefined && !message) throw new Error(`Fake Discord: no message ${onMessage}`);
    const sent = { id: nextId(), token: `itoken-${randomUUID()}` };
    interactions.set(sent.token, { acknowledged: false });
    // In a DM with the bot there is no guild and no member, only the user.
    const where = inDm
      ? { channel_id: dmChannelId, channel: { id: dmChannelId, type: 1 }, user: apiUser(user), context: 1 }
      : { guild_id: guildId, channel_id: inChannel, channel: channelPayload(inChannel), member: member(user), context: 0 };
    dispatch('INTERACTION_CREATE', {
      id: sent.id,
      application_id: appId,
      type,
      token: sent.token,
      version: 1,
      data: type === 2 || type === 4 ? { id: nextId(), type: 1, ...(!inDm && { guild_id: guildId }), ...data } : data,
      ...(message && { message }),
      ...where,
      app_permissions: appPermissions,
      locale: 'en-US',
      ...(!inDm && { guild_locale: 'en-US' }),
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
    });
    return sent;
  }

  function waitFor<T>(event: string, past: T[], match: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const found = past.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onItem = (item: T) => {
        if (!match(item)) return;
        clearTimeout(timer);
        events.off(event, onItem);
        resolve(item);
      };
      const timer = setTimeout(() => {
        events.off(event, onItem);
        reject(new Error(`Fake Discord: no matching ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      events.on(event, onItem);
    });
  }

  return {
    apiUrl: `${origin}/api`,
    appId,
    guildId,
    channelId,
    botRoleId,
    botUser,
    requests,
    gatewayFrames,
    waitForRequest: (match, timeoutMs = 10_000) => waitFor('request', requests, match, timeoutMs, 'REST request'),
    waitForFrame: (match, timeoutMs = 10_000) => waitFor('frame', gatewayFrames, match, timeoutMs, 'gateway frame'),
    slashCommand: ({ name, options = [], user = DEFAULT_USER, channelId: inChannel, inDm }) => interaction(2, { name, options }, user, inChannel, undefined, inDm),
    autocomplete: ({ name, focused, user = DEFAULT_USER }) =>
      interaction(4, { name, options: [{ type: 3, name: focused.name, value: focused.value, focused: true }] }, user),
    clickButton: ({ messageId, customId, user = DEFAULT_USER }) => {
      const channel = messages.get(messageId)?.channel_id as string | undefined;
      return interaction(3, { custom_id: customId, component_type: 2 }, user, channel, messageId);
    },
    submitModal: ({ customId, fields, messageId, user = DEFAULT_USER }) => {
      const channel = messageId === undefined ? channelId : (messages.get(messageId)?.channel_id as string | undefined);
      const components = Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] }));
      return interaction(5, { custom_id: customId, components }, user, channel, messageId);
    },
    message({ content, mentionsBot = false, mentionsBotRole = false, replyTo, user = DEFAULT_USER, channelId: inChannel = channelId, undelivered = false }) {
      const id = nextId();
      if (!knownChannel(inChannel)) throw new Error(`Fake Discord: no channel ${inChannel}`);
      const referenced = replyTo === undefined ? undefined : messages.get(replyTo);
      if (replyTo !== undefined && !referenced) throw new Error(`Fake Discord: no message ${replyTo} to reply to`);
      const message = remember({
        id,
        channel_id: inChannel,
        guild_id: guildId,
        type: 0,
        content,
        author: apiUser(user),
        member: member(user),
        attachments: [],
        embeds: [],
        mentions: mentionsBot ? [apiUser(botUser, true)] : [],
        ...plainMessageFields(),
        ...(mentionsBotRole && { mention_roles: [botRoleId] }),
        flags: 0,
        components: [],
        ...(referenced
          ? { type: 19, message_reference: { type: 0, message_id: replyTo, channel_id: inChannel, guild_id: guildId }, referenced_message: referenced }
          : {}),
      });
      if (!undelivered) dispatch('MESSAGE_CREATE', message);
      return id;
    },
    deliver(messageId) {
      const message = messages.get(messageId);
      if (!message) throw new Error(`Fake Discord: no message ${messageId} to deliver`);
      dispatch('MESSAGE_CREATE', message);
    },
    channelMessages,
    threads,
    denyChannel(id, code) {
      denied.set(id, code);
    },
    failNext(match, response) {
      failures.push({ match, response });
    },
    dropGatewayConnection() {
      socket?.terminate();
    },
    closeGateway(code, reason) {
      socket?.close(code, reason);
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const notFound: FakeResponse = { status: 404, body: { message: '404: Not Found', code: 0 } };

function pick(body: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}

function json(status: number, body: unknown): FakeResponse {
  return { status, body };
}

function respond(res: ServerResponse, { status, body }: FakeResponse): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
