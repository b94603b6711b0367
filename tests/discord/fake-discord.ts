import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  APP_ID,
  BOT_ID,
  botUser,
  CHANNEL_ID,
  discordUser,
  GUILD_ID,
  guildPayload,
  snowflake,
  TOKEN,
} from './fake-constants.ts';
import { FakeGateway } from './fake-gateway.ts';
import { type FakeAnswer, InteractionRules, type StoredMessage } from './fake-interactions.ts';
import { validateMessagePayload } from './validate-payload.ts';

export { APP_ID, BOT_ID, CHANNEL_ID, discordUser, GUILD_ID, guildPayload, snowflake, TOKEN };

/**
 * A local stand-in for Discord on 127.0.0.1: the REST API routes the adapter uses and a gateway
 * (HELLO → IDENTIFY → READY → GUILD_CREATE, heartbeat ACKs, RESUME with replay). It holds the bot to
 * Discord's documented interaction rules (fake-interactions.ts) and message limits (validate-payload.ts),
 * answering like Discord does when a rule is broken. Tests drive it by dispatching gateway events and
 * read back what users now see and every REST request the bot made.
 */

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

/** What FakeDiscord needs of a gateway: the single-connection one or the sharded one. */
export interface FakeGatewayLike {
  readonly received: Json[];
  readonly connected: boolean;
  close(): Promise<void>;
  dispatch(t: string, d: unknown): number;
  redeliver(s: number): void;
  dropConnection(code?: number): void;
}

export interface FakeDiscordOptions {
  /** Builds the gateway instead of the single-connection {@link FakeGateway} (e.g. a sharded one). */
  gateway?: (server: http.Server, url: () => string, notify: () => void) => FakeGatewayLike;
  /** What `GET /gateway/bot` answers: the recommended shard count and the identify concurrency. */
  gatewayBot?: { shards: number; maxConcurrency: number };
  /** Guild text channels besides CHANNEL_ID: channel id → guild id. */
  channels?: Map<string, string>;
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Interactions, their answers and the bot's messages, under Discord's documented rules. */
  readonly rules: InteractionRules;
  /** DM channels the bot opened (`POST /users/@me/channels`): channel id → recipient user id. */
  readonly dmChannels = new Map<string, string>();
  private readonly server: http.Server;
  private readonly gateway: FakeGatewayLike;
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly failures: {
    match: RateLimitRule['match'];
    status: number;
    code: number;
    message: string;
  }[] = [];
  private readonly listeners = new Set<() => void>();
  private lastBodyArray: unknown[] | undefined;
  private readonly attachments = new Map<string, string>();
  /** Added to the wall clock for the time rules (3 s, 15 min): tests move time on instead of sleeping. */
  private clockOffsetMs = 0;
  port = 0;

  private constructor(private readonly options: FakeDiscordOptions) {
    this.rules = new InteractionRules(() => this.now());
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    const build = options.gateway ?? ((server, url, notify) => new FakeGateway(server, url, notify));
    this.gateway = build(
      this.server,
      () => this.gatewayUrl,
      () => this.notify(),
    );
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The fake's clock (ms), which {@link advanceClock} moves on. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the fake's clock on, e.g. past an interaction's 3 s or 15 min window. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** Every message the bot made that still exists, by id, as Discord would return it. */
  get messages(): Map<string, Json> {
    const out = new Map<string, Json>();
    for (const [id, m] of this.rules.messages) if (!m.deleted) out.set(id, m.json);
    return out;
  }

  /** Requests the fake refused because they broke a documented rule (see fake-interactions.ts). */
  get violations(): { path: string; rule: string }[] {
    return this.rules.violations;
  }

  /** The refused requests whose message body broke Discord's limits. */
  get invalidBodies(): { path: string; rule: string }[] {
    return this.rules.violations.filter((v) => v.rule.startsWith('invalid message'));
  }

  /**
   * What the asking user can see of the bot's answer to one interaction: the messages made or changed
   * through it that still exist and are not an unfilled "thinking…" placeholder.
   */
  visibleAnswer(interactionId: string): StoredMessage[] {
    return this.rules.messagesFor(interactionId).filter((m) => !m.deleted && !m.loading);
  }

  /** Messages the bot sent to a user's DMs. */
  dmsTo(userId: string): Json[] {
    const channels = new Set([...this.dmChannels].filter(([, u]) => u === userId).map(([c]) => c));
    return [...this.rules.messages.values()]
      .filter((m) => !m.deleted && channels.has(String(m.json.channel_id)))
      .map((m) => m.json);
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async close(): Promise<void> {
    await this.gateway.close();
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

  /** Gateway payloads the client sent (op 2 IDENTIFY, op 6 RESUME, op 1 heartbeats …). */
  get gatewayReceived(): Json[] {
    return this.gateway.received;
  }

  get connected(): boolean {
    return this.gateway.connected;
  }

  /** Sends a dispatch (op 0) with the next sequence number; kept for replay on RESUME. */
  dispatch(t: string, d: unknown): number {
    // An interaction's 3-second and 15-minute windows start when Discord sends it.
    if (t === 'INTERACTION_CREATE') this.rules.register(d as Json);
    return this.gateway.dispatch(t, d);
  }

  /** Re-sends a dispatch with an old sequence number, as Discord does when it replays after a resume. */
  redeliver(s: number): void {
    this.gateway.redeliver(s);
  }

  /** Drops the connection from the server side with a resumable close code. */
  dropConnection(code = 4000): void {
    this.gateway.dropConnection(code);
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
    this.route(method, path, body ?? {}, url.searchParams.get('with_response') === 'true', reply);
  }

  private route(
    method: string,
    path: string,
    body: Json,
    withResponse: boolean,
    reply: (s: number, j?: unknown) => void,
  ) {
    const answer = (a: FakeAnswer) => reply(a.status, a.json);
    const callback = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
    const original = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path);
    const followUp = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
    const channelPost = /^\/channels\/(\d+)\/messages$/.exec(path);
    const channelMessage = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    const channel = /^\/channels\/(\d+)$/.exec(path);
    if (method === 'GET' && path === '/gateway/bot') {
      return reply(200, {
        url: `ws://127.0.0.1:${this.port}/gateway`,
        shards: this.options.gatewayBot?.shards ?? 1,
        session_start_limit: {
          total: 1000,
          remaining: 999,
          reset_after: 0,
          max_concurrency: this.options.gatewayBot?.maxConcurrency ?? 1,
        },
      });
    }
    if (method === 'GET' && path === '/users/@me') return reply(200, botUser());
    if (method === 'GET' && path === '/applications/@me') return reply(200, { id: APP_ID, name: 'movierec' });
    if (method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      const commands = (this.lastBodyArray ?? []) as Json[];
      return reply(
        200,
        commands.map((c) => ({ ...c, id: snowflake(), application_id: APP_ID, version: snowflake() })),
      );
    }
    if (method === 'POST' && callback)
      return answer(this.rules.callback(callback[1]!, callback[2]!, body, withResponse, path));
    if (original && ['GET', 'PATCH', 'DELETE'].includes(method))
      return answer(this.rules.original(method, original[2]!, body, path));
    if (method === 'POST' && followUp) return answer(this.rules.followUp(followUp[2]!, body, path));
    if (method === 'POST' && path === '/users/@me/channels') {
      // A DM channel with the user (https://discord.com/developers/docs/resources/user#create-dm).
      const recipient = String(body.recipient_id);
      const existing = [...this.dmChannels].find(([, u]) => u === recipient)?.[0];
      const id = existing ?? snowflake();
      this.dmChannels.set(id, recipient);
      return reply(200, { id, type: 1, last_message_id: null, recipients: [discordUser(recipient)] });
    }
    if (method === 'GET' && channel) {
      const id = channel[1]!;
      if (id === CHANNEL_ID) return reply(200, { ...this.guildChannel(), guild_id: GUILD_ID });
      const guild = this.options.channels?.get(id);
      if (guild) return reply(200, { ...this.guildChannel(), id, guild_id: guild });
      const recipient = this.dmChannels.get(id);
      return recipient
        ? reply(200, { id, type: 1, last_message_id: null, recipients: [discordUser(recipient)] })
        : reply(404, { code: 10003, message: 'Unknown Channel' });
    }
    if (method === 'POST' && channelPost) {
      const channelId = channelPost[1]!;
      if (
        channelId !== CHANNEL_ID &&
        !this.dmChannels.has(channelId) &&
        !this.options.channels?.has(channelId)
      )
        return reply(404, { code: 10003, message: 'Unknown Channel' });
      const problems = validateMessagePayload(body);
      if (problems.length > 0) {
        this.rules.violations.push({ path, rule: `invalid message: ${problems.join('; ')}` });
        return reply(400, { code: 50035, message: 'Invalid Form Body', errors: problems });
      }
      return reply(200, this.rules.create(body, { channelId, ephemeral: false, webhook: false }).json);
    }
    if (method === 'PUT' && /^\/channels\/\d+\/messages\/\d+\/reactions\/[^/]+\/@me$/.test(path))
      return reply(204);
    if (channelMessage && (method === 'GET' || method === 'PATCH')) {
      const stored = this.rules.messages.get(channelMessage[2]!);
      // Ephemeral messages exist only for their interaction's token: channel routes do not see them
      // (https://discord.com/developers/docs/resources/message: ephemeral messages "cannot be … fetched").
      if (
        !stored ||
        stored.deleted ||
        stored.ephemeral ||
        String(stored.json.channel_id) !== channelMessage[1]
      ) {
        if (method === 'PATCH') this.rules.violations.push({ path, rule: 'edit of an unknown message' });
        return reply(404, { code: 10008, message: 'Unknown Message' });
      }
      if (method === 'GET') return reply(200, stored.json);
      return answer(this.rules.edit(stored, body, path));
    }
    return reply(404, { code: 0, message: `fake Discord has no route ${method} ${path}` });
  }

  private guildChannel(): Json {
    return { id: CHANNEL_ID, type: 0, name: 'movies', position: 0, permission_overwrites: [], nsfw: false };
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
