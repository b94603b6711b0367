/**
 * 200 simulated Slack users for 60 s through the real Slack adapter's HTTP endpoint (Bolt's receiver,
 * signed requests), on a scratch database of the Postgres server. Each user sends a signed `/recommend`,
 * waits until the reply reaches Slack (a response_url post or a Web API message, answered by a local
 * stand-in for Slack), then asks again. Reports the acknowledgement time, the time until the reply
 * reached Slack, and the core's own time for the same requests (`core.handle`, measured inside the
 * adapter), so the adapter's overhead is `reply p99 / core p99` of one run.
 *
 *   npx tsx bench/slack-load.ts [--users 200] [--seconds 60] [--json]
 *
 * Issue 16's target: the reply p99 is at most 5× the core-only p99 of the same run.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createSlackAdapter, SLACK_EVENTS_PATH } from '../adapters/slack/index.ts';
import type { BotCore } from '../src/bot/types.ts';
import { createLogger } from '../src/logger.ts';
import { quietLogger, seedCatalog } from '../tests/load/fixture.ts';
import { buildCore } from './core-driver.ts';
import { createScratchDatabase } from './databases.ts';
import { type LatencySummary, summarize } from './stats.ts';

const SIGNING_SECRET = 'bench-signing-secret';
const TEAM = 'TBENCH';
const BOT = { user_id: 'UBENCHBOT', bot_id: 'BBENCH', team_id: TEAM };
/** A reply that never reaches Slack counts as this late (and is reported as lost). */
const REPLY_TIMEOUT_MS = 30_000;

export interface SlackLoadResult {
  users: number;
  seconds: number;
  requests: number;
  lost: number;
  ack: LatencySummary;
  reply: LatencySummary;
  core: LatencySummary;
  /** reply p99 / core p99. */
  ratio: number;
}

/** A stand-in for Slack's Web API and response_urls that tells each waiting user when its reply arrived. */
class SlackStandIn {
  private server: Server | undefined;
  private seq = 0;
  readonly waiting = new Map<string, () => void>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const url = req.url ?? '';
        let result: Record<string, unknown> = { ok: true };
        if (url.startsWith('/respond/')) {
          this.arrived(url.slice('/respond/'.length));
        } else {
          const method = url.replace(/^\/api\//, '').split('?')[0]!;
          const fields = parse(req.headers['content-type'], body);
          if (method === 'auth.test') result = { ok: true, ...BOT, url: 'https://bench.slack.test/' };
          else if (method === 'chat.postMessage' || method === 'chat.postEphemeral') {
            result = {
              ok: true,
              channel: fields.channel,
              ts: `1700000000.${String(++this.seq).padStart(6, '0')}`,
            };
            this.arrived(String(fields.channel));
          } else if (method === 'conversations.members') result = { ok: true, members: [] };
          else if (method === 'users.info') result = { ok: true, user: { id: fields.user, is_admin: false } };
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Resolves when the reply for `key` (a response_url id or the user's own channel) reaches Slack. */
  expect(key: string): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve(false);
      }, REPLY_TIMEOUT_MS);
      this.waiting.set(key, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private arrived(key: string): void {
    const done = this.waiting.get(key);
    if (!done) return;
    this.waiting.delete(key);
    done();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parse(contentType: string | undefined, body: string): Record<string, unknown> {
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/** Signs like Slack: `v0=` HMAC-SHA256 of `v0:<ts>:<body>` (api.slack.com/authentication/verifying-requests-from-slack). */
function signedHeaders(body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${signature}`,
  };
}

/** Wraps the core so each `handle` call's own time is recorded. */
function timedCore(core: BotCore, samples: number[]): BotCore {
  return new Proxy(core, {
    get(target, prop, receiver) {
      if (prop !== 'handle') return Reflect.get(target, prop, receiver);
      return async (event: Parameters<BotCore['handle']>[0]) => {
        const started = performance.now();
        try {
          return await target.handle(event);
        } finally {
          if (event.type === 'command') samples.push(performance.now() - started);
        }
      };
    },
  });
}

export async function runSlackLoad(users = 200, seconds = 60): Promise<SlackLoadResult> {
  const db = await createScratchDatabase('postgres', { maxConnections: 10 });
  const slack = await new SlackStandIn().start();
  const cut = buildCore(db.db, quietLogger());
  const coreSamples: number[] = [];
  const adapter = createSlackAdapter(
    {
      botToken: 'xoxb-bench',
      signingSecret: SIGNING_SECRET,
      appToken: undefined,
      apiUrl: `${slack.url}/api/`,
    },
    { logger: createLogger('silent'), port: 0, host: '127.0.0.1' },
  );
  try {
    await seedCatalog(db.db);
    await cut.service.current();
    await adapter.start(timedCore(cut.core, coreSamples));
    const endpoint = `http://127.0.0.1:${adapter.port}${SLACK_EVENTS_PATH}`;
    const ack: number[] = [];
    const reply: number[] = [];
    let lost = 0;
    let seq = 0;
    const deadline = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: users }, async (_, u) => {
        const user = `UB${u}`;
        const channel = `CB${u}`;
        while (Date.now() < deadline) {
          const id = `r${++seq}`;
          const body = new URLSearchParams({
            token: 'legacy',
            team_id: TEAM,
            team_domain: 'bench',
            channel_id: channel,
            channel_name: 'movies',
            user_id: user,
            user_name: `bench${u}`,
            command: '/recommend',
            text: u % 2 === 0 ? '' : '90s comedy',
            api_app_id: 'ABENCH',
            response_url: `${slack.url}/respond/${id}`,
            trigger_id: `trig${seq}`,
          }).toString();
          // A reply may go out by response_url (keyed by the request) or by chat.postMessage (by channel).
          const arrivedByUrl = slack.expect(id);
          const arrivedByPost = slack.expect(channel);
          const started = performance.now();
          const res = await fetch(endpoint, { method: 'POST', headers: signedHeaders(body), body });
          ack.push(performance.now() - started);
          await res.arrayBuffer();
          const ok = await Promise.race([arrivedByUrl, arrivedByPost]);
          slack.waiting.delete(id);
          slack.waiting.delete(channel);
          if (ok && res.status === 200) reply.push(performance.now() - started);
          else {
            lost++;
            reply.push(REPLY_TIMEOUT_MS);
          }
        }
      }),
    );
    const result = {
      users,
      seconds,
      requests: ack.length,
      lost,
      ack: summarize(ack),
      reply: summarize(reply),
      core: summarize(coreSamples),
      ratio: 0,
    };
    result.ratio = Math.round((result.reply.p99 / result.core.p99) * 100) / 100;
    return result;
  } finally {
    await adapter.stop().catch(() => {});
    await cut.close();
    await slack.close();
    await db.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '60' },
      json: { type: 'boolean', default: false },
    },
  });
  const result = await runSlackLoad(Number(values.users), Number(values.seconds));
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const line = (name: string, s: LatencySummary) =>
      `${name.padEnd(6)} p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms  (n ${s.n})`;
    process.stdout.write(
      [
        `${result.users} users, ${result.seconds} s, ${result.requests} requests, ${result.lost} replies lost`,
        line('ack', result.ack),
        line('reply', result.reply),
        line('core', result.core),
        `reply p99 / core p99 = ${result.ratio} (target ≤ 5)`,
        '',
      ].join('\n'),
    );
  }
  process.exit(0);
}
