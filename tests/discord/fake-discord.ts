import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { validateMessagePayload } from './validate-payload.ts';

/**
 * A local stand-in for Discord on 127.0.0.1: the REST API routes the adapter uses and a gateway
 * (HELLO → IDENTIFY → READY → GUILD_CREATE, heartbeat ACKs, RESUME with replay). Tests drive it by
 * dispatching gateway events and read back every REST request the bot made.
 */

export const APP_ID = '100000000000000001';
export const BOT_ID = '100000000000000002';
export const GUILD_ID = '200000000000000001';
export const CHANNEL_ID = '300000000000000001';
export const TOKEN = 'fake-bot-token';
const HEARTBEAT_INTERVAL_MS = 1_000;
/** Administrator: the bot and test members may do anything in the fake guild. */
const ALL_PERMISSIONS = '8';

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  at: number;
  /** The HTTP status the fake answered with. */
  status: number;
  /** The JSON the fake answered with (e.g. the created message). */
  response?: unknown;
}

interface RateLimitRule {
  match: (method: string, path: string) => boolean;
  retryAfterSeconds: number;
}

type Json = Record<string, unknown>;

let snowflakeCounter = 0n;
/** Increasing Discord-like ids (timestamp-based so discord.js derives sane dates). */
export function snowflake(): string {
  snowflakeCounter += 1n;
  return ((BigInt(Date.now() - 1420070400000) << 22n) + snowflakeCounter).toString();
}

export function discordUser(id: string, username = `user${id.slice(-4)}`): Json {
  return { id, username, discriminator: '0', global_name: username, avatar: null, bot: false };
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Gateway payloads the client sent (op 2 IDENTIFY, op 6 RESUME, op 1 heartbeats …). */
  readonly gatewayReceived: Json[] = [];
  /** Messages the bot created, by id (webhook follow-ups, edited originals, channel messages). */
  readonly messages = new Map<string, Json>();
  /** Problems found in message bodies the bot sent; Discord would have answered 400. */
  readonly invalidBodies: { path: string; problems: string[] }[] = [];
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private socket: WebSocket | undefined;
  private sequence = 0;
  private sessionId = '';
  private readonly sent: { s: number; packet: Json }[] = [];
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly failures: {
    match: RateLimitRule['match'];
    status: number;
    code: number;
    message: string;
  }[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly originals = new Map<string, string>();
  private lastBodyArray: unknown[] | undefined;
  private readonly attachments = new Map<string, string>();
  port = 0;

  private constructor() {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  static async start(): Promise<FakeDiscord> {
    const fake = new FakeDiscord();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` requests matching answer 429 with `retry_after` and rate-limit headers. */
  rateLimitNext(match: RateLimitRule['match'], retryAfterSeconds: number, count = 1): void {
    for (let i = 0; i < count; i++) this.rateLimits.push({ match, retryAfterSeconds });
  }

  /** The next request matching answers `status` with a Discord JSON error (`code`: 10003 Unknown Channel …). */
  failNext(match: RateLimitRule['match'], status: number, code: number, message: string): void {
    this.failures.push({ match, status, code, message });
  }

  /** Resolves with the first recorded request (from `since`) that matches, or rejects after `timeoutMs`. */
  waitForRequest(
    match: (r: RecordedRequest) => boolean,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<RecordedRequest> {
    return this.waitFor(
      () => this.requests.slice(options.since ?? 0).find(match),
      options.timeoutMs,
      'request',
    );
  }

  /** Resolves once `probe` returns a value (checked on every request and gateway message). */
  waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return false;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      if (!check()) this.listeners.add(check);
    });
  }

  /** Serves a file as Discord's CDN would; returns its URL and an attachment object for interaction payloads. */
  addAttachment(name: string, content: string): Record<string, unknown> {
    this.attachments.set(name, content);
    const url = `http://127.0.0.1:${this.port}/attachments/${name}`;
    return {
      id: snowflake(),
      filename: name,
      size: Buffer.byteLength(content),
      url,
      proxy_url: url,
      content_type: 'text/csv',
    };
  }

  /** Re-checks pending waits after something outside the fake changed (e.g. the adapter finished). */
  poke(): void {
    this.notify();
  }

  private notify() {
    for (const l of [...this.listeners]) l();
  }

  // ── gateway ──────────────────────────────────────────────────────────────

  get connected(): boolean {
    return this.socket !== undefined;
  }

  /** Sends a dispatch (op 0) with the next sequence number; kept for replay on RESUME. */
  dispatch(t: string, d: unknown): number {
    this.sequence += 1;
    const packet = { op: 0, t, s: this.sequence, d };
    this.sent.push({ s: this.sequence, packet });
    this.socket?.send(JSON.stringify(packet));
    return this.sequence;
  }

  /** Re-sends a dispatch with an old sequence number, as Discord does when it replays after a resume. */
  redeliver(s: number): void {
    const old = this.sent.find((p) => p.s === s);
    if (old) this.socket?.send(JSON.stringify(old.packet));
  }

  /** Drops the connection from the server side with a resumable close code. */
  dropConnection(code = 4000): void {
    this.socket?.close(code, 'fake Discord dropped the connection');
    this.socket = undefined;
  }

  private onConnection(ws: WebSocket) {
    this.socket = ws;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS } }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Json;
      this.gatewayReceived.push(msg);
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11 }));
      if (msg.op === 2) this.onIdentify();
      if (msg.op === 6) this.onResume(msg.d as { session_id: string; seq: number });
      this.notify();
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
    });
  }

  private onIdentify() {
    this.sessionId = randomBytes(8).toString('hex');
    this.sent.length = 0;
    this.sequence = 0;
    this.dispatch('READY', {
      v: 10,
      user: { ...discordUser(BOT_ID, 'movierec'), bot: true },
      guilds: [{ id: GUILD_ID, unavailable: true }],
      session_id: this.sessionId,
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: APP_ID, flags: 0 },
    });
    this.dispatch('GUILD_CREATE', guildPayload());
  }

  private onResume(d: { session_id: string; seq: number }) {
    if (d.session_id !== this.sessionId) {
      this.socket?.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    for (const { s, packet } of this.sent) if (s > d.seq) this.socket?.send(JSON.stringify(packet));
    this.dispatch('RESUMED', {});
  }

  // ── REST ─────────────────────────────────────────────────────────────────

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const method = req.method ?? 'GET';
    const parsed = await readBody(req);
    this.lastBodyArray = Array.isArray(parsed) ? parsed : undefined;
    const body = Array.isArray(parsed) ? { items: parsed } : parsed;
    const record: RecordedRequest = { method, path, body, at: Date.now(), status: 200 };
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      record.response = json;
      this.requests.push(record);
      res.writeHead(status, {
        ...(json !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      });
      res.end(json === undefined ? undefined : JSON.stringify(json));
      this.notify();
    };
    const file = method === 'GET' ? this.attachments.get(path.replace(/^\/attachments\//, '')) : undefined;
    if (path.startsWith('/attachments/') && file !== undefined) {
      this.requests.push(record);
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(file);
      return;
    }
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== `Bot ${TOKEN}`)
      return reply(401, { message: '401: Unauthorized', code: 0 });
    const limitAt = this.rateLimits.findIndex((r) => r.match(method, path));
    if (limitAt >= 0) {
      const rule = this.rateLimits.splice(limitAt, 1)[0]!;
      return reply(
        429,
        { message: 'You are being rate limited.', retry_after: rule.retryAfterSeconds, global: false },
        {
          'retry-after': String(rule.retryAfterSeconds),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(rule.retryAfterSeconds),
          'x-ratelimit-bucket': 'fakebucket',
          'x-ratelimit-scope': 'user',
        },
      );
    }
    const failAt = this.failures.findIndex((f) => f.match(method, path));
    if (failAt >= 0) {
      const f = this.failures.splice(failAt, 1)[0]!;
      return reply(f.status, { code: f.code, message: f.message });
    }
    if (body && (body.embeds !== undefined || body.components !== undefined || body.content !== undefined)) {
      const problems = validateMessagePayload(body);
      if (problems.length > 0) {
        this.invalidBodies.push({ path, problems });
        return reply(400, { code: 50035, message: 'Invalid Form Body', errors: problems });
      }
    }
    this.route(method, path, body ?? {}, reply);
  }

  private route(method: string, path: string, body: Json, reply: (s: number, j?: unknown) => void) {
    const original = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path);
    const channelPost = /^\/channels\/(\d+)\/messages$/.exec(path);
    const messageGet = /^\/channels\/\d+\/messages\/(\d+)$/.exec(path);
    if (method === 'GET' && path === '/gateway/bot') {
      return reply(200, {
        url: `ws://127.0.0.1:${this.port}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (method === 'GET' && path === '/users/@me')
      return reply(200, { ...discordUser(BOT_ID, 'movierec'), bot: true });
    if (method === 'GET' && path === '/applications/@me') return reply(200, { id: APP_ID, name: 'movierec' });
    if (method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      const commands = (this.lastBodyArray ?? []) as Json[];
      return reply(
        200,
        commands.map((c) => ({ ...c, id: snowflake(), application_id: APP_ID, version: snowflake() })),
      );
    }
    if (method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return reply(204);
    if (original) {
      const token = original[2]!;
      if (method === 'DELETE') return reply(204);
      const id = this.originals.get(token) ?? snowflake();
      this.originals.set(token, id);
      return reply(200, this.storeMessage(id, body, true));
    }
    if (method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(path)) {
      return reply(200, this.storeMessage(snowflake(), body, true));
    }
    if (method === 'POST' && channelPost) {
      return reply(200, this.storeMessage(snowflake(), body, false, channelPost[1]));
    }
    if (method === 'PUT' && /^\/channels\/\d+\/messages\/\d+\/reactions\/[^/]+\/@me$/.test(path))
      return reply(204);
    if (method === 'GET' && messageGet) {
      const msg = this.messages.get(messageGet[1]!);
      return msg ? reply(200, msg) : reply(404, { code: 10008, message: 'Unknown Message' });
    }
    return reply(404, { code: 0, message: `fake Discord has no route ${method} ${path}` });
  }

  private storeMessage(id: string, body: Json, fromWebhook: boolean, channelId = CHANNEL_ID): Json {
    const message = {
      id,
      channel_id: channelId,
      guild_id: GUILD_ID,
      author: { ...discordUser(BOT_ID, 'movierec'), bot: true },
      content: body.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      pinned: false,
      type: fromWebhook ? 20 : 0,
      flags: body.flags ?? 0,
      ...(fromWebhook && { webhook_id: APP_ID, application_id: APP_ID }),
    };
    this.messages.set(id, message);
    return message;
  }
}

async function readBody(req: http.IncomingMessage): Promise<Json | unknown[] | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    // Files travel as multipart; the message itself is the `payload_json` part.
    const m = /name="payload_json"\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(text);
    return m ? (JSON.parse(m[1]!) as Json) : {};
  }
  return text ? (JSON.parse(text) as Json) : undefined;
}

export function guildPayload(): Json {
  return {
    id: GUILD_ID,
    name: 'Movie Night',
    icon: null,
    owner_id: '400000000000000001',
    unavailable: false,
    member_count: 3,
    large: false,
    features: [],
    emojis: [],
    stickers: [],
    roles: [
      {
        id: GUILD_ID,
        name: '@everyone',
        permissions: ALL_PERMISSIONS,
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    channels: [
      { id: CHANNEL_ID, type: 0, name: 'movies', position: 0, permission_overwrites: [], nsfw: false },
    ],
    threads: [],
    members: [
      {
        user: { ...discordUser(BOT_ID, 'movierec'), bot: true },
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      },
    ],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    joined_at: new Date().toISOString(),
    preferred_locale: 'en-US',
    system_channel_flags: 0,
    premium_tier: 0,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    afk_timeout: 300,
  };
}
