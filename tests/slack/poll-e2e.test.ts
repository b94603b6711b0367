import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marks, polls, pollVotes, users } from '../../src/db/schema.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';
import type { ShownMessage } from './fake-slack.ts';
import {
  commandFrom,
  type SlackTestRig,
  shownText,
  startSlackRig,
  TEST_CHANNEL,
  TEST_SIGNING_SECRET,
  TEST_TEAM,
} from './harness.ts';
import { blockActionBody, randomId } from './signed-request.ts';

/** Creating a test database and training the fixture model takes minutes on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = 60_000;
const FORM = 'application/x-www-form-urlencoded';
const sign = { secret: TEST_SIGNING_SECRET };
/** Someone in the channel who is not in the movie night. */
const OUTSIDER = 'UZED';

type Json = Record<string, unknown>;

/** Every action_id in a message's blocks. */
function actionIds(message: ShownMessage): string[] {
  return (message.blocks as Json[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements as Json[]).map((e) => String(e.action_id)));
}

/** Everything a person reads in a message. */
const words = shownText;

/**
 * Slack movie-night polls end to end: the real bolt receiver with signed requests, the strict fake
 * Slack Web API (which keeps what each person sees), and the real core on each database kind. Members
 * vote with the poll's buttons; the poll message is edited in place with the tally; an outsider is
 * answered privately and changes nothing; closing shows the winner and leaves no live buttons.
 */
describe.each(DB_KINDS)('Slack movie-night polls with the real core (%s)', (kind) => {
  let t: TestCore;
  let rig: SlackTestRig;

  beforeAll(async () => {
    t = await createTestCore(kind);
    rig = await startSlackRig(t.core);
    rig.fake.join(TEST_CHANNEL, OUTSIDER);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await rig?.close();
    await t?.close();
  });

  /** Calls Slack refused since call `from` (the adapter must send only what Slack accepts). */
  const refusedSince = (from: number) =>
    rig.fake.calls
      .slice(from)
      .filter((c) => c.status !== 200 || c.result.ok === false)
      .map((c) => `${c.method}: ${JSON.stringify(c.result)}`);

  async function run(user: string, name: string, text: string) {
    const from = rig.fake.calls.length;
    const res = await rig.fake.deliver(
      rig.eventsUrl,
      commandFrom(rig.fake, { user, name, text }),
      FORM,
      sign,
    );
    expect(res.status).toBe(200);
    await rig.adapter.idle();
    expect(refusedSince(from)).toEqual([]);
    expect(rig.fake.unexpected).toEqual([]);
  }

  /** `user` presses button `actionId` on the public message `ts`, as Slack sends it. */
  async function press(user: string, ts: string, actionId: string) {
    rig.fake.join(TEST_CHANNEL, user);
    const from = rig.fake.calls.length;
    const source = rig.fake.message(TEST_CHANNEL, ts);
    const body = blockActionBody({
      team: TEST_TEAM,
      user,
      channel: TEST_CHANNEL,
      messageTs: ts,
      ephemeral: false,
      actionId,
      responseUrl: rig.fake.responseUrl(randomId('R'), {
        user,
        channel: TEST_CHANNEL,
        ...(source ? { source } : {}),
      }),
    });
    expect((await rig.fake.deliver(rig.eventsUrl, body, FORM, sign)).status).toBe(200);
    await rig.adapter.idle();
    expect(refusedSince(from)).toEqual([]);
    return rig.fake.calls.slice(from);
  }

  /** Starts a poll for `members` (the first one asks) and returns its message. */
  async function startPoll(members: string[]): Promise<ShownMessage> {
    for (const m of members) await run(m, 'rate', 'Heat 4');
    const mentions = members
      .slice(1)
      .map((m) => `<@${m}|${m.slice(1).toLowerCase()}>`)
      .join(' ');
    const from = rig.fake.shown.length;
    await run(members[0]!, 'movienight', mentions);
    const poll = rig.fake.shown
      .slice(from)
      .find((m) => m.onlyFor === undefined && actionIds(m).some((id) => id.startsWith('mr:vote:')));
    if (!poll) throw new Error(`no poll posted: ${rig.fake.shown.slice(from).map(words).join(' | ')}`);
    return poll;
  }

  const userId = async (slackUser: string) => {
    const [row] = await t.db.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.externalId, `slack:${TEST_TEAM}:${slackUser}`));
    return row?.id;
  };
  const seenMarks = async (slackUser: string, movieId: number) => {
    const id = await userId(slackUser);
    if (id === undefined) return [];
    return t.db.db
      .select()
      .from(marks)
      .where(and(eq(marks.userId, id), eq(marks.movieId, movieId), eq(marks.kind, 'seen')));
  };

  it(
    'members vote, the poll is edited in place with the tally, an outsider is told privately and not counted',
    async () => {
      const poll = await startPoll(['UANA', 'UBEN', 'UCY']);
      const opened = words(poll);
      expect(opened).toMatch(/Movie night\* for .*ana.*ben.*cy/i);
      // Each pick shows the group's prediction, not anyone's own, and a poll asks for votes, not ratings.
      expect(opened).toMatch(/Group prediction: /);
      expect(opened).not.toMatch(/Predicted for you|Your rating/);
      const votes = actionIds(poll).filter((id) => id.startsWith('mr:vote:'));
      expect(votes.length).toBeGreaterThanOrEqual(2);
      expect(actionIds(poll).filter((id) => !id.startsWith('mr:vote:'))).toEqual([]);
      // The closing time is a <!date^…> token, so each reader sees it in their own time zone.
      expect(JSON.stringify(poll.blocks)).toMatch(
        /<!date\^\d+\^\{date_short_pretty\} \{time\}\|\d\d:\d\d UTC>/,
      );
      expect(opened).toContain('/movierec vote <number>');

      // The outsider's vote: a private answer to them alone, the poll message untouched.
      const before = JSON.stringify(poll.blocks);
      const zedSaw = rig.fake.visibleTo(OUTSIDER).length;
      const outsider = await press(OUTSIDER, poll.ts!, votes[0]!);
      expect(outsider.filter((c) => c.method === 'chat.update')).toEqual([]);
      expect(JSON.stringify(rig.fake.message(TEST_CHANNEL, poll.ts!)!.blocks)).toBe(before);
      const toZed = rig.fake.visibleTo(OUTSIDER).slice(zedSaw);
      expect(toZed).toHaveLength(1);
      expect(toZed[0]!.onlyFor).toBe(OUTSIDER);
      expect(words(toZed[0]!)).toMatch(/only they vote/);
      expect(words(toZed[0]!)).toContain('/movierec movienight');
      for (const member of ['UANA', 'UBEN', 'UCY'])
        expect(rig.fake.visibleTo(member).filter((m) => m.onlyFor === OUTSIDER)).toEqual([]);

      // Ana votes: she is told privately, and everyone sees the tally on the poll itself (chat.update).
      const anaSaw = rig.fake.visibleTo('UANA').length;
      const afterAna = await press('UANA', poll.ts!, votes[0]!);
      const [update] = afterAna.filter((c) => c.method === 'chat.update');
      expect(update!.body).toMatchObject({ channel: TEST_CHANNEL, ts: poll.ts });
      expect(afterAna.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
      const tallied = rig.fake.message(TEST_CHANNEL, poll.ts!)!;
      expect(words(tallied)).toMatch(/Votes: 1 of 3/);
      expect(actionIds(tallied)).toEqual(actionIds(poll));
      const toAna = rig.fake.visibleTo('UANA').slice(anaSaw);
      expect(toAna.map((m) => [m.onlyFor, words(m)])).toEqual([
        ['UANA', expect.stringMatching(/1 of 3 have voted/)],
      ]);
      expect(rig.fake.visibleTo('UBEN').filter((m) => m.onlyFor === 'UANA')).toEqual([]);

      await press('UBEN', poll.ts!, votes[1]!);
      const twoOfThree = words(rig.fake.message(TEST_CHANNEL, poll.ts!)!);
      expect(twoOfThree).toMatch(/Votes: 2 of 3/);
      // The outsider's press was never counted: 2 of 3 after two members, not 3.
      expect(twoOfThree).not.toMatch(/3 of 3/);
      const [stored] = await t.db.db
        .select()
        .from(polls)
        .where(eq(polls.messageKey, `slack:${TEST_CHANNEL}:${poll.ts}`));
      const voters = await t.db.db.select().from(pollVotes).where(eq(pollVotes.pollId, stored!.id));
      expect(voters).toHaveLength(2);
      expect(voters.map((v) => v.userId)).not.toContain(await userId(OUTSIDER));

      // Cy's vote is the last: the poll closes, its message shows the winner and keeps no live buttons.
      const afterCy = await press('UCY', poll.ts!, votes[0]!);
      const closed = rig.fake.message(TEST_CHANNEL, poll.ts!)!;
      expect(words(closed)).toMatch(/Voting has closed: \*.+\* won/);
      expect(words(closed)).toMatch(/Votes: 3 of 3/);
      expect(actionIds(closed)).toEqual([]);
      const announced = afterCy.filter((c) => c.method === 'chat.postMessage');
      expect(announced).toHaveLength(1);
      expect(JSON.stringify(announced[0]!.body.blocks)).toMatch(/Everyone has voted/);
      const [winner] = await t.db.db
        .select({ winner: polls.winner })
        .from(polls)
        .where(eq(polls.id, stored!.id));
      // The voters have the winner marked seen; the outsider does not.
      for (const member of ['UANA', 'UBEN', 'UCY'])
        expect(await seenMarks(member, winner!.winner!)).toHaveLength(1);
      expect(await seenMarks(OUTSIDER, winner!.winner!)).toEqual([]);

      // A press on the closed poll's old buttons (a stale client) gets a private "closed" answer.
      const late = await press('UANA', poll.ts!, votes[1]!);
      expect(late.filter((c) => c.method === 'chat.update' || c.method === 'chat.postMessage')).toEqual([]);
      expect(words(rig.fake.visibleTo('UANA').at(-1)!)).toMatch(/poll has closed/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '/movierec movienight close edits the poll to its closed state: winner shown, no buttons',
    async () => {
      const poll = await startPoll(['UDEE', 'UEVE']);
      const [vote1] = actionIds(poll);
      await press('UDEE', poll.ts!, vote1!);
      expect(words(rig.fake.message(TEST_CHANNEL, poll.ts!)!)).toMatch(/Votes: 1 of 2/);
      const from = rig.fake.calls.length;
      await run('UEVE', 'movienight', 'close');
      const calls = rig.fake.calls.slice(from);
      expect(calls.filter((c) => c.method === 'chat.update').map((c) => c.body.ts)).toEqual([poll.ts]);
      const closed = rig.fake.message(TEST_CHANNEL, poll.ts!)!;
      expect(words(closed)).toMatch(/Voting has closed: \*.+\* won/);
      expect(actionIds(closed)).toEqual([]);
      // The winner is announced in the channel, for everyone (an outsider too) to see.
      const announcement = rig.fake.visibleTo(OUTSIDER).filter((m) => /Voting closed!/.test(words(m)));
      expect(announcement).toHaveLength(1);
      expect(announcement[0]!.onlyFor).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );
});
