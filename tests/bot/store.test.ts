import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies } from '../../src/db/schema.ts';
import {
  addMark,
  addRatingReaction,
  claimEvent,
  createSession,
  eventKey,
  forgetUser,
  getOrCreateUser,
  getRating,
  getSession,
  inTransaction,
  latestSession,
  listMarks,
  listUserRatings,
  listUserRatingValues,
  parseUserKey,
  pruneExpired,
  purgeTenant,
  removeMark,
  removeRatingReaction,
  saveCard,
  tenantKey,
  upsertRating,
} from '../../src/db/store/index.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { countUserRows } from './user-rows.ts';

describe('parseUserKey', () => {
  it('reads platform and tenant from namespaced keys', () => {
    expect(parseUserKey('discord:123:456')).toEqual({ platform: 'discord', tenant: '123' });
    expect(parseUserKey('discord:dm:456')).toEqual({ platform: 'discord', tenant: 'dm' });
    expect(parseUserKey('slack:T1:U2')).toEqual({ platform: 'slack', tenant: 'T1' });
    expect(parseUserKey('console:ana')).toEqual({ platform: 'console', tenant: 'local' });
  });
  it('rejects malformed keys', () => {
    for (const bad of ['ana', 'irc:x:y', 'discord:1', 'slack::U', `console:${'x'.repeat(300)}`]) {
      expect(() => parseUserKey(bad)).toThrow();
    }
  });
});

describe.each(DB_KINDS)('repositories on %s', (kind) => {
  let t: TestDatabase;
  let movieIds: number[];
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const rows = await t.db
      .insert(movies)
      .values(['A', 'B', 'C'].map((title) => ({ title, source: 'manual' as const })))
      .returning({ id: movies.id });
    movieIds = rows.map((r) => r.id);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('reads rating values as the rated rows say, in the same order, times at millisecond precision', async () => {
    const u = await getOrCreateUser(t.db, 'console:values');
    expect(await listUserRatingValues(t.db, u.id)).toEqual([]);
    await upsertRating(t.db, u.id, movieIds[0]!, 4.5, 'command');
    await upsertRating(t.db, u.id, movieIds[1]!, 0.5, 'import');
    // Same time for two ratings (as MovieLens imports have): the movie id breaks the tie.
    await t.db.execute(
      sql`update ratings set updated_at = '2001-02-03 04:05:06.789999+00' where user_id = ${u.id}`,
    );
    await upsertRating(t.db, u.id, movieIds[2]!, 3, 'button');
    const rows = await listUserRatings(t.db, u.id);
    expect(await listUserRatingValues(t.db, u.id)).toEqual(
      rows.map((r) => ({ item: r.movieId, rating: r.rating, timestamp: r.updatedAt.getTime() / 1000 })),
    );
    expect(rows.map((r) => r.movieId)).toEqual([movieIds[2], movieIds[1], movieIds[0]]);
    expect(rows[1]!.updatedAt.getTime() % 1000).toBe(789);
  });

  it('creates a user once, even concurrently', async () => {
    const got = await Promise.all(
      Array.from({ length: 5 }, () => getOrCreateUser(t.db, 'slack:T9:U1', 'Una')),
    );
    expect(new Set(got.map((u) => u.id)).size).toBe(1);
    expect(got[0]).toMatchObject({ platform: 'slack', tenant: 'T9', displayName: 'Una' });
  });

  it('upserts ratings idempotently and reports the previous one', async () => {
    const u = await getOrCreateUser(t.db, 'console:rater');
    expect(await upsertRating(t.db, u.id, movieIds[0]!, 4, 'command')).toEqual({ previous: null });
    expect(await upsertRating(t.db, u.id, movieIds[0]!, 4, 'command')).toEqual({ previous: 4 });
    expect(await upsertRating(t.db, u.id, movieIds[0]!, 2.5, 'button')).toEqual({ previous: 4 });
    const list = await listUserRatings(t.db, u.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ title: 'A', rating: 2.5, source: 'button' });
    await expect(upsertRating(t.db, u.id, movieIds[0]!, 5.5, 'command')).rejects.toMatchObject({
      code: 'bad-stars',
    });
    await expect(upsertRating(t.db, u.id, movieIds[0]!, 3.3, 'command')).rejects.toMatchObject({
      code: 'bad-stars',
    });
  });

  it('sets and clears marks', async () => {
    const u = await getOrCreateUser(t.db, 'console:marker');
    expect(await addMark(t.db, u.id, movieIds[1]!, 'watchlist')).toBe(true);
    expect(await addMark(t.db, u.id, movieIds[1]!, 'watchlist')).toBe(false);
    await addMark(t.db, u.id, movieIds[2]!, 'seen');
    expect((await listMarks(t.db, u.id, 'watchlist')).map((m) => m.movieId)).toEqual([movieIds[1]]);
    expect(await removeMark(t.db, u.id, movieIds[1]!, 'watchlist')).toBe(true);
    expect(await listMarks(t.db, u.id, 'watchlist')).toEqual([]);
    expect(await listMarks(t.db, u.id)).toHaveLength(1);
  });

  it('keeps sessions until they expire, per user', async () => {
    const u = await getOrCreateUser(t.db, 'console:sess');
    const other = await getOrCreateUser(t.db, 'console:other-sess');
    const s = await createSession(t.db, u.id, 'recommend', { ids: [1, 2], cursor: 0 }, 60_000);
    expect((await getSession(t.db, s.id, u.id))?.data).toEqual({ ids: [1, 2], cursor: 0 });
    expect(await getSession(t.db, s.id, other.id)).toBeUndefined();
    expect(await getSession(t.db, s.id, u.id, new Date(Date.now() + 120_000))).toBeUndefined();
    expect((await latestSession(t.db, u.id, 'recommend'))?.id).toBe(s.id);
  });

  it('claims a delivery once under concurrency', async () => {
    const wins = await Promise.all(
      Array.from({ length: 6 }, () => claimEvent(t.db, 'console:x|d1', 'console:local')),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('gives one rating for concurrent duplicate reaction deliveries, and restores on removal', async () => {
    const u = await getOrCreateUser(t.db, 'discord:G1:U1');
    const movieId = movieIds[1]!;
    await upsertRating(t.db, u.id, movieId, 2, 'command');
    const deliver = (deliveryId: string) =>
      inTransaction(t.db, async (tx) => {
        if (!(await claimEvent(tx, eventKey(u.externalId, deliveryId), 'discord:G1'))) return false;
        return (
          await addRatingReaction(tx, { userId: u.id, messageKey: 'm1', emoji: '5️⃣', movieId, stars: 5 })
        ).applied;
      });
    // Same delivery id twice and two distinct ids for the same reaction: only one applies.
    const applied = await Promise.all([deliver('r1'), deliver('r1'), deliver('r2'), deliver('r3')]);
    expect(applied.filter(Boolean)).toHaveLength(1);
    expect(await getRating(t.db, u.id, movieId)).toBe(5);
    const removed = await inTransaction(t.db, (tx) =>
      removeRatingReaction(tx, { userId: u.id, messageKey: 'm1', emoji: '5️⃣' }),
    );
    expect(removed).toMatchObject({ applied: true, rating: 2 });
    expect(await getRating(t.db, u.id, movieId)).toBe(2);
  });

  it('counts star reactions and removes a rating that did not exist before', async () => {
    const u = await getOrCreateUser(t.db, 'discord:G1:U2');
    const movieId = movieIds[2]!;
    const add = (emoji: string) =>
      inTransaction(t.db, (tx) =>
        addRatingReaction(tx, { userId: u.id, messageKey: 'm2', emoji, movieId, stars: 1 }),
      );
    const remove = (emoji: string) =>
      inTransaction(t.db, (tx) => removeRatingReaction(tx, { userId: u.id, messageKey: 'm2', emoji }));
    await add('⭐');
    await add('🌟');
    await add('✨');
    expect(await getRating(t.db, u.id, movieId)).toBe(3);
    await remove('🌟');
    expect(await getRating(t.db, u.id, movieId)).toBe(2);
    await remove('⭐');
    await remove('✨');
    expect(await getRating(t.db, u.id, movieId)).toBeNull();
  });

  it('leaves a rating changed by other means when a reaction is removed', async () => {
    const u = await getOrCreateUser(t.db, 'discord:G1:U3');
    const movieId = movieIds[0]!;
    await inTransaction(t.db, (tx) =>
      addRatingReaction(tx, { userId: u.id, messageKey: 'm3', emoji: '4️⃣', movieId, stars: 4 }),
    );
    await upsertRating(t.db, u.id, movieId, 1, 'command');
    await inTransaction(t.db, (tx) =>
      removeRatingReaction(tx, { userId: u.id, messageKey: 'm3', emoji: '4️⃣' }),
    );
    expect(await getRating(t.db, u.id, movieId)).toBe(1);
  });

  it('forgets one user completely and leaves others alone', async () => {
    const gone = await getOrCreateUser(t.db, 'console:gone');
    const kept = await getOrCreateUser(t.db, 'console:kept');
    for (const u of [gone, kept]) {
      await upsertRating(t.db, u.id, movieIds[0]!, 4, 'command');
      await addMark(t.db, u.id, movieIds[1]!, 'seen');
      const s = await createSession(t.db, u.id, 'recommend', {}, 60_000);
      await saveCard(t.db, { messageKey: `k-${u.id}`, tenant: 'console:local', movieIds, sessionId: s.id });
      await claimEvent(t.db, eventKey(u.externalId, 'e1'), 'console:local');
      await inTransaction(t.db, (tx) =>
        addRatingReaction(tx, {
          userId: u.id,
          messageKey: 'm4',
          emoji: '3️⃣',
          movieId: movieIds[2]!,
          stars: 3,
        }),
      );
    }
    const keptBefore = await countUserRows(t.db, kept.id, kept.externalId);
    expect(await forgetUser(t.db, gone.externalId)).toBe(true);
    expect(Object.values(await countUserRows(t.db, gone.id, gone.externalId)).every((n) => n === 0)).toBe(
      true,
    );
    expect(await countUserRows(t.db, kept.id, kept.externalId)).toEqual(keptBefore);
    expect(keptBefore.ratings).toBe(2);
    expect(await forgetUser(t.db, gone.externalId)).toBe(false);
  });

  it('prunes expired sessions and old delivery claims', async () => {
    const u = await getOrCreateUser(t.db, 'console:pruned');
    const live = await createSession(t.db, u.id, 'recommend', {}, 60 * 60_000);
    await createSession(t.db, u.id, 'confirm-forget', {}, 1_000);
    await claimEvent(t.db, eventKey(u.externalId, 'old'), 'console:local');
    const later = new Date(Date.now() + 2 * 24 * 60 * 60_000);
    const removed = await pruneExpired(t.db, new Date(Date.now() + 10_000));
    expect(removed.sessions).toBeGreaterThanOrEqual(1);
    expect(await getSession(t.db, live.id, u.id)).toBeDefined();
    expect(await claimEvent(t.db, eventKey(u.externalId, 'old'), 'console:local')).toBe(false);
    await pruneExpired(t.db, later);
    expect(await claimEvent(t.db, eventKey(u.externalId, 'old'), 'console:local')).toBe(true);
  });

  it('purges a tenant', async () => {
    await getOrCreateUser(t.db, 'slack:TP:U1');
    await getOrCreateUser(t.db, 'slack:TP:U2');
    await getOrCreateUser(t.db, 'discord:TP:U1');
    await saveCard(t.db, { messageKey: 'slack:C:1', tenant: tenantKey('slack', 'TP'), movieIds });
    expect(await purgeTenant(t.db, 'slack', 'TP')).toEqual({ users: 2 });
    const left = await t.db.execute(sql`select count(*)::int as n from users where tenant = 'TP'`);
    expect(rowsOf(left)[0]?.n).toBe(1);
    const cardsLeft = await t.db.execute(sql`select count(*)::int as n from cards where tenant = 'slack:TP'`);
    expect(rowsOf(cardsLeft)[0]?.n).toBe(0);
  });
});

function rowsOf(result: unknown): { n: number }[] {
  return (Array.isArray(result) ? result : (result as { rows: { n: number }[] }).rows) as { n: number }[];
}
