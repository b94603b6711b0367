import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionEvent, BotEvent, CommandEvent, MovieCard, Reply } from '../../src/bot/types.ts';
import { FakeCore, sampleReply } from './fake-core.ts';
import { FAKE_BOT } from './fake-slack.ts';
import {
  commandFrom,
  type SlackTestRig,
  startSlackRig,
  TEST_CHANNEL,
  TEST_SIGNING_SECRET,
  TEST_TEAM,
} from './harness.ts';
import { blockActionBody, eventBody, randomId } from './signed-request.ts';

const FORM = 'application/x-www-form-urlencoded';
const sign = { secret: TEST_SIGNING_SECRET };

/**
 * What people see on Slack for each kind of reply the core gives (a scripted core produces the issue-13
 * fields: visibility, replaceSource, editMessage, disabled actions, predictionFor/ratingBy), read from
 * the strict fake's record of what each user sees.
 */
describe('Slack delivery: private things private, messages that update', () => {
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

  const run = async (user: string, name: string, text: string) => {
    const res = await rig.fake.deliver(
      rig.eventsUrl,
      commandFrom(rig.fake, { user, name, text }),
      FORM,
      sign,
    );
    expect(res.status).toBe(200);
    await rig.adapter.idle();
  };
  const press = async (user: string, source: { ts?: string; ephemeral: boolean }, actionId: string) => {
    const shown = source.ts ? rig.fake.message(TEST_CHANNEL, source.ts) : rig.fake.visibleTo(user).at(-1);
    rig.fake.join(TEST_CHANNEL, user);
    const body = blockActionBody({
      team: TEST_TEAM,
      user,
      channel: TEST_CHANNEL,
      messageTs: source.ts ?? '1700000000.999999',
      ephemeral: source.ephemeral,
      actionId,
      responseUrl: rig.fake.responseUrl(randomId('R'), {
        user,
        channel: TEST_CHANNEL,
        ...(shown ? { source: shown } : {}),
      }),
    });
    expect((await rig.fake.deliver(rig.eventsUrl, body, FORM, sign)).status).toBe(200);
    await rig.adapter.idle();
  };
  const texts = (user: string) => rig.fake.visibleTo(user).map((m) => JSON.stringify(m.blocks));
  const refused = () => rig.fake.calls.filter((c) => c.status !== 200 || c.result.ok === false);

  it('a confirmation (/rate) is seen by the asker only, through the response_url', async () => {
    core.script = () => [{ text: 'Rated **Heat** ★★★★.', ephemeral: true }];
    await run('UANA', 'rate', 'Heat 4');
    expect(texts('UANA').join()).toContain('Rated *Heat* ★★★★.');
    expect(texts('UBEN')).toEqual([]);
    expect(rig.fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('a public card names who asked and whose prediction it is; never "your" rating in public', async () => {
    const card: MovieCard = {
      ...sampleReply().cards![0]!,
      predictionFor: { kind: 'person', name: 'Ana' },
    };
    const rated: MovieCard = { ...card, movieId: 2, title: 'Ronin', userRating: 4, predictionFor: undefined };
    core.script = () => [{ text: 'Heat', cards: [card, rated], rateByReaction: false }];
    await run('UANA', 'movie', 'Go');
    const [post] = rig.fake.callsOf('chat.postMessage');
    const json = JSON.stringify(post!.body.blocks);
    expect(json).toContain('Asked by <@UANA> · /movierec movie Go');
    expect(json).toContain('Predicted for Ana: ★★★★☆ 4.1');
    expect(json).toContain('Directed by Doug Liman · With Sarah Polley');
    expect(json).toContain('1h 42m');
    expect(json).not.toContain('Your rating');
    expect(texts('UBEN')).toHaveLength(1);
  });

  it('replaceSource on a public message replaces it in place (replace_original), keeping its key', async () => {
    core.script = (e) =>
      e.type === 'command'
        ? [{ text: 'Pick one', actions: [{ id: 'mr:pick:1', label: 'Heat' }] }]
        : [{ text: 'You picked **Heat**.', replaceSource: true }];
    await run('UANA', 'movienight', 'here');
    const [post] = rig.fake.callsOf('chat.postMessage');
    const ts = String(post!.result.ts);
    await press('UANA', { ts, ephemeral: false }, 'mr:pick:1');
    const [reply] = rig.fake.callsOf('respond');
    expect(reply!.body.replace_original).toBe(true);
    expect(rig.fake.message(TEST_CHANNEL, ts)!.text).toContain('You picked *Heat*.');
    expect(rig.fake.shown.filter((m) => !m.deleted)).toHaveLength(1);
    expect(core.posted.map((p) => p.key)).toEqual([
      `slack:${TEST_CHANNEL}:${ts}`,
      `slack:${TEST_CHANNEL}:${ts}`,
    ]);
    expect(refused()).toEqual([]);
  });

  it('replaceSource on a private picker replaces it for the asker only; a public answer deletes it and posts', async () => {
    core.script = (e) => {
      if (e.type === 'command') {
        return [
          {
            text: `Which one? (${e.text})`,
            ephemeral: true,
            actions: [{ id: `mr:pick:${e.text}`, label: 'Heat (1995)' }],
          },
        ];
      }
      return (e as ActionEvent).actionId === 'mr:pick:rate'
        ? [{ text: 'Rated **Heat (1995)**.', ephemeral: true, replaceSource: true }]
        : [{ text: 'Tonight: **Heat**', replaceSource: true }];
    };
    await run('UANA', 'rate', 'rate');
    await press('UANA', { ephemeral: true }, 'mr:pick:rate');
    expect(rig.fake.visibleTo('UANA').map((m) => m.text)).toEqual(['Rated *Heat (1995)*.']);
    expect(rig.fake.visibleTo('UBEN')).toEqual([]);

    await run('UANA', 'movienight', 'night');
    await press('UANA', { ephemeral: true }, 'mr:pick:night');
    const anaSees = rig.fake.visibleTo('UANA').map((m) => m.text);
    // The picker is gone (an ephemeral message cannot become public); everyone sees the answer.
    expect(anaSees).toEqual(['Rated *Heat (1995)*.', 'Tonight: *Heat*']);
    expect(rig.fake.visibleTo('UBEN').map((m) => m.text)).toEqual(['Tonight: *Heat*']);
    expect(rig.fake.callsOf('respond').at(-1)!.body).toEqual({ delete_original: true });
    expect(refused()).toEqual([]);
  });

  it('editMessage updates the poll with chat.update; closed buttons disappear and the state shows as text', async () => {
    core.script = (e) =>
      e.type === 'command'
        ? [{ text: 'Vote!', actions: [{ id: 'mr:vote:p1:1', label: 'Heat' }] }]
        : [
            { text: 'Your vote for **Heat** counts.', ephemeral: true },
            {
              text: 'Voting closed — **Heat** wins',
              editMessage: core.posted[0]!.key,
              actions: [{ id: 'mr:vote:p1:1', label: 'Heat — 2 votes', disabled: true }],
            },
          ];
    await run('UANA', 'movienight', 'here');
    const ts = String(rig.fake.callsOf('chat.postMessage')[0]!.result.ts);
    await press('UBEN', { ts, ephemeral: false }, 'mr:vote:p1:1');
    const vote = core.events.find((e): e is ActionEvent => e.type === 'action')!;
    // The vote carries the real voter and the poll message: the core decides membership.
    expect(vote.actor.userKey).toBe(`slack:${TEST_TEAM}:UBEN`);
    expect(vote.messageKey).toBe(`slack:${TEST_CHANNEL}:${ts}`);
    const [update] = rig.fake.callsOf('chat.update');
    expect(update!.body).toMatchObject({ channel: TEST_CHANNEL, ts });
    const poll = JSON.stringify(rig.fake.message(TEST_CHANNEL, ts)!.blocks);
    expect(poll).toContain('Voting closed — *Heat* wins');
    expect(poll).toContain('Heat — 2 votes');
    expect(poll).not.toContain('action_id');
    expect(texts('UANA').join()).not.toContain('Your vote');
    expect(refused()).toEqual([]);
  });

  it('more private replies than a response_url takes (5) still reach the asker', async () => {
    core.script = () => Array.from({ length: 7 }, (_, i) => ({ text: `part ${i + 1}`, ephemeral: true }));
    await run('UANA', 'profile', '');
    const seen = rig.fake.visibleTo('UANA').map((m) => m.text);
    expect(seen).toEqual(['part 1', 'part 2', 'part 3', 'part 4', 'part 5', 'part 6', 'part 7']);
    expect(rig.fake.callsOf('respond')).toHaveLength(5);
    expect(refused()).toEqual([]);
  });

  it('a reaction refused (rate limit) is told privately to the reactor with chat.postEphemeral', async () => {
    core.script = (e: BotEvent) =>
      e.type === 'reaction' ? [{ text: 'Easy there! Try again in a few seconds.', ephemeral: true }] : [];
    rig.fake.join(TEST_CHANNEL, 'UCY');
    const body = eventBody({
      team: TEST_TEAM,
      eventId: randomId('Ev'),
      event: {
        type: 'reaction_added',
        user: 'UCY',
        reaction: 'five',
        item: { type: 'message', channel: TEST_CHANNEL, ts: '1700000000.000001' },
        item_user: FAKE_BOT.userId,
        event_ts: '1700000001.000001',
      },
    });
    await rig.fake.deliver(rig.eventsUrl, body, 'application/json', sign);
    await rig.adapter.idle();
    expect(rig.fake.callsOf('chat.postEphemeral')[0]!.body).toMatchObject({
      user: 'UCY',
      channel: TEST_CHANNEL,
    });
    expect(rig.fake.visibleTo('UCY').map((m) => m.text)).toEqual(['Easy there! Try again in a few seconds.']);
    expect(rig.fake.visibleTo('UANA')).toEqual([]);
  });

  it('/movierec compat <@U0ZED|zed> gives the core the mention (user key and name) and the text', async () => {
    core.script = () => [{ text: 'ok', ephemeral: true }];
    await run('UANA', 'compat', '<@U0ZED|zed>');
    const event = core.events[0] as CommandEvent;
    expect(event.command).toBe('compat');
    expect(event.mentions).toEqual([{ userKey: `slack:${TEST_TEAM}:U0ZED`, displayName: 'zed' }]);
    expect(event.text).toBe('<@U0ZED|zed>');
  });

  it('/recommend help and /movierec alone show Slack help (not the film The Help)', async () => {
    const help = async (slash: string, text: string) => {
      const from = rig.fake.shown.length;
      const body = commandFrom(rig.fake, { user: 'UANA', name: 'x', text: '' }).replace(
        /command=%2Fmovierec&text=x/,
        `command=${encodeURIComponent(slash)}&text=${encodeURIComponent(text)}`,
      );
      await rig.fake.deliver(rig.eventsUrl, body, FORM, sign);
      await rig.adapter.idle();
      return rig.fake.shown
        .slice(from)
        .map((m) => ({ onlyFor: m.onlyFor, blocks: JSON.stringify(m.blocks) }));
    };
    for (const [slash, text] of [
      ['/recommend', 'help'],
      ['/movierec', ''],
      ['/movierec', 'help'],
    ] as const) {
      const [shown, ...rest] = await help(slash, text);
      expect(rest).toEqual([]);
      expect(shown!.onlyFor).toBe('UANA');
      expect(shown!.blocks).toContain('/movierec profile');
      expect(shown!.blocks).toContain('/movierec help');
      expect(shown!.blocks).toContain('Copy link to file');
      expect(shown!.blocks).not.toMatch(/path in the console|attached ratings/);
    }
    expect(core.events).toEqual([]);
  });

  it("/stats uploads its chart to the admin's DM (getUploadURLExternal → upload → completeUploadExternal)", async () => {
    rig.fake.admins.add('UADMIN');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    core.script = () => [
      { text: 'Stats: 3 users', ephemeral: true, image: { name: 'stats.png', png, alt: 'Ratings per week' } },
    ];
    await run('UADMIN', 'stats', '');
    expect((core.events[0] as CommandEvent).actor.isAdmin).toBe(true);
    const methods = rig.fake.calls
      .map((c) => c.method)
      .filter((m) => /files|upload|conversations.open/.test(m));
    expect(methods).toEqual([
      'conversations.open',
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    expect(rig.fake.sharedFiles).toEqual([expect.objectContaining({ name: 'stats.png', channel: 'DADMIN' })]);
    expect(rig.fake.sharedFiles[0]!.bytes).toBeGreaterThanOrEqual(png.length);
  });

  it("a poll's closing time is a <!date> token each reader sees in local time", async () => {
    core.script = () => [
      { text: 'Voting closes in 10 minutes (19:45 UTC).', data: { closesAt: '2026-12-03T19:45:00.000Z' } },
    ];
    await run('UANA', 'movienight', 'here');
    const json = JSON.stringify(rig.fake.callsOf('chat.postMessage')[0]!.body.blocks);
    expect(json).toContain('(<!date^1796327100^{date_short_pretty} {time}|19:45 UTC>)');
  });
});

describe('Slack request checks bolt leaves out', () => {
  let core: FakeCore;
  let rig: SlackTestRig;
  let nowMs: number;

  beforeEach(async () => {
    core = new FakeCore();
    core.script = () => [{ text: 'ok', ephemeral: true } satisfies Reply];
    nowMs = Date.now();
    rig = await startSlackRig(core, { nowMs: () => nowMs });
  });
  afterEach(async () => {
    await rig.close();
  });

  const signedAt = (seconds: number, team = TEST_TEAM) =>
    rig.fake.deliver(
      rig.eventsUrl,
      commandFrom(rig.fake, { user: 'UANA', name: 'profile', text: '', team }),
      FORM,
      {
        ...sign,
        timestamp: seconds,
      },
    );

  it('refuses a signed timestamp more than 5 minutes away in either direction', async () => {
    const now = Math.floor(nowMs / 1000);
    expect((await signedAt(now + 6 * 60)).status).toBe(401);
    expect((await signedAt(now - 6 * 60)).status).toBe(401);
    expect((await signedAt(now + 4 * 60)).status).toBe(200);
    expect((await signedAt(now - 4 * 60)).status).toBe(200);
    await rig.adapter.idle();
    expect(core.events).toHaveLength(2);
  });

  it("refuses a correctly signed request for another workspace than the bot token's", async () => {
    const now = Math.floor(nowMs / 1000);
    expect((await signedAt(now, 'T0ELSEWHERE')).status).toBe(401);
    const action = blockActionBody({
      team: 'T0ELSEWHERE',
      user: 'UANA',
      channel: TEST_CHANNEL,
      messageTs: '1.000001',
      ephemeral: false,
      actionId: 'mr:seen:1',
      responseUrl: rig.fake.responseUrl('r-x', { user: 'UANA', channel: TEST_CHANNEL }),
    });
    expect((await rig.fake.deliver(rig.eventsUrl, action, FORM, { ...sign, timestamp: now })).status).toBe(
      401,
    );
    const event = eventBody({ team: 'T0ELSEWHERE', eventId: 'Ev0X', event: { type: 'app_uninstalled' } });
    expect(
      (await rig.fake.deliver(rig.eventsUrl, event, 'application/json', { ...sign, timestamp: now })).status,
    ).toBe(401);
    expect((await signedAt(now)).status).toBe(200);
    await rig.adapter.idle();
    expect(core.events).toHaveLength(1);
    expect(core.purged).toEqual([]);
  });
});
