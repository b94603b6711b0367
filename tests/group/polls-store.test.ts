import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies } from '../../src/db/schema.ts';
import { inTransaction } from '../../src/db/store/executor.ts';
import {
  castVote,
  closePoll,
  createPoll,
  getPoll,
  latestOpenPoll,
  listVotes,
  recentRaters,
} from '../../src/db/store/polls.ts';
import { upsertRating } from '../../src/db/store/ratings.ts';
import { createTestDatabase, DB_KINDS, insertUsers, type TestDatabase } from '../helpers/db.ts';

describe.each(DB_KINDS)('poll store (%s)', (kind) => {
  let db: TestDatabase;
  let userIds: number[];
  let movieIds: number[];
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    movieIds = (
      await db.db
        .insert(movies)
        .values(['A', 'B', 'C'].map((title) => ({ title, source: 'manual' as const })))
        .returning({ id: movies.id })
    ).map((r) => r.id);
    userIds = await insertUsers(db.db, 'slack', 'T1', ['a', 'b', 'c']);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const newPoll = () =>
    createPoll(db.db, {
      tenant: 'slack:T1',
      channel: 'slack:T1:C1',
      createdBy: userIds[0]!,
      memberIds: userIds,
      movieIds,
      strategy: 'average',
      closesAt: new Date(Date.now() + 60_000),
    });

  it('keeps one vote per user, replacing it on a second vote, and finds polls only in their tenant', async () => {
    const poll = await newPoll();
    expect(await getPoll(db.db, poll.id, 'slack:T2')).toBeUndefined();
    expect((await getPoll(db.db, poll.id, 'slack:T1'))?.movieIds).toEqual(movieIds);
    expect(await castVote(db.db, poll.id, userIds[0]!, movieIds[0]!)).toEqual({
      closed: false,
      previous: null,
    });
    expect(await castVote(db.db, poll.id, userIds[0]!, movieIds[1]!)).toEqual({
      closed: false,
      previous: movieIds[0],
    });
    expect(await listVotes(db.db, poll.id)).toEqual([{ userId: userIds[0], movieId: movieIds[1] }]);
    expect((await latestOpenPoll(db.db, 'slack:T1', 'slack:T1:other', userIds[2]!))?.id).toBe(poll.id);
    expect(await latestOpenPoll(db.db, 'slack:T2', 'slack:T1:C1', userIds[2]!)).toBeUndefined();
  });

  it('closes once under concurrent closers, and takes no votes afterwards', async () => {
    const poll = await newPoll();
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        closePoll(db.db, poll.id, movieIds[i % 3]!, { announcedAt: new Date() }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const vote = await inTransaction(db.db, (tx) => castVote(tx, poll.id, userIds[1]!, movieIds[0]!));
    expect(vote.closed).toBe(true);
    expect(await listVotes(db.db, poll.id)).toEqual([]);
    expect(await latestOpenPoll(db.db, 'slack:T1', 'slack:T1:C1', userIds[0]!)).not.toMatchObject({
      id: poll.id,
    });
  });

  it('lists recent raters of one tenant, newest first', async () => {
    await upsertRating(db.db, userIds[1]!, movieIds[0]!, 4, 'command');
    await upsertRating(db.db, userIds[2]!, movieIds[0]!, 3, 'command');
    const keys = await recentRaters(db.db, 'slack', 'T1', new Date(Date.now() - 60_000), 10);
    expect(keys).toEqual(['slack:T1:c', 'slack:T1:b']);
    expect(await recentRaters(db.db, 'slack', 'T2', new Date(0), 10)).toEqual([]);
    expect(await recentRaters(db.db, 'slack', 'T1', new Date(Date.now() + 60_000), 10)).toEqual([]);
  });
});
