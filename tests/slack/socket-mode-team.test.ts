import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeCore } from './fake-core.ts';
import { FakeSlack } from './fake-slack.ts';
import { TEST_CHANNEL, TEST_TEAM } from './harness.ts';

/**
 * Socket Mode's workspace check (issue 13 item 13). The app-level connection carries events from every
 * workspace the app is installed in; a single-workspace bot token answers for its own (`auth.test`) only.
 * The local WebSocket server stands in for Slack's as in socket-mode.test.ts: each envelope must be
 * acknowledged by id ("Using Socket Mode").
 */
describe('Slack adapter in Socket Mode: other workspaces', () => {
  let fake: FakeSlack;
  let wss: WebSocketServer;
  let adapter: SlackAdapter;
  let core: FakeCore;
  let socket: Promise<WebSocket>;
  const acked: string[] = [];

  beforeEach(async () => {
    acked.length = 0;
    fake = await new FakeSlack().start();
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    fake.socketUrl = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/link`;
    socket = new Promise((resolve) =>
      wss.once('connection', (ws) => {
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as { envelope_id?: string };
          if (message.envelope_id) acked.push(message.envelope_id);
        });
        ws.send(
          JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0MOVIEREC' } }),
        );
        resolve(ws);
      }),
    );
    core = new FakeCore();
    adapter = createSlackAdapter(
      { botToken: 'xoxb-test', signingSecret: '', appToken: 'xapp-test', apiUrl: fake.apiUrl },
      { logger: createLogger('silent'), port: 0 },
    );
    await adapter.start(core);
  });

  afterEach(async () => {
    await adapter.stop();
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await fake.close();
  });

  const command = (envelope: string, team: string) => ({
    envelope_id: envelope,
    type: 'slash_commands',
    accepts_response_payload: true,
    payload: {
      team_id: team,
      channel_id: TEST_CHANNEL,
      user_id: 'UALICE',
      user_name: 'alice',
      command: '/recommend',
      text: 'heist movies',
      api_app_id: 'A0MOVIEREC',
      response_url: fake.responseUrl(`r-${envelope}`),
      trigger_id: `trig-${envelope}`,
    },
  });

  const uninstalled = (envelope: string, team: string) => ({
    envelope_id: envelope,
    type: 'events_api',
    accepts_response_payload: false,
    payload: {
      team_id: team,
      api_app_id: 'A0MOVIEREC',
      type: 'event_callback',
      event_id: `Ev-${envelope}`,
      event_time: 1,
      event: { type: 'app_uninstalled' },
    },
  });

  /** Waits until the envelope is acknowledged and the adapter has finished what it started. */
  async function settle(envelope: string) {
    for (let i = 0; i < 200 && !acked.includes(envelope); i++) await new Promise((r) => setTimeout(r, 10));
    expect(acked).toContain(envelope);
    await adapter.idle();
  }

  it('acknowledges but ignores a command or an uninstall from another workspace, and still serves its own', async () => {
    const ws = await socket;
    ws.send(JSON.stringify(command('env-other', 'T0ELSEWHERE')));
    await settle('env-other');
    ws.send(JSON.stringify(uninstalled('env-other-uninstall', 'T0ELSEWHERE')));
    await settle('env-other-uninstall');
    expect(core.events).toEqual([]);
    expect(core.purged).toEqual([]);
    expect(fake.callsOf('chat.postMessage')).toEqual([]);

    ws.send(JSON.stringify(command('env-own', TEST_TEAM)));
    await settle('env-own');
    expect(core.events).toHaveLength(1);
    expect(core.events[0]).toMatchObject({ type: 'command', command: 'recommend' });
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
    ws.send(JSON.stringify(uninstalled('env-own-uninstall', TEST_TEAM)));
    await settle('env-own-uninstall');
    expect(core.purged).toEqual([{ platform: 'slack', tenant: TEST_TEAM }]);
  });
});
