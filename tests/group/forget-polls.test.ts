import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import { closeDuePolls } from '../../src/bot/poll-closer.ts';
import { movies, polls } from '../../src/db/schema.ts';
import { forgetUser } from '../../src/db/store/forget.ts';
import { castVote, createPoll } from '../../src/db/store/polls.ts';
import { quietLogger } from '../contract/fixture.ts';
import { createTestDatabase, DB_KINDS, insertUsers, type TestDatabase } from '../helpers/db.ts';

const T0 = new Date('2026-11-25T20:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe.each(DB_KINDS)('/forget-me and movie-night polls (%s)', (kind) => {
  let db: TestDatabase;
  let movieIds: number[];
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    movieIds = (
      await db.db
        .insert(movies)
        .values(['Alien', 'Heat'].map((title) => ({ title, source: 'manual' as const })))
        .returning({ id: movies.id })
    ).map((r) => r.id);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const pollOf = (createdBy: number, memberIds: number[], closesAt = minutes(30)) =>
    createPoll(db.db, {
      tenant: 'discord:g1',
      channel: 'discord:g1:c1',
      createdBy,
      memberIds,
      movieIds,
      strategy: 'average',
      closesAt,
    });
  const row = async (id: string) => (await db.db.select().from(polls).where(eq(polls.id, id)))[0]!;

  it("removes the user from other users' polls, and a poll everyone left has voted in closes", async () => {
    const [ana, ben, cy] = await insertUsers(db.db, 'discord', 'g1', ['ana1', 'ben1', 'cy1']);
    // "1 of 2 have voted": Ana voted, Ben has not and asks to be forgotten.
    const waiting = await pollOf(ana!, [ana!, ben!]);
    await castVote(db.db, waiting.id, ana!, movieIds[1]!);
    // Cy has not voted either: this one must keep waiting for Cy.
    const open = await pollOf(ana!, [ana!, ben!, cy!]);
    await castVote(db.db, open.id, ana!, movieIds[0]!);
    // A closed poll keeps no trace of Ben either.
    const closed = await pollOf(cy!, [cy!, ben!]);
    await db.db.update(polls).set({ closed: true }).where(eq(polls.id, closed.id));

    expect(await forgetUser(db.db, 'discord:g1:ben1', minutes(5))).toBe(true);

    expect((await row(waiting.id)).memberIds).toEqual([ana]);
    expect((await row(waiting.id)).closesAt).toEqual(minutes(5));
    expect((await row(open.id)).memberIds).toEqual([ana, cy]);
    expect((await row(open.id)).closesAt).toEqual(minutes(30));
    expect((await row(closed.id)).memberIds).toEqual([cy]);

    // The poll closer settles the completed poll now, not when its 30 minutes are up.
    const settled = await closeDuePolls({
      db: db.db,
      logger: quietLogger(),
      catalog: createCatalogSource(db.db),
      platforms: ['discord'],
      now: () => minutes(5),
    });
    expect(settled.map((a) => a.pollId)).toEqual([waiting.id]);
    expect(await row(waiting.id)).toMatchObject({ closed: true, winner: movieIds[1] });
    expect((await row(open.id)).closed).toBe(false);
  });
});
