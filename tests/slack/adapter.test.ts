import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionEvent, CommandEvent, ReactionEvent } from '../../src/bot/types.ts';
import { FakeCore, sampleReply } from './fake-core.ts';
import { FAKE_BOT } from './fake-slack.ts';
import {
  renderedSince,
  type SlackTestRig,
  startSlackRig,
  TEST_CHANNEL,
  TEST_SIGNING_SECRET,
  TEST_TEAM,
} from './harness.ts';
import { blockActionBody, eventBody, postSigned, slashCommandBody } from './signed-request.ts';

const FORM = 'application/x-www-form-urlencoded';
const sign = { secret: TEST_SIGNING_SECRET };

describe('Slack adapter over the real bolt HTTP receiver (scripted core)', () => {
  let core: FakeCore;
  let rig: SlackTestRig;

  beforeEach(async () => {
    core = new FakeCore();
    rig = await startSlackRig(core);
  });
  afterEach(async () => {
    await rig.close();
    expect(rig.fake.unexpected).toEqual([]);
  });

  const command = (text: string, name = 'recommend', user = 'UALICE') =>
    slashCommandBody({
      team: TEST_TEAM,
      user,
      channel: TEST_CHANNEL,
      command: name,
      text,
      responseUrl: rig.fake.responseUrl(`r-${name}-${user}-${text}`, { user, channel: TEST_CHANNEL }),
    });

  it('acknowledges a slash command before the core answers, then posts the blocks', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    core.script = async () => {
      await gate;
      return [sampleReply()];
    };
    const res = await postSigned(rig.eventsUrl, command('90s comedy'), FORM, sign);
    // The HTTP answer came while the core was still blocked: the ack does not wait for the work.
    expect(res.status).toBe(200);
    expect(rig.fake.callsOf('chat.postMessage')).toHaveLength(0);
    release();
    await rig.adapter.idle();

    const event = core.events[0] as CommandEvent;
    expect(event).toMatchObject({
      type: 'command',
      command: 'recommend',
      text: '90s comedy',
      actor: { userKey: `slack:${TEST_TEAM}:UALICE`, platform: 'slack', tenant: TEST_TEAM },
      channel: { key: `slack:${TEST_TEAM}:${TEST_CHANNEL}`, platform: 'slack', tenant: TEST_TEAM },
    });
    const [post] = rig.fake.callsOf('chat.postMessage');
    expect(post!.authorization).toBe('Bearer xoxb-test');
    expect(post!.body.channel).toBe(TEST_CHANNEL);
    const blocks = JSON.stringify(post!.body.blocks);
    expect(blocks).toContain('Go (1999)');
    expect(blocks).toContain('"image_url":"https://img.example/go.jpg"');
    expect(blocks).toContain('"action_id":"mr:rate:2580"');
    expect(core.posted).toHaveLength(1);
    expect(core.posted[0]!.key).toBe(`slack:${TEST_CHANNEL}:${String(post!.result.ts)}`);
  });

  it('rejects a wrongly signed or stale request with 401 and hands nothing to the core', async () => {
    const forged = await postSigned(rig.eventsUrl, command('x'), FORM, {
      ...sign,
      signWith: 'not-the-secret',
    });
    expect(forged.status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await postSigned(rig.eventsUrl, command('x'), FORM, { ...sign, timestamp: sixMinutesAgo });
    expect(stale.status).toBe(401);
    const tampered = await fetch(rig.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': FORM, 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) },
      body: command('x'),
    });
    expect(tampered.status).toBe(401);
    await rig.adapter.idle();
    expect(core.events).toEqual([]);
    expect(rig.fake.calls).toEqual([]);
  });

  it('answers ephemeral replies through the response_url', async () => {
    core.script = () => [{ text: 'Rated **Go** 4 stars.', ephemeral: true }];
    await postSigned(rig.eventsUrl, command('go 4', 'rate'), FORM, sign);
    await rig.adapter.idle();
    const [reply] = rig.fake.callsOf('respond');
    expect(reply!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(reply!.body.blocks)).toContain('Rated *Go* 4 stars.');
    expect(rig.fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('falls back to an in-channel response when the bot is not in the channel', async () => {
    rig.fake.failNext('chat.postMessage', 'not_in_channel');
    await postSigned(rig.eventsUrl, command('heist'), FORM, sign);
    await rig.adapter.idle();
    const [reply] = rig.fake.callsOf('respond');
    expect(reply!.body.response_type).toBe('in_channel');
    expect(JSON.stringify(reply!.body.blocks)).toContain('Go (1999)');
  });

  it('adds the rating reactions to a single-movie card', async () => {
    core.script = () => [sampleReply({ rateByReaction: true, actions: [] })];
    await postSigned(rig.eventsUrl, command('Go', 'movie'), FORM, sign);
    await rig.adapter.idle();
    const names = rig.fake.callsOf('reactions.add').map((c) => c.body.name);
    expect(names).toEqual(['one', 'two', 'three', 'four', 'five', 'bookmark', 'no_entry_sign']);
  });

  it('retries a Web API call answered 429 with Retry-After', async () => {
    rig.fake.rateLimitNext('chat.postMessage', 1);
    await postSigned(rig.eventsUrl, command('heist'), FORM, sign);
    await rig.adapter.idle();
    const posts = rig.fake.callsOf('chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(core.posted).toHaveLength(1);
  });

  it('turns a select choice on a message into an action event with value and message key', async () => {
    core.script = () => [{ text: 'Rated.', ephemeral: true }];
    const body = blockActionBody({
      team: TEST_TEAM,
      user: 'UBOB',
      channel: TEST_CHANNEL,
      messageTs: '1700000000.000042',
      ephemeral: false,
      actionId: 'mr:rate:2580',
      value: '4.5',
      responseUrl: rig.fake.responseUrl('r2', { user: 'UBOB', channel: TEST_CHANNEL }),
    });
    expect((await postSigned(rig.eventsUrl, body, FORM, sign)).status).toBe(200);
    await rig.adapter.idle();
    const event = core.events[0] as ActionEvent;
    expect(event).toMatchObject({
      type: 'action',
      actionId: 'mr:rate:2580',
      value: '4.5',
      messageKey: `slack:${TEST_CHANNEL}:1700000000.000042`,
      actor: { userKey: `slack:${TEST_TEAM}:UBOB` },
    });
    expect(rig.fake.callsOf('respond')[0]!.body.response_type).toBe('ephemeral');
  });

  it("passes Slack's event_id with reactions, on retries too, and ignores other people's messages", async () => {
    core.script = () => [];
    const reaction = (itemUser: string, user = 'UALICE') =>
      eventBody({
        team: TEST_TEAM,
        eventId: 'Ev0REACT1',
        event: {
          type: 'reaction_added',
          user,
          reaction: '+1::skin-tone-3',
          item: { type: 'message', channel: TEST_CHANNEL, ts: '1700000000.000007' },
          item_user: itemUser,
          event_ts: '1700000001.000001',
        },
      });
    await postSigned(rig.eventsUrl, reaction(FAKE_BOT.userId), 'application/json', sign);
    await postSigned(rig.eventsUrl, reaction(FAKE_BOT.userId), 'application/json', { ...sign, retryNum: 1 });
    await postSigned(rig.eventsUrl, reaction('USOMEONE'), 'application/json', sign);
    await postSigned(rig.eventsUrl, reaction(FAKE_BOT.userId, FAKE_BOT.userId), 'application/json', sign);
    await rig.adapter.idle();
    const events = core.events as ReactionEvent[];
    expect(events.map((e) => [e.id, e.emoji, e.added, e.messageKey])).toEqual([
      ['Ev0REACT1', '+1', true, `slack:${TEST_CHANNEL}:1700000000.000007`],
      ['Ev0REACT1', '+1', true, `slack:${TEST_CHANNEL}:1700000000.000007`],
    ]);
  });

  it('publishes the App Home with profile, watchlist and recommendations', async () => {
    core.script = (e) => [
      e.type === 'command' && e.command === 'recommend'
        ? sampleReply()
        : { text: `${(e as CommandEvent).command} here` },
    ];
    const body = eventBody({
      team: TEST_TEAM,
      eventId: 'Ev0HOME1',
      event: { type: 'app_home_opened', user: 'UALICE', channel: 'D0ALICE', tab: 'home', event_ts: '1.0' },
    });
    expect((await postSigned(rig.eventsUrl, body, 'application/json', sign)).status).toBe(200);
    await rig.adapter.idle();
    expect(core.events.map((e) => (e as CommandEvent).command)).toEqual([
      'recommend',
      'profile',
      'watchlist',
    ]);
    const [publish] = rig.fake.callsOf('views.publish');
    expect(publish!.body.user_id).toBe('UALICE');
    const view = publish!.body.view as { type: string; blocks: { type: string }[] };
    expect(view.type).toBe('home');
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('Fresh recommendations');
    expect(json).toContain('Go (1999)');
    expect(json).toContain('profile here');
  });

  it('purges the workspace when the app is uninstalled or its bot token revoked', async () => {
    const uninstall = eventBody({
      team: TEST_TEAM,
      eventId: 'Ev0UNINST',
      event: { type: 'app_uninstalled' },
    });
    await postSigned(rig.eventsUrl, uninstall, 'application/json', sign);
    const userOnly = eventBody({
      team: TEST_TEAM,
      eventId: 'Ev0REVOKE1',
      event: { type: 'tokens_revoked', tokens: { oauth: ['UX'] } },
    });
    await postSigned(rig.eventsUrl, userOnly, 'application/json', sign);
    const bot = eventBody({
      team: TEST_TEAM,
      eventId: 'Ev0REVOKE2',
      event: { type: 'tokens_revoked', tokens: { bot: [FAKE_BOT.userId] } },
    });
    await postSigned(rig.eventsUrl, bot, 'application/json', sign);
    await rig.adapter.idle();
    expect(core.purged).toEqual([
      { platform: 'slack', tenant: TEST_TEAM },
      { platform: 'slack', tenant: TEST_TEAM },
    ]);
  });

  it('asks Slack whether the user is an admin only for admin-only commands', async () => {
    core.script = () => [{ text: 'ok', ephemeral: true }];
    await postSigned(rig.eventsUrl, command('', 'stats'), FORM, sign);
    await postSigned(rig.eventsUrl, command('', 'profile'), FORM, sign);
    await rig.adapter.idle();
    expect(rig.fake.callsOf('users.info').map((c) => c.body.user)).toEqual(['UALICE']);
    const byName = (name: string) => (core.events as CommandEvent[]).find((e) => e.command === name);
    const [stats, profile] = [byName('stats'), byName('profile')];
    expect(stats!.actor.isAdmin).toBe(false);
    expect(profile!.actor.isAdmin).toBeUndefined();
  });

  it("gives /movienight the channel's members (without the bot) and other commands none", async () => {
    rig.fake.channelMembers = ['UALICE', FAKE_BOT.userId, 'UBOB'];
    core.script = () => [{ text: 'ok', ephemeral: true }];
    await postSigned(rig.eventsUrl, command('here', 'movienight'), FORM, sign);
    await postSigned(rig.eventsUrl, command('', 'recommend'), FORM, sign);
    await rig.adapter.idle();
    const byName = (name: string) => (core.events as CommandEvent[]).find((e) => e.command === name)!;
    expect(byName('movienight').channel.memberKeys).toEqual([
      `slack:${TEST_TEAM}:UALICE`,
      `slack:${TEST_TEAM}:UBOB`,
    ]);
    expect(byName('recommend').channel.memberKeys).toBeUndefined();
    expect(rig.fake.callsOf('conversations.members')).toHaveLength(1);
  });

  it('stop() waits for acknowledged work to finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    core.script = async () => {
      await gate;
      return [sampleReply()];
    };
    await postSigned(rig.eventsUrl, command('slow'), FORM, sign);
    const from = rig.fake.calls.length;
    const stopped = rig.adapter.stop();
    setTimeout(release, 50);
    await stopped;
    expect(renderedSince(rig.fake, from).map((m) => m.titles)).toEqual([['Go']]);
  });
});
