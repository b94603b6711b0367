import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { APP_ID, botUser, guildPayload } from './fake-constants.ts';

type Json = Record<string, unknown>;

/**
 * The interval Discord's Hello example gives (https://discord.com/developers/docs/events/gateway#hello-event).
 * A shorter one makes a client busy with thousands of GUILD_CREATEs miss a heartbeat ACK and reconnect,
 * which real Discord would not provoke.
 */
const HEARTBEAT_INTERVAL_MS = 41_250;
/**
 * "Each shard can only support a maximum of 2500 guilds, and apps that are in 2500+ guilds must enable
 * sharding" (https://discord.com/developers/docs/events/gateway#sharding).
 */
export const MAX_GUILDS_PER_SHARD = 2_500;
/** Gateway close codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes). */
export const CLOSE_INVALID_SHARD = 4010;
export const CLOSE_SHARDING_REQUIRED = 4011;

/**
 * Which shard gets a guild's events: `shard_id = (guild_id >> 22) % num_shards`
 * (https://discord.com/developers/docs/events/gateway#sharding).
 */
export function shardOf(guildId: string, total: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(total));
}

/**
 * Guild ids whose shard is known: the n-th id lands on shard `n % total` for any total dividing the
 * id's upper bits evenly (the bits above 22 are `n`, plus a fixed offset kept a multiple of 840,
 * which every total from 1 to 8 divides).
 */
export function guildIdFor(n: number): string {
  return (((840_000n + BigInt(n)) << 22n) | 1n).toString();
}

/** The channel the fake puts in guild number `n`. */
export function channelIdFor(n: number): string {
  return (((840_000n + BigInt(n)) << 22n) | 2n).toString();
}

/** A GUILD_CREATE body for guild number `n`, with its one text channel. */
export function shardGuildPayload(n: number): Json {
  const base = guildPayload();
  const id = guildIdFor(n);
  const channelId = channelIdFor(n);
  return {
    ...base,
    id,
    name: `Guild ${n}`,
    roles: (base.roles as Json[]).map((r) => ({ ...r, id })),
    channels: [
      { id: channelId, type: 0, name: 'movies', position: 0, permission_overwrites: [], nsfw: false },
    ],
  };
}

interface Session {
  socket: WebSocket;
  shard: [number, number];
  sessionId: string;
  sequence: number;
  sent: { s: number; packet: Json }[];
}

/** One dispatch the fake routed: to which shard, or to none when no connection holds that shard. */
export interface Routed {
  t: string;
  guildId: string | undefined;
  shard: number | undefined;
  s: number;
}

/**
 * A fake Discord gateway that hands out several shards. Each connection identifies with
 * `shard: [id, total]`; its READY lists only the guilds of that shard and is followed by their
 * GUILD_CREATEs, and a dispatch for a guild goes to that guild's shard only; events without a guild
 * (DMs) go to shard 0 ("Gateway events that do not contain a guild_id will only be sent to the first
 * shard", https://discord.com/developers/docs/events/gateway#sharding). An invalid shard is closed
 * with 4010, a shard that would hold more than 2,500 guilds with 4011, as Discord does.
 */
export class ShardedGateway {
  readonly received: Json[] = [];
  /** Every IDENTIFY's shard array, in order. */
  readonly identified: [number, number][] = [];
  /** The guild ids each shard's READY listed, by shard id (the latest READY of that shard). */
  readonly readyGuilds = new Map<number, string[]>();
  /** Close codes the fake sent. */
  readonly closes: number[] = [];
  /** Where each dispatch went. */
  readonly routed: Routed[] = [];
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<WebSocket, Session>();
  /** Every session ever identified, live or dropped, by id: what a RESUME may name. */
  private readonly known = new Map<string, Session>();
  private readonly guildCreates: Json[];

  constructor(
    server: http.Server,
    private readonly url: () => string,
    private readonly notify: () => void,
    guilds: Json[],
  ) {
    this.guildCreates = guilds;
    this.wss = new WebSocketServer({ server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  get connected(): boolean {
    return this.sessions.size > 0;
  }

  /** Shards with a live, identified connection. */
  get liveShards(): number[] {
    return [...this.sessions.values()].map((s) => s.shard[0]).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Sends a dispatch to the shard its guild is on (shard 0 without a guild); returns its sequence. */
  dispatch(t: string, d: unknown): number {
    const body = d as Json;
    const guildId =
      typeof body.guild_id === 'string'
        ? body.guild_id
        : t === 'GUILD_CREATE' || t === 'GUILD_DELETE'
          ? String(body.id)
          : undefined;
    const session = [...this.sessions.values()].find((s) =>
      guildId ? shardOf(guildId, s.shard[1]) === s.shard[0] : s.shard[0] === 0,
    );
    const s = session ? this.send(session, t, d) : 0;
    this.routed.push({ t, guildId, shard: session?.shard[0], s });
    return s;
  }

  /** Re-sends a dispatch with its old sequence number on the connection that first got it. */
  redeliver(s: number): void {
    const last = [...this.routed].reverse().find((r) => r.s === s);
    const session = [...this.sessions.values()].find((x) => x.shard[0] === last?.shard);
    const old = session?.sent.find((p) => p.s === s);
    if (session && old) session.socket.send(JSON.stringify(old.packet));
  }

  /** Drops one shard's connection (all of them when `shard` is undefined) with a resumable close code. */
  dropConnection(code = 4000, shard?: number): void {
    for (const [ws, s] of this.sessions) {
      if (shard !== undefined && s.shard[0] !== shard) continue;
      ws.close(code, 'fake Discord dropped the connection');
      this.sessions.delete(ws);
    }
  }

  private send(session: Session, t: string, d: unknown): number {
    session.sequence += 1;
    const packet = { op: 0, t, s: session.sequence, d };
    session.sent.push({ s: session.sequence, packet });
    session.socket.send(JSON.stringify(packet));
    return session.sequence;
  }

  private refuse(ws: WebSocket, code: number, reason: string) {
    this.closes.push(code);
    ws.close(code, reason);
  }

  private onConnection(ws: WebSocket) {
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS } }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Json;
      this.received.push(msg);
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11 }));
      if (msg.op === 2) this.onIdentify(ws, msg.d as Json);
      if (msg.op === 6) this.onResume(ws, msg.d as { session_id: string; seq: number });
      this.notify();
    });
    ws.on('close', () => this.sessions.delete(ws));
  }

  private onIdentify(ws: WebSocket, d: Json) {
    // Without `shard` the connection is the single shard [0, 1].
    const shard = (d.shard as [number, number] | undefined) ?? [0, 1];
    this.identified.push(shard);
    const [id, total] = shard;
    // Identify's `shard` is [shard_id, num_shards] with shard_id below num_shards
    // (https://discord.com/developers/docs/events/gateway-events#identify); else close 4010 Invalid shard.
    if (!Number.isInteger(id) || !Number.isInteger(total) || total < 1 || id < 0 || id >= total)
      return this.refuse(ws, CLOSE_INVALID_SHARD, 'Invalid shard.');
    const guilds = this.guildCreates.filter((g) => shardOf(String(g.id), total) === id);
    if (guilds.length > MAX_GUILDS_PER_SHARD)
      return this.refuse(ws, CLOSE_SHARDING_REQUIRED, 'Sharding required.');
    const session: Session = {
      socket: ws,
      shard: [id, total],
      sessionId: randomBytes(8).toString('hex'),
      sequence: 0,
      sent: [],
    };
    this.sessions.set(ws, session);
    this.known.set(session.sessionId, session);
    this.readyGuilds.set(
      id,
      guilds.map((g) => String(g.id)),
    );
    this.send(session, 'READY', {
      v: 10,
      user: botUser(),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: this.url(),
      shard: [id, total],
      application: { id: APP_ID, flags: 0 },
    });
    for (const g of guilds) this.send(session, 'GUILD_CREATE', g);
  }

  private onResume(ws: WebSocket, d: { session_id: string; seq: number }) {
    // A resume is only accepted for a session this fake still knows; else op 9 (not resumable).
    const old = this.known.get(d.session_id);
    if (!old) return void ws.send(JSON.stringify({ op: 9, d: false }));
    this.sessions.delete(old.socket);
    old.socket = ws;
    this.sessions.set(ws, old);
    for (const { s, packet } of old.sent) if (s > d.seq) ws.send(JSON.stringify(packet));
    this.send(old, 'RESUMED', {});
  }
}
