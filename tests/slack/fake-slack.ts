import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { blockKitViolations, DOC_HOME_BLOCKS, DOC_MESSAGE_BLOCKS } from './block-limits.ts';
import { type ResponseContext, ResponseUrls, type ShownMessage } from './fake-response-url.ts';
import { postSigned, type SignOptions } from './signed-request.ts';

export {
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_USES,
  type ResponseContext,
  type ShownMessage,
} from './fake-response-url.ts';

/** One request the fake received: a Web API method call or a post to a response_url. */
export interface FakeCall {
  /** Web API method (`chat.postMessage`) or `respond` for response_url posts, `upload` for file bytes. */
  method: string;
  body: Record<string, unknown>;
  /** The response_url id for `respond` calls. */
  responseId?: string;
  /** What the fake answered (ts of posted messages, or the error). */
  result: Record<string, unknown>;
  status: number;
  authorization: string | undefined;
}

/** The bot identity the fake's `auth.test` reports. */
export const FAKE_BOT = { userId: 'UBOTMOVIE', botId: 'BMOVIE', team: 'T0TEST' };

/** "your app must respond within 3000 ms" to a slash command ("Implementing slash commands"). */
export const SLASH_COMMAND_ACK_MS = 3000;

/**
 * A local stand-in for Slack's Web API (`/api/<method>`), for response_urls (`/respond/<id>`) and file
 * upload URLs, that refuses what Slack refuses (each rule cites the doc it comes from) and keeps what each
 * user would see ({@link visibleTo}). Unknown methods land in `unexpected` (tests assert it stays empty,
 * like msw's onUnhandledRequest: 'error').
 */
export class FakeSlack {
  readonly calls: FakeCall[] = [];
  readonly unexpected: string[] = [];
  /** Slash commands whose acknowledgement came later than Slack waits. */
  readonly lateAcks: { url: string; ms: number }[] = [];
  /** Every message posted, in order, with its current content. */
  readonly shown: ShownMessage[] = [];
  /** Files completed into a conversation: id, name, the channel it was shared to, bytes received. */
  readonly sharedFiles: { id: string; name: string; channel: string | undefined; bytes: number }[] = [];
  /** What `apps.connections.open` hands out (a local WebSocket server in Socket Mode tests). */
  socketUrl: string | undefined;
  /** Members of every channel (plus those who {@link join} one). */
  channelMembers: string[] = [];
  /** Users `users.info` reports as workspace admins. */
  admins = new Set<string>();
  /** The fake's clock (ms); tests advance it instead of sleeping. */
  now: () => number = Date.now;
  private server: Server | undefined;
  private seq = 0;
  private readonly joined = new Map<string, Set<string>>();
  private readonly dms = new Map<string, string>();
  private readonly responseUrls = new ResponseUrls(() => this.now(), this.shown, FAKE_BOT.userId);
  private readonly uploads = new Map<string, { name: string; length: number; bytes?: number }>();
  private readonly rateLimits = new Map<string, number[]>();
  private readonly errors = new Map<string, string[]>();
  private readonly files = new Map<string, { name: string; content: string }>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, headers, raw }) => {
        res.writeHead(status, { 'content-type': raw ? 'text/plain' : 'application/json', ...headers });
        res.end(raw ? String(body) : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** The `SLACK_API_URL` value pointing at this fake. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /**
   * A response_url as Slack issues it with a slash command or block action: for `context.user` in
   * `context.channel`, replacing `context.source` when it is a button's message.
   */
  responseUrl(id: string, context?: ResponseContext): string {
    if (context) this.responseUrls.issue(id, context);
    return `${this.url}/respond/${encodeURIComponent(id)}`;
  }

  /** `user` is a member of `channel` (they ran a command or reacted there). */
  join(channel: string, user: string): void {
    const members = this.joined.get(channel) ?? new Set<string>();
    members.add(user);
    this.joined.set(channel, members);
  }

  isMember(channel: string, user: string): boolean {
    if (channel === user || this.dms.get(channel) === user) return true;
    return this.channelMembers.includes(user) || (this.joined.get(channel)?.has(user) ?? false);
  }

  /** A message someone else (not the bot) wrote, e.g. to show `chat.update` refuses it. */
  addUserMessage(channel: string, user: string, text: string): ShownMessage {
    const message: ShownMessage = { channel, ts: this.nextTs(), author: user, text, blocks: [] };
    this.shown.push(message);
    return message;
  }

  /** The bot-posted channel message with this ts. */
  message(channel: string, ts: string): ShownMessage | undefined {
    return this.shown.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  /** Everything `user` sees now: channel messages and the ephemeral messages meant for them. */
  visibleTo(user: string): ShownMessage[] {
    return this.shown.filter((m) => !m.deleted && (m.onlyFor === undefined || m.onlyFor === user));
  }

  /** The next call of `method` gets HTTP 429 with `Retry-After: seconds`. */
  rateLimitNext(method: string, seconds: number): void {
    this.rateLimits.set(method, [...(this.rateLimits.get(method) ?? []), seconds]);
  }

  /** The next call of `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.errors.set(method, [...(this.errors.get(method) ?? []), error]);
  }

  /** A file the bot can see: `files.info` describes it and `/download/<id>` serves it to the bot token. */
  addFile(id: string, name: string, content: string): void {
    this.files.set(id, { name, content });
  }

  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Delivers a signed request to the app the way Slack does, timing the acknowledgement on the fake's
   * clock: a slash command answered later than {@link SLASH_COMMAND_ACK_MS} is recorded in `lateAcks`
   * (the user would see Slack's timeout error instead of the answer). Suites on the wall clock do not
   * assert on it (timings belong in benchmarks and the acceptance test); the rule's own test drives a
   * fake clock, and adapter.test shows the ack does not wait for the core.
   */
  async deliver(
    url: string,
    body: string,
    contentType: 'application/x-www-form-urlencoded' | 'application/json',
    options: SignOptions,
  ): Promise<Response> {
    const started = this.now();
    const res = await postSigned(url, body, contentType, {
      ...options,
      timestamp: options.timestamp ?? Math.floor(started / 1000),
    });
    const ms = this.now() - started;
    const isCommand =
      contentType === 'application/x-www-form-urlencoded' && new URLSearchParams(body).has('command');
    if (isCommand && ms > SLASH_COMMAND_ACK_MS) this.lateAcks.push({ url, ms });
    return res;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private nextTs(): string {
    return `1700000000.${String(++this.seq).padStart(6, '0')}`;
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string>; raw?: boolean }> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const authorization = req.headers.authorization;
    const respond = /^\/respond\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && respond) {
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const responseId = decodeURIComponent(respond[1]!);
      const refusal = this.responseUrls.post(responseId, body);
      const status = refusal ? refusal.status : 200;
      this.calls.push({ method: 'respond', body, responseId, result: refusal ?? {}, status, authorization });
      return refusal ? { status, body: refusal.error, raw: true } : { status: 200, body: 'ok', raw: true };
    }
    const upload = /^\/upload\/(\w+)$/.exec(url.pathname);
    if (req.method === 'POST' && upload) {
      const pending = this.uploads.get(upload[1]!);
      this.calls.push({ method: 'upload', body: {}, result: {}, status: pending ? 200 : 404, authorization });
      if (!pending) return { status: 404, body: 'not found', raw: true };
      pending.bytes = raw.length;
      return { status: 200, body: `OK - ${raw.length}`, raw: true };
    }
    const download = /^\/download\/(\w+)$/.exec(url.pathname);
    if (req.method === 'GET' && download) {
      const file = this.files.get(download[1]!);
      this.calls.push({ method: 'download', body: {}, result: {}, status: file ? 200 : 404, authorization });
      if (!file || authorization !== 'Bearer xoxb-test') return { status: 404, body: { ok: false } };
      return { status: 200, body: file.content, raw: true };
    }
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !api) {
      this.unexpected.push(`${req.method} ${url.pathname}`);
      return { status: 404, body: { ok: false, error: 'unknown_method' } };
    }
    const method = api[1]!;
    const body = decodeApiBody(raw.toString('utf8'), req.headers['content-type']);
    const limited = this.rateLimits.get(method)?.shift();
    if (limited !== undefined) {
      this.calls.push({ method, body, result: {}, status: 429, authorization });
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(limited) },
      };
    }
    const error = this.errors.get(method)?.shift();
    const result = error ? { ok: false, error } : this.answer(method, body, authorization);
    if (!result) {
      this.unexpected.push(`POST /api/${method}`);
      return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
    this.calls.push({ method, body, result, status: 200, authorization });
    return { status: 200, body: result };
  }

  /** Slack's answer to one Web API call (`authorization`: the caller's `Bearer` header, for subclasses). */
  protected answer(
    method: string,
    body: Record<string, unknown>,
    _authorization?: string,
  ): Record<string, unknown> | undefined {
    const blocks = (body.blocks as unknown[] | undefined) ?? [];
    // Block Kit limits (docs.slack.dev/reference/block-kit) on every message a method posts: Slack
    // answers `invalid_blocks`.
    const messageRefusal = () => {
      if (blockKitViolations(blocks, DOC_MESSAGE_BLOCKS, false).length)
        return { ok: false, error: 'invalid_blocks' };
      // "One of these arguments is required": text, blocks or attachments (chat.postMessage).
      if (!body.text && blocks.length === 0) return { ok: false, error: 'no_text' };
      return undefined;
    };
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, team_id: FAKE_BOT.team };
      case 'chat.postMessage': {
        const refused = messageRefusal();
        if (refused) return refused;
        const channel = String(body.channel);
        // A DM is seen by that user only: a D… id from conversations.open, or a user id as `channel`,
        // which posts in the app's DM with that user (chat.postMessage reference → "Channels": IM
        // channels; conversations.open: "Opens or resumes a direct message").
        const dmUser = /^[UW]/.test(channel) ? channel : this.dms.get(channel);
        const message: ShownMessage = {
          channel,
          ts: this.nextTs(),
          author: FAKE_BOT.userId,
          text: String(body.text ?? ''),
          blocks,
          ...(dmUser ? { onlyFor: dmUser } : {}),
        };
        this.shown.push(message);
        return { ok: true, channel, ts: message.ts, message: { text: body.text } };
      }
      case 'chat.postEphemeral': {
        // "user: id of the user who will receive the ephemeral message. The user should be in the channel
        // specified by the channel argument." → `user_not_in_channel` (chat.postEphemeral reference).
        if (!body.user || !body.channel) return { ok: false, error: 'invalid_arguments' };
        if (!this.isMember(String(body.channel), String(body.user)))
          return { ok: false, error: 'user_not_in_channel' };
        const refused = messageRefusal();
        if (refused) return refused;
        const message: ShownMessage = {
          channel: String(body.channel),
          onlyFor: String(body.user),
          author: FAKE_BOT.userId,
          text: String(body.text ?? ''),
          blocks,
        };
        this.shown.push(message);
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'chat.update': {
        // chat.update: `channel` and `ts` of the message are required; "Ephemeral messages can't be
        // updated"; only messages posted by the token's own user/bot ("Modifying messages"):
        // `message_not_found`, `cant_update_message`.
        if (!body.channel) return { ok: false, error: 'channel_not_found' };
        const target = body.ts ? this.message(String(body.channel), String(body.ts)) : undefined;
        if (!target) return { ok: false, error: 'message_not_found' };
        if (target.author !== FAKE_BOT.userId) return { ok: false, error: 'cant_update_message' };
        const refused = messageRefusal();
        if (refused) return refused;
        target.text = String(body.text ?? '');
        target.blocks = blocks;
        return { ok: true, channel: target.channel, ts: target.ts, text: body.text };
      }
      case 'reactions.add':
        return { ok: true };
      case 'views.publish': {
        const view = body.view as { blocks?: unknown[] } | undefined;
        // "up to 100 blocks in modals or Home tabs" (Block Kit reference).
        if (blockKitViolations(view?.blocks ?? [], DOC_HOME_BLOCKS, false).length) {
          return { ok: false, error: 'invalid_blocks' };
        }
        return { ok: true };
      }
      case 'conversations.open': {
        // `users`: the user to open a DM with; an id that is no user → `user_not_found` (reference).
        const user = String(body.users ?? '');
        if (!/^[UW]\w+$/.test(user)) return { ok: false, error: 'user_not_found' };
        const id = `D${user.slice(1)}`;
        this.dms.set(id, user);
        return { ok: true, channel: { id } };
      }
      case 'files.getUploadURLExternal': {
        // Required: `filename` and `length` (size in bytes) (files.getUploadURLExternal reference).
        const length = Number(body.length);
        if (!body.filename || !Number.isInteger(length) || length <= 0)
          return { ok: false, error: 'invalid_arguments' };
        const fileId = `F${String(++this.seq).padStart(9, '0')}`;
        this.uploads.set(fileId, { name: String(body.filename), length });
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        // "Finishes an upload started with files.getUploadURLExternal": `files` (ids and titles) is
        // required; a file whose bytes never reached the upload URL cannot be completed.
        const files = body.files as { id?: string; title?: string }[] | undefined;
        if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'invalid_arguments' };
        const done = [];
        for (const file of files) {
          const pending = file.id ? this.uploads.get(file.id) : undefined;
          if (!pending || pending.bytes === undefined) return { ok: false, error: 'file_not_found' };
          done.push({ id: file.id, title: file.title ?? pending.name, name: pending.name });
        }
        for (const file of done) {
          const channel = body.channel_id === undefined ? undefined : String(body.channel_id);
          this.sharedFiles.push({
            id: file.id!,
            name: file.name,
            channel,
            bytes: this.uploads.get(file.id!)!.bytes!,
          });
        }
        return { ok: true, files: done.map(({ id, title }) => ({ id, title })) };
      }
      case 'files.info': {
        const file = this.files.get(String(body.file));
        if (!file) return { ok: false, error: 'file_not_found' };
        return {
          ok: true,
          file: {
            id: body.file,
            name: file.name,
            size: Buffer.byteLength(file.content),
            url_private_download: `${this.url}/download/${String(body.file)}`,
          },
        };
      }
      case 'conversations.members': {
        const members = new Set([...this.channelMembers, ...(this.joined.get(String(body.channel)) ?? [])]);
        return { ok: true, members: [...members], response_metadata: { next_cursor: '' } };
      }
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : undefined;
      case 'users.info': {
        const admin = this.admins.has(String(body.user));
        return { ok: true, user: { id: body.user, is_admin: admin, is_owner: false } };
      }
      default:
        return undefined;
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** web-api posts form-encoded bodies with nested values (blocks, view, files) as JSON strings. */
function decodeApiBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const form = parseQuery(raw);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const text = Array.isArray(value) ? value[0] : value;
    out[key] = text !== undefined && /^[[{]/.test(text) ? tryJson(text) : text;
  }
  return out;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
