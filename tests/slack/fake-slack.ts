import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

/** One request the fake received: a Web API method call or a post to a response_url. */
export interface FakeCall {
  /** Web API method (`chat.postMessage`) or `respond` for response_url posts. */
  method: string;
  body: Record<string, unknown>;
  /** The response_url id for `respond` calls. */
  responseId?: string;
  /** What the fake answered (ts of posted messages). */
  result: Record<string, unknown>;
  status: number;
  authorization: string | undefined;
}

/** The bot identity the fake's `auth.test` reports. */
export const FAKE_BOT = { userId: 'UBOTMOVIE', botId: 'BMOVIE', team: 'T0TEST' };

/**
 * A local stand-in for Slack's Web API (`/api/<method>`) and for response_urls (`/respond/<id>`). It
 * records every call, answers like Slack (ok/ts), can rate-limit or refuse the next call of a method,
 * and records anything it does not know in `unexpected` (tests assert it stays empty, like msw's
 * onUnhandledRequest: 'error').
 */
export class FakeSlack {
  readonly calls: FakeCall[] = [];
  readonly unexpected: string[] = [];
  /** What `apps.connections.open` hands out (a local WebSocket server in Socket Mode tests). */
  socketUrl: string | undefined;
  /** What `conversations.members` lists. */
  channelMembers: string[] = [];
  private server: Server | undefined;
  private seq = 0;
  private readonly rateLimits = new Map<string, number[]>();
  private readonly errors = new Map<string, string[]>();
  private readonly files = new Map<string, { name: string; content: string }>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, headers, raw }) => {
        res.writeHead(status, { 'content-type': raw ? 'text/csv' : 'application/json', ...headers });
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

  responseUrl(id: string): string {
    return `${this.url}/respond/${encodeURIComponent(id)}`;
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

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string>; raw?: boolean }> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const authorization = req.headers.authorization;
    const respond = /^\/respond\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && respond) {
      const body = JSON.parse(raw) as Record<string, unknown>;
      this.calls.push({
        method: 'respond',
        body,
        responseId: decodeURIComponent(respond[1]!),
        result: {},
        status: 200,
        authorization,
      });
      return { status: 200, body: { ok: true } };
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
    const body = decodeApiBody(raw, req.headers['content-type']);
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
    const result = error ? { ok: false, error } : this.answer(method, body);
    if (!result) {
      this.unexpected.push(`POST /api/${method}`);
      return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
    this.calls.push({ method, body, result, status: 200, authorization });
    return { status: 200, body: result };
  }

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> | undefined {
    const ts = () => `1700000000.${String(++this.seq).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, team_id: FAKE_BOT.team };
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts: ts(), message: { text: body.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'reactions.add':
      case 'views.publish':
        return { ok: true };
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
      case 'conversations.members':
        return { ok: true, members: this.channelMembers, response_metadata: { next_cursor: '' } };
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : undefined;
      case 'users.info':
        return { ok: true, user: { id: body.user, is_admin: false, is_owner: false } };
      default:
        return undefined;
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** web-api posts form-encoded bodies with nested values (blocks, view) as JSON strings. */
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
