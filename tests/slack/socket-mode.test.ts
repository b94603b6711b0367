import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { SlackAdapter } from '../../adapters/slack/index.ts';
import type { FakeCore } from './fake-core.ts';
import type { FakeSlack } from './fake-slack.ts';
import { TEST_CHANNEL, TEST_TEAM } from './harness.ts';
import { type SocketModeRig, startSocketModeRig } from './socket-mode-rig.ts';

/**
 * Socket Mode against a local WebSocket server standing in for Slack's: `apps.connections.open` (at
 * the fake Web API, with the app token) hands out its URL, it greets with `hello`, sends envelopes and
 * expects each to be acknowledged by envelope id.
 */
describe('Slack adapter in Socket Mode', () => {
  let rig: SocketModeRig;
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  let core: FakeCore;
  let socket: Promise<WebSocket>;
  let received: Record<string, unknown>[];
  beforeEach(async () => {
    rig = await startSocketModeRig();
    ({ fake, adapter, core, socket } = rig);
    received = rig.received;
  });
  afterEach(() => rig.close());

  it('connects with the app token, acknowledges a slash command envelope and posts the answer', async () => {
    const ws = await socket;
    const [open] = fake.callsOf('apps.connections.open');
    expect(open!.authorization).toBe('Bearer xapp-test');
    expect(adapter.port).toBeUndefined();
    ws.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          team_id: TEST_TEAM,
          channel_id: TEST_CHANNEL,
          user_id: 'UALICE',
          user_name: 'alice',
          command: '/recommend',
          text: 'heist movies',
          api_app_id: 'A0MOVIEREC',
          response_url: fake.responseUrl('r1'),
          trigger_id: 'trig-1',
        },
      }),
    );
    for (let i = 0; i < 100 && core.events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await adapter.idle();
    expect(received.map((m) => m.envelope_id)).toContain('env-1');
    expect(core.events[0]).toMatchObject({ type: 'command', command: 'recommend', text: 'heist movies' });
    const [post] = fake.callsOf('chat.postMessage');
    expect(post!.authorization).toBe('Bearer xoxb-test');
    expect(JSON.stringify(post!.body.blocks)).toContain('Go (1999)');
    expect(fake.unexpected).toEqual([]);
  });
});
