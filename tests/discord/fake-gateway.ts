import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { APP_ID, botUser, GUILD_ID, guildPayload } from './fake-constants.ts';

type Json = Record<string, unknown>;

const HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * The fake Discord's gateway: HELLO → IDENTIFY → READY → GUILD_CREATE, heartbeat ACKs, and RESUME that
 * replays the dispatches the client missed (https://discord.com/developers/docs/events/gateway).
 */
export class FakeGateway {
  /** Gateway payloads the client sent (op 2 IDENTIFY, op 6 RESUME, op 1 heartbeats …). */
  readonly received: Json[] = [];
  private readonly wss: WebSocketServer;
  private socket: WebSocket | undefined;
  private sequence = 0;
  private sessionId = '';
  private readonly sent: { s: number; packet: Json }[] = [];

  constructor(
    server: http.Server,
    private readonly url: () => string,
    private readonly notify: () => void,
  ) {
    this.wss = new WebSocketServer({ server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
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
      this.received.push(msg);
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
      user: botUser(),
      guilds: [{ id: GUILD_ID, unavailable: true }],
      session_id: this.sessionId,
      resume_gateway_url: this.url(),
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
}
