import { describe, expect, it } from 'vitest';
import { prepareDataset } from '../../src/recommend/prepare.ts';
import { trainRecommender } from '../../src/recommend/train.ts';
import { syntheticDataset, userState } from './fixtures.ts';

describe('bad input', () => {
  const base = syntheticDataset({ items: 30, users: 10 });

  it('drops NaN, out-of-range and unknown-item ratings, and keeps the latest of duplicates', () => {
    const data = prepareDataset({
      items: base.items,
      ratings: [
        { user: 1, item: 1000, rating: Number.NaN, timestamp: 1 },
        { user: 1, item: 1000, rating: 7, timestamp: 1 },
        { user: 1, item: 99_999, rating: 4, timestamp: 1 },
        { user: 1, item: 1001, rating: 2, timestamp: 5 },
        { user: 1, item: 1001, rating: 4, timestamp: 9 },
        { user: 1, item: 1001, rating: 3, timestamp: 7 },
      ],
    });
    expect(data.dropped).toEqual({ invalid: 2, duplicate: 2, unknownItem: 1 });
    expect(Array.from(data.userRatings)).toEqual([4]);
  });

  it('never produces NaN scores or predictions from NaN ratings in training or in a request', () => {
    const rec = trainRecommender({
      items: base.items,
      ratings: [...base.ratings, { user: 2, item: 1003, rating: Number.NaN, timestamp: Number.NaN }],
    });
    const user = userState({
      ratings: [
        { item: 1000, rating: Number.NaN, timestamp: 1 },
        { item: 1001, rating: 4, timestamp: Number.NaN },
        { item: 77_777, rating: 5, timestamp: 2 },
      ],
    });
    const list = rec.recommend(user, { n: 10 });
    expect(list).toHaveLength(10);
    for (const r of list) {
      expect(Number.isFinite(r.score)).toBe(true);
      expect(r.predictedRating === null || Number.isFinite(r.predictedRating)).toBe(true);
    }
    expect(rec.predict(user, 77_777)).toBeNull();
    expect(rec.recommend(user, { n: Number.NaN })).toEqual([]);
  });

  it('tolerates duplicate movie ids in the catalog', () => {
    const rec = trainRecommender({ items: [...base.items, base.items[0]!], ratings: base.ratings });
    const ids = rec.recommend(userState(), { n: 30 }).map((r) => r.item);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
