import { type WebSocket, WebSocketServer } from 'ws';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeCore } from './fake-core.ts';
import { FakeSlack } from './fake-slack.ts';

export interface SocketModeRig {
  fake: FakeSlack;
  adapter: SlackAdapter;
  core: FakeCore;
  /** Slack's side of the connection, once the adapter has connected and been greeted. */
  socket: Promise<WebSocket>;
  /** Every message the adapter sent over the socket (acknowledgements carry `envelope_id`). */
  received: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A single-workspace Slack adapter in Socket Mode against a local WebSocket server standing in for
 * Slack's: `apps.connections.open` (at the fake Web API, with the app token) hands out its URL, it greets
 * with `hello`, sends envelopes and expects each to be acknowledged by envelope id ("Using Socket Mode").
 */
export async function startSocketModeRig(): Promise<SocketModeRig> {
  const fake = await new FakeSlack().start();
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  fake.socketUrl = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/link`;
  const received: Record<string, unknown>[] = [];
  const socket = new Promise<WebSocket>((resolve) =>
    wss.once('connection', (ws) => {
      ws.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
      ws.send(
        JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0MOVIEREC' } }),
      );
      resolve(ws);
    }),
  );
  const core = new FakeCore();
  const adapter = createSlackAdapter(
    { botToken: 'xoxb-test', signingSecret: '', appToken: 'xapp-test', apiUrl: fake.apiUrl },
    { logger: createLogger('silent'), port: 0 },
  );
  await adapter.start(core);
  return {
    fake,
    adapter,
    core,
    socket,
    received,
    async close() {
      await adapter.stop();
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await fake.close();
    },
  };
}
