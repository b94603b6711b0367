import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { SlackAdapter } from '../../adapters/slack/index.ts';
import type { FakeCore } from './fake-core.ts';
import type { FakeSlack } from './fake-slack.ts';
import { TEST_CHANNEL, TEST_TEAM } from './harness.ts';
import { type SocketModeRig, startSocketModeRig } from './socket-mode-rig.ts';

/**
 * Socket Mode's workspace check (issue 13 item 13). The app-level connection carries events from every
 * workspace the app is installed in; a single-workspace bot token answers for its own (`auth.test`) only.
 * The local WebSocket server stands in for Slack's as in socket-mode.test.ts: each envelope must be
 * acknowledged by id ("Using Socket Mode").
 */
describe('Slack adapter in Socket Mode: other workspaces', () => {
  let rig: SocketModeRig;
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  let core: FakeCore;
  let socket: Promise<WebSocket>;
  /** Envelope ids the adapter acknowledged. */
  const acked = () => rig.received.flatMap((m) => (typeof m.envelope_id === 'string' ? [m.envelope_id] : []));
  beforeEach(async () => {
    rig = await startSocketModeRig();
    ({ fake, adapter, core, socket } = rig);
  });
  afterEach(() => rig.close());

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
    for (let i = 0; i < 200 && !acked().includes(envelope); i++) await new Promise((r) => setTimeout(r, 10));
    expect(acked()).toContain(envelope);
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
