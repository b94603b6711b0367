import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onlyComponent } from '../../src/recommend/hybrid-config.ts';
import { COMPONENTS } from '../../src/recommend/hybrid-state.ts';
import { trainRecommender } from '../../src/recommend/train.ts';
import type { Dataset, Recommendation, Recommender } from '../../src/recommend/types.ts';
import { syntheticDataset, userState } from './fixtures.ts';

const FIXED_TIME = new Date('2026-01-01T00:00:00Z');
const SMALL_EASE = { ease: { maxItems: 200, minRatings: 2 } };

/** Every model: each component ranking alone, and the production hybrid. */
const MODELS: [string, (d: Dataset) => Recommender][] = [
  ...COMPONENTS.map(
    (c) =>
      [
        c,
        (d: Dataset) =>
          trainRecommender(d, { config: { ...onlyComponent(c), ...SMALL_EASE }, trainedAt: FIXED_TIME }),
      ] as [string, (d: Dataset) => Recommender],
  ),
  ['hybrid', (d: Dataset) => trainRecommender(d, { config: SMALL_EASE, trainedAt: FIXED_TIME })],
  [
    'ease (sparse rows)',
    (d: Dataset) =>
      trainRecommender(d, {
        config: { ...onlyComponent('ease'), ease: { maxItems: 200, minRatings: 2, keepPerRow: 10 } },
        trainedAt: FIXED_TIME,
      }),
  ],
];

function expectWellFormed(list: Recommendation[], n: number): void {
  expect(list.length).toBeLessThanOrEqual(n);
  expect(new Set(list.map((r) => r.item)).size).toBe(list.length);
  for (const r of list) {
    expect(Number.isFinite(r.score)).toBe(true);
    if (r.predictedRating !== null) {
      expect(r.predictedRating).toBeGreaterThanOrEqual(0.5);
      expect(r.predictedRating).toBeLessThanOrEqual(5);
    }
    expect(r.reason.kind).toBeTruthy();
  }
}

describe.each(MODELS)('recommender contract: %s', (_name, train) => {
  const dataset = syntheticDataset();
  const rec = train(dataset);
  const history = dataset.ratings.filter((r) => r.user === 3);
  const user = userState({
    ratings: history.map((r) => ({ item: r.item, rating: r.rating, timestamp: r.timestamp })),
    seen: [1001, 1002],
    notInterested: [1003, 1004],
    watchlist: [1005],
  });

  it('is deterministic across calls and across trainings', () => {
    const a = rec.recommend(user, { n: 10 });
    expect(rec.recommend(user, { n: 10 })).toEqual(a);
    expect(train(dataset).recommend(user, { n: 10 })).toEqual(a);
  });

  it('never recommends rated, seen or not-interested movies, and returns at most n', () => {
    const list = rec.recommend(user, { n: 15 });
    expectWellFormed(list, 15);
    const banned = new Set([...history.map((r) => r.item), ...user.seen, ...user.notInterested]);
    for (const r of list) expect(banned.has(r.item)).toBe(false);
    expect(list.length).toBe(15);
    expect(rec.recommend(user, { n: 0 })).toEqual([]);
  });

  it('keeps watchlisted movies out on request', () => {
    const list = rec.recommend(user, { n: 200, watchlist: 'exclude' });
    expect(list.map((r) => r.item)).not.toContain(1005);
  });

  it('honours the filter as a hard constraint', () => {
    const list = rec.recommend(user, { n: 10, filter: (m) => m.genres.includes('Horror') });
    expect(list.length).toBeGreaterThan(0);
    for (const r of list) expect(dataset.items.find((i) => i.id === r.item)!.genres).toContain('Horror');
    expect(rec.recommend(user, { n: 10, filter: () => false })).toEqual([]);
  });

  it('gives a user who rated everything an empty list, not a crash', () => {
    const all = userState({
      ratings: dataset.items.map((i, k) => ({ item: i.id, rating: 3, timestamp: k })),
    });
    expect(rec.recommend(all, { n: 10 })).toEqual([]);
  });

  it('answers a user-bound recommender as the separate calls, whatever was asked of it before', () => {
    const seeds = [...history].sort((a, b) => b.rating - a.rating).map((r) => r.item);
    // The top pick: steering towards it must not leak its exclusion into later lists.
    const other = rec.recommend(user, { n: 12, diversity: 0.2 })[0]!.item;
    const asks: [string, (bound: ReturnType<Recommender['forUser']>) => unknown, () => unknown][] = [
      [
        'steered',
        (b) => b.recommend({ n: 10, steer: { similarTo: [other], genres: ['Comedy'] } }),
        () => rec.recommend(user, { n: 10, steer: { similarTo: [other], genres: ['Comedy'] } }),
      ],
      [
        'plain',
        (b) => b.recommend({ n: 12, diversity: 0.2 }),
        () => rec.recommend(user, { n: 12, diversity: 0.2 }),
      ],
      ['similar rated', (b) => b.similar(seeds[0]!, { n: 8 }), () => rec.similar(seeds[0]!, { n: 8, user })],
      ['similar unrated', (b) => b.similar(other, { n: 8 }), () => rec.similar(other, { n: 8, user })],
      [
        'no watchlist',
        (b) => b.recommend({ n: 10, watchlist: 'exclude' }),
        () => rec.recommend(user, { n: 10, watchlist: 'exclude' }),
      ],
      ['predict', (b) => b.predict(other), () => rec.predict(user, other)],
    ];
    const expected = asks.map(([, , alone]) => alone());
    expect((expected[0] as Recommendation[]).map((r) => r.item)).not.toContain(other);
    for (const order of [asks.keys(), [...asks.keys()].reverse()]) {
      const bound = rec.forUser(user);
      for (const k of order) expect(asks[k]![1](bound), asks[k]![0]).toEqual(expected[k]);
    }
  });

  it('holds its invariants for any user history and options (property)', () => {
    const ids = dataset.items.map((i) => i.id);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            item: fc.constantFrom(...ids),
            rating: fc.integer({ min: 1, max: 10 }).map((x) => x / 2),
          }),
          {
            maxLength: 30,
          },
        ),
        fc.array(fc.constantFrom(...ids), { maxLength: 10 }),
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rated, hidden, n, diversity) => {
          const u = userState({
            ratings: rated.map((r, k) => ({ ...r, timestamp: k })),
            notInterested: hidden,
          });
          const list = rec.recommend(u, { n, diversity });
          expectWellFormed(list, n);
          const banned = new Set([...rated.map((r) => r.item), ...hidden]);
          for (const r of list) expect(banned.has(r.item)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe.each(MODELS)('recommender edge cases: %s', (_name, train) => {
  it('works on an empty dataset', () => {
    const rec = train({ items: [], ratings: [] });
    expect(rec.recommend(userState(), { n: 5 })).toEqual([]);
    expect(rec.similar(1, { n: 5 })).toEqual([]);
    expect(rec.predict(userState(), 1)).toBeNull();
  });

  it('works with one user and with items but no ratings', () => {
    const base = syntheticDataset({ items: 20, users: 1 });
    const rec = train(base);
    expectWellFormed(rec.recommend(userState(), { n: 5 }), 5);
    const noRatings = train({ items: base.items, ratings: [] });
    const list = noRatings.recommend(userState({ ratings: [{ item: 1000, rating: 5, timestamp: 1 }] }), {
      n: 5,
    });
    expectWellFormed(list, 5);
    expect(list.length).toBe(5);
  });
});
