import { afterEach, describe, expect, it } from 'vitest';
import { slackChannel } from '../../adapters/slack/identity.ts';
import type { Reply } from '../../src/bot/types.ts';
import type { HealthReport } from '../../src/ops/health.ts';
import { createOpsHandler } from '../../src/ops/http.ts';
import { createMetrics } from '../../src/ops/metrics.ts';
import { captureLogger } from '../ops/log-capture.ts';
import { FakeCore, sampleReply } from './fake-core.ts';
import { type SlackTestRig, startSlackRig, TEST_CHANNEL, TEST_TEAM } from './harness.ts';

const channel = slackChannel(TEST_TEAM, TEST_CHANNEL);
const WINNER: Reply = sampleReply({
  text: "🍿 Time's up! Movie night is **Go (1999)**.",
  rateByReaction: true,
});

describe('Slack postToChannel (messages the bot starts itself) against the fake Web API', () => {
  let rig: SlackTestRig;
  let core: FakeCore;
  const log = captureLogger('warn');
  afterEach(async () => {
    await rig?.close();
    expect(rig.fake.unexpected).toEqual([]);
  });
  const start = async () => {
    core = new FakeCore();
    rig = await startSlackRig(core, { logger: log.logger });
  };

  it('posts with the bot token, registers the message with the core and adds the rating reactions', async () => {
    await start();
    expect(await rig.adapter.postToChannel(channel, WINNER)).toBe(true);
    const [post] = rig.fake.callsOf('chat.postMessage');
    expect(post!.authorization).toBe('Bearer xoxb-test');
    expect(post!.body.channel).toBe(TEST_CHANNEL);
    expect(JSON.stringify(post!.body.blocks)).toContain('Movie night is *Go (1999)*');
    expect(core.posted).toEqual([
      { reply: WINNER, key: `slack:${TEST_CHANNEL}:${String(post!.result.ts)}`, channel },
    ]);
    expect(rig.fake.callsOf('reactions.add').length).toBeGreaterThanOrEqual(5);
  });

  it('a reply that edits an earlier poll message (closed by time) updates it with chat.update', async () => {
    await start();
    expect(
      await rig.adapter.postToChannel(channel, { text: 'Vote!', actions: [{ id: 'v:1', label: 'Heat' }] }),
    ).toBe(true);
    const key = core.posted[0]!.key;
    const ts = key.split(':')[2]!;
    const closed: Reply = {
      text: "Time's up — **Heat** wins",
      editMessage: key,
      actions: [{ id: 'v:1', label: 'Heat — 2 votes', disabled: true }],
    };
    expect(await rig.adapter.postToChannel(channel, closed)).toBe(true);
    expect(rig.fake.callsOf('chat.update')[0]!.body).toMatchObject({ channel: TEST_CHANNEL, ts });
    const shown = JSON.stringify(rig.fake.message(TEST_CHANNEL, ts)!.blocks);
    expect(shown).toContain("Time's up — *Heat* wins");
    expect(shown).not.toContain('action_id');
    expect(rig.fake.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it("waits out a 429 for Slack's Retry-After, then posts", async () => {
    await start();
    rig.fake.rateLimitNext('chat.postMessage', 1);
    const t0 = Date.now();
    expect(await rig.adapter.postToChannel(channel, { text: 'after a rate limit' })).toBe(true);
    expect(rig.fake.callsOf('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    // The client waited the second Slack asked for (a lower bound, so load cannot break it).
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('a channel that is gone or closed to the bot is logged and answered false, never thrown', async () => {
    await start();
    rig.fake.failNext('chat.postMessage', 'channel_not_found');
    rig.fake.failNext('chat.postMessage', 'not_in_channel');
    expect(await rig.adapter.postToChannel(channel, { text: 'gone' })).toBe(false);
    expect(await rig.adapter.postToChannel(channel, { text: 'not a member' })).toBe(false);
    const warnings = log.lines().filter((l) => l.msg === 'could not post to the Slack channel');
    expect(warnings.map((w) => w.code)).toEqual(['channel_not_found', 'not_in_channel']);
    expect(await rig.adapter.postToChannel(channel, { text: 'only you', ephemeral: true })).toBe(false);
    expect(core.posted).toEqual([]);
  });
});

describe('Slack HTTP receiver serves /healthz and /metrics from src/ops on its port', () => {
  let rig: SlackTestRig;
  afterEach(async () => {
    await rig?.close();
  });

  it('answers GET /metrics in Prometheus format and /healthz with the health report', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requests.inc({ command: 'recommend', platform: 'slack', outcome: 'ok' });
    let healthy = true;
    const report = (): HealthReport => ({
      ok: healthy,
      database: { ok: healthy, latencyMs: 1 },
      modelAgeSeconds: null,
      uptimeSeconds: 5,
    });
    const health = { check: async () => report(), modelAgeSeconds: async () => null };
    const metricsToken = 'slack-port-metrics-token';
    rig = await startSlackRig(new FakeCore(), {
      opsHandler: createOpsHandler({ health, metrics, metricsToken }),
    });
    const base = `http://127.0.0.1:${rig.adapter.port}`;

    // The Slack port is public: /metrics needs the bearer token there (issue 16, item 11).
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const m = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain');
    expect(await m.text()).toMatch(
      /movierec_requests_total\{command="recommend",platform="slack",outcome="ok"\} 1/,
    );

    const h = await fetch(`${base}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ ok: true, database: { ok: true } });
    healthy = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);

    // The events endpoint is still bolt's, signature-checked.
    expect((await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('without METRICS_TOKEN /metrics is not served on the Slack port', async () => {
    const health = { check: async () => ({ ok: true }) as HealthReport, modelAgeSeconds: async () => null };
    const metrics = createMetrics({ processMetrics: false });
    rig = await startSlackRig(new FakeCore(), { opsHandler: createOpsHandler({ health, metrics }) });
    const base = `http://127.0.0.1:${rig.adapter.port}`;
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('without the ops handler /healthz still answers (and /metrics is not there)', async () => {
    rig = await startSlackRig(new FakeCore());
    const base = `http://127.0.0.1:${rig.adapter.port}`;
    const h = await fetch(`${base}/healthz`);
    expect([h.status, await h.text()]).toEqual([200, 'ok']);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });
});
