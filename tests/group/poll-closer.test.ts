import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import {
  closeDuePolls,
  type PollAnnouncement,
  type PollCloserDeps,
  pollChannel,
  startPollCloser,
} from '../../src/bot/poll-closer.ts';
import { openDatabase } from '../../src/db/client.ts';
import { marks, movies, polls, users } from '../../src/db/schema.ts';
import { castVote, createPoll } from '../../src/db/store/polls.ts';
import { quietLogger } from '../contract/fixture.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const T0 = new Date('2026-11-25T20:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe.each(DB_KINDS)('poll closer (%s)', (kind) => {
  let db: TestDatabase;
  let movieIds: number[];
  let userIds: number[];
  const logger = quietLogger();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    movieIds = (
      await db.db
        .insert(movies)
        .values(
          ['Alien', 'Heat', 'Clueless', 'Fargo'].map((title, i) => ({
            title,
            year: 1979 + i * 5,
            genres: ['Drama'],
            source: 'manual' as const,
          })),
        )
        .returning({ id: movies.id })
    ).map((r) => r.id);
    userIds = (
      await db.db
        .insert(users)
        .values(
          ['ana', 'ben', 'cy', 'dee'].map((u) => ({
            externalId: `discord:g1:${u}`,
            platform: 'discord' as const,
            tenant: 'g1',
          })),
        )
        .returning({ id: users.id })
    ).map((r) => r.id);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const deps = (now: Date, over: Partial<PollCloserDeps> = {}): PollCloserDeps => ({
    db: db.db,
    logger,
    catalog: createCatalogSource(db.db),
    platforms: ['discord', 'console'],
    now: () => now,
    ...over,
  });
  const newPoll = (closesAt: Date, channel = 'discord:g1:c1') =>
    createPoll(db.db, {
      tenant: `${channel.split(':')[0]}:${channel.split(':')[1]}`,
      channel,
      createdBy: userIds[0]!,
      memberIds: userIds,
      movieIds,
      strategy: 'average',
      closesAt,
    });
  const seenBy = async (movieId: number) =>
    (
      await db.db
        .select({ userId: marks.userId })
        .from(marks)
        .where(and(eq(marks.movieId, movieId), eq(marks.kind, 'seen')))
    )
      .map((r) => r.userId)
      .sort((a, b) => a - b);
  const clearMarks = () => db.db.delete(marks);

  it('closes a due poll once, announces the winner in its channel and marks it seen for the voters only', async () => {
    await clearMarks();
    const poll = await newPoll(minutes(10));
    await castVote(db.db, poll.id, userIds[0]!, movieIds[1]!);
    await castVote(db.db, poll.id, userIds[1]!, movieIds[1]!);
    await castVote(db.db, poll.id, userIds[2]!, movieIds[2]!);
    // Not yet due: nothing happens.
    expect(await closeDuePolls(deps(minutes(9)))).toEqual([]);
    const [announced, ...more] = await closeDuePolls(deps(minutes(10)));
    expect(more).toEqual([]);
    expect(announced!.pollId).toBe(poll.id);
    expect(announced!.channel).toEqual({ key: 'discord:g1:c1', platform: 'discord', tenant: 'g1' });
    const reply = announced!.reply;
    expect(reply.ephemeral).toBeUndefined();
    expect(reply.text).toMatch(/Time's up! Movie night is \*\*Heat \(1984\)\*\* with 2 votes of 3\./);
    expect(reply.text).toMatch(/Marked as seen for the 3 of you who voted/);
    expect(reply.cards?.map((c) => c.title)).toEqual(['Heat']);
    expect(reply.rateByReaction).toBe(true);
    const [row] = await db.db.select().from(polls).where(eq(polls.id, poll.id));
    expect(row).toMatchObject({ closed: true, winner: movieIds[1] });
    // dee was a member but did not vote: not marked.
    expect(await seenBy(movieIds[1]!)).toEqual(userIds.slice(0, 3).sort((a, b) => a - b));
    // Later passes find nothing to close or announce.
    expect(await closeDuePolls(deps(minutes(60)))).toEqual([]);
  });

  it('says how a tie was broken, and what happens when nobody voted', async () => {
    await clearMarks();
    const tied = await newPoll(minutes(1));
    await castVote(db.db, tied.id, userIds[0]!, movieIds[3]!);
    await castVote(db.db, tied.id, userIds[1]!, movieIds[2]!);
    const empty = await newPoll(minutes(2));
    const out = await closeDuePolls(deps(minutes(5)));
    expect(out.map((a) => a.pollId)).toEqual([tied.id, empty.id]);
    const [tieText, emptyText] = out.map((a) => a.reply.text);
    // The tie goes to the pick the group ranked higher (Clueless is pick 3, Fargo pick 4).
    expect(tieText).toMatch(
      /It's a tie between \*\*Clueless \(1989\)\*\* and \*\*Fargo \(1994\)\*\* \(1 vote each\); .* movie night is \*\*Clueless \(1989\)\*\*/,
    );
    expect(out[0]!.reply.data).toMatchObject({ winner: movieIds[2], tied: [movieIds[2], movieIds[3]] });
    expect(emptyText).toMatch(
      /Nobody voted, so the group's top pick wins: movie night is \*\*Alien \(1979\)\*\*/,
    );
    expect(emptyText).not.toMatch(/Marked as seen/);
    expect(out[1]!.reply.data).toMatchObject({ winner: movieIds[0], byDefault: true, voters: 0 });
    expect(await seenBy(movieIds[0]!)).toEqual([]);
  });

  it('leaves polls of platforms it cannot announce on to the process that can', async () => {
    const slackPoll = await newPoll(minutes(1), 'slack:T1:C1');
    expect(await closeDuePolls(deps(minutes(5)))).toEqual([]);
    const [a] = await closeDuePolls(deps(minutes(5), { platforms: ['slack'] }));
    expect(a!.pollId).toBe(slackPoll.id);
    expect(a!.channel).toEqual({ key: 'slack:T1:C1', platform: 'slack', tenant: 'T1' });
    expect(pollChannel({ channel: 'console:local:ana', tenant: 'console:local' })).toEqual({
      key: 'console:local:ana',
      platform: 'console',
      tenant: 'local',
    });
  });

  it('two closers racing (a second process on the server) close and announce each poll once', async () => {
    await clearMarks();
    const due = await Promise.all(Array.from({ length: 6 }, (_, i) => newPoll(minutes(i))));
    for (const p of due) await castVote(db.db, p.id, userIds[3]!, movieIds[0]!);
    // On the server the second closer is a separate connection pool, as another bot process would have.
    const other = db.url ? await openDatabase({ url: db.url, maxConnections: 3 }) : undefined;
    try {
      const [a, b] = await Promise.all([
        closeDuePolls(deps(minutes(30))),
        closeDuePolls(deps(minutes(30), other ? { db: other.db } : {})),
      ]);
      const ids = [...a, ...b].map((x) => x.pollId).sort();
      expect(ids).toEqual(due.map((p) => p.id).sort());
      // Each poll's voter was marked once (one row per user and movie), and every poll is closed.
      expect(await seenBy(movieIds[0]!)).toEqual([userIds[3]]);
      const rows = await db.db
        .select({ closed: polls.closed })
        .from(polls)
        .where(
          inArray(
            polls.id,
            due.map((p) => p.id),
          ),
        );
      expect(rows.every((r) => r.closed)).toBe(true);
    } finally {
      await other?.close();
    }
  });

  it('finds due polls through the partial index', async () => {
    // Tiny tables favour a sequential scan; forbid it to see whether the index can serve the query.
    const plan = await db.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return tx.execute(
        sql`explain select * from polls where closed = false and closes_at <= now() order by closes_at limit 50`,
      );
    });
    const rows = (Array.isArray(plan) ? plan : (plan as { rows: unknown[] }).rows) as Record<
      string,
      string
    >[];
    expect(rows.map((r) => Object.values(r)[0]).join('\n')).toContain('polls_open_closes_at_idx');
  });

  it('the timer closes polls due at start-up, then the next one at its closing time, and stops cleanly', async () => {
    await clearMarks();
    await db.db.update(polls).set({ closed: true });
    const overdue = await newPoll(minutes(-5));
    const soon = await newPoll(minutes(1));
    // A clock that runs: T0 + 1 minute comes 150 ms (real time) after start.
    const start = Date.now();
    const clock = () => new Date(T0.getTime() + 60_000 - 150 + (Date.now() - start));
    const posted: PollAnnouncement[] = [];
    let resolveSecond!: () => void;
    const second = new Promise<void>((r) => {
      resolveSecond = r;
    });
    const closer = startPollCloser({
      ...deps(T0),
      now: clock,
      // Long enough that only the precise timer can close `soon` within this test.
      intervalMs: 10 * 60_000,
      post: async (a) => {
        posted.push(a);
        if (posted.length === 2) resolveSecond();
        return true;
      },
    });
    try {
      await second;
      expect(posted.map((a) => a.pollId)).toEqual([overdue.id, soon.id]);
      await closer.runOnce(); // joins the pass that posted the second result
      expect(await closer.runOnce()).toBe(0);
      expect(posted).toHaveLength(2);
    } finally {
      await closer.stop();
    }
    expect(await closer.runOnce()).toBe(0);
  });
});
