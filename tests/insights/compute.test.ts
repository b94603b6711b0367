import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { movies, ratings, recommendationLog, users } from '../../src/db/schema.ts';
import { buildStatsReply, computeStats } from '../../src/insights/index.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { pngHeader } from './png-header.ts';
import { reference } from './reference-stats.ts';
import { logShown, seedCommunity } from './synthetic.ts';

describe.each(DB_KINDS)('computeStats on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.destroy();
  });
  beforeEach(async () => {
    await t.db.delete(recommendationLog);
    await t.db.delete(ratings);
    await t.db.delete(movies);
    await t.db.delete(users);
  });

  for (const seed of [1, 7, 42]) {
    for (const tenant of [null, 'guild-a']) {
      it(`matches a plain-JS recount of a random community (seed ${seed}, tenant ${tenant ?? 'all'})`, async () => {
        const c = await seedCommunity(t.db, seed);
        const ref = reference(c, tenant);
        const stats = await computeStats(t.db, { tenant });

        expect(stats.totals.ratings).toBe(ref.rs.length);
        expect(stats.totals.raters).toBe(new Set(ref.rs.map((r) => r.userId)).size);
        expect(stats.totals.catalogMovies).toBe(c.movies.length);
        expect(stats.totals.meanRating).toBeCloseTo(ref.mean, 9);
        expect(stats.ratingsPerDay).toEqual(ref.perDay);
        for (const { rating, count } of stats.ratingDistribution) {
          expect(count).toBe(ref.rs.filter((r) => r.rating === rating).length);
        }
        expect(stats.ratingDistribution.map((d) => d.rating)).toEqual([
          0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5,
        ]);

        expect(stats.mostRated.map((f) => [f.movieId, f.count])).toEqual(
          ref.mostRated.map((f) => [f.movieId, f.count]),
        );
        expect(stats.bestRated.map((f) => f.movieId)).toEqual(ref.bestRated.map((f) => f.movieId));
        for (const [i, f] of stats.bestRated.entries()) {
          expect(f.bayesian).toBeCloseTo(ref.bestRated[i]!.bayesian, 9);
        }

        expect(new Map(stats.genreMix.map((g) => [g.genre, g.ratings]))).toEqual(ref.genres);
        const shares = stats.genreMix.map((g) => g.ratings);
        expect(shares).toEqual([...shares].sort((a, b) => b - a));
        for (const g of stats.genreMix) expect(g.share).toBeCloseTo(g.ratings / ref.rs.length, 12);

        expect(stats.mostActiveRaters.map((r) => [r.userId, r.count])).toEqual(ref.raters);
        const named = stats.mostActiveRaters.map((r) => r.name);
        const expectedNames = ref.raters.map(([id]) => {
          const u = c.users.find((x) => x.id === id)!;
          return u.displayName ?? u.externalId;
        });
        expect(named).toEqual(expectedNames);
      });
    }
  }

  it('counts a recommendation as accepted only when that user rated it ≥ 4 after it was shown', async () => {
    const [ana, ben, cy] = await t.db
      .insert(users)
      .values(
        ['ana', 'ben', 'cy'].map((n) => ({
          externalId: `console:${n}`,
          platform: 'console' as const,
          tenant: n === 'cy' ? 'other' : 'local',
        })),
      )
      .returning();
    const ms = await t.db
      .insert(movies)
      .values(
        ['Loved', 'Meh', 'Never', 'Before', 'Twice', 'Other user'].map((title) => ({
          title,
          source: 'manual' as const,
        })),
      )
      .returning();
    const [loved, meh, never, before, twice, otherUser] = ms.map((m) => m.id) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const at = (d: number) => new Date(Date.UTC(2025, 5, d));
    for (const id of [loved, meh, never, before, twice, otherUser]) await logShown(t.db, ana!.id, id, at(10));
    await logShown(t.db, ana!.id, twice, at(12), 'popular');
    await logShown(t.db, cy!.id, loved, at(10), 'popular');
    await t.db.insert(ratings).values([
      {
        userId: ana!.id,
        movieId: loved,
        rating: 4.5,
        source: 'reaction',
        ratedAt: at(11),
        updatedAt: at(11),
      },
      { userId: ana!.id, movieId: meh, rating: 3, source: 'reaction', ratedAt: at(11), updatedAt: at(11) },
      { userId: ana!.id, movieId: before, rating: 5, source: 'command', ratedAt: at(1), updatedAt: at(1) },
      { userId: ana!.id, movieId: twice, rating: 4, source: 'button', ratedAt: at(13), updatedAt: at(13) },
      // someone else loving it does not make Ana's recommendation a hit
      {
        userId: ben!.id,
        movieId: otherUser,
        rating: 5,
        source: 'command',
        ratedAt: at(11),
        updatedAt: at(11),
      },
      { userId: cy!.id, movieId: loved, rating: 2, source: 'command', ratedAt: at(11), updatedAt: at(11) },
    ]);

    const all = await computeStats(t.db);
    expect(all.acceptance).toMatchObject({ recommended: 7, rated: 4, accepted: 2 });
    expect(all.acceptance.rate).toBeCloseTo(2 / 7, 12);
    // "twice" counts once, under the model that showed it first
    expect(all.acceptance.byModel).toEqual([
      { model: 'hybrid', recommended: 6, rated: 3, accepted: 2, rate: 2 / 6 },
      { model: 'popular', recommended: 1, rated: 1, accepted: 0, rate: 0 },
    ]);
    const local = await computeStats(t.db, { tenant: 'local' });
    expect(local.acceptance).toMatchObject({ recommended: 6, rated: 3, accepted: 2 });
  });

  it('reports an empty community without failing', async () => {
    const stats = await computeStats(t.db);
    expect(stats.totals).toMatchObject({ ratings: 0, raters: 0, meanRating: null, firstDay: null });
    expect(stats.ratingsPerDay).toEqual([]);
    expect(stats.acceptance.rate).toBeNull();
    expect(stats.ratingDistribution.every((d) => d.count === 0)).toBe(true);
  });

  it('builds the /stats reply for one tenant: markdown summary plus the chart PNG', async () => {
    const c = await seedCommunity(t.db, 3);
    const expected = c.ratings.filter(
      (r) => c.users.find((u) => u.id === r.userId)!.tenant === 'guild-b',
    ).length;
    const reply = await buildStatsReply(t.db, { tenant: 'guild-b' });
    expect(reply.text).toContain('**movierec insights** (guild-b)');
    expect(reply.text).toContain(`${expected} ratings`);
    expect(reply.image?.name).toMatch(/\.png$/);
    pngHeader(reply.image!.png);
    expect(reply.image!.alt).toContain(`${expected} ratings`);
  });
});
