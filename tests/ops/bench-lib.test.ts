import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, percentile, summarize } from '../../bench/stats.ts';
import { describeRatings, generateRatings, ML25M, shapeFor } from '../../bench/synthetic.ts';

describe('synthetic MovieLens-25M-shaped data', () => {
  const data = generateRatings(60_000, 11);

  it('is fully determined by the seed', () => {
    const again = generateRatings(60_000, 11);
    expect(Buffer.from(again.item.buffer).equals(Buffer.from(data.item.buffer))).toBe(true);
    expect(Buffer.from(again.halfStars.buffer).equals(Buffer.from(data.halfStars.buffer))).toBe(true);
    const other = generateRatings(60_000, 12);
    expect(Buffer.from(other.item.buffer).equals(Buffer.from(data.item.buffer))).toBe(false);
  });

  it('has the requested size and MovieLens shape', () => {
    // Big enough that the per-user cap (half the catalog) does not flatten the activity tail.
    const shape = describeRatings(generateRatings(300_000, 11));
    expect(shape.ratings).toBe(300_000);
    expect(shape.users).toBe(shapeFor(300_000).users);
    expect(shape.meanStars).toBeGreaterThan(3.3);
    expect(shape.meanStars).toBeLessThan(3.8);
    expect(shape.sdStars).toBeGreaterThan(0.8);
    expect(shape.halfStarShare).toBeGreaterThan(0.05);
    expect(shape.halfStarShare).toBeLessThan(0.4);
    // Power law: the top 1% of movies get several times their share of the ratings.
    expect(shape.top1pctItemsShare).toBeGreaterThan(0.05);
    // Heavy-tailed activity: the busiest user rates many times the median.
    expect(shape.maxUserRatings).toBeGreaterThan(5 * shape.medianUserRatings!);
  });

  it('gives every user at least 20 distinct movies, rated 0.5–5 in half stars, sorted by user', () => {
    const perUser = new Map<number, Set<number>>();
    let unsorted = 0;
    let duplicates = 0;
    let outOfRange = 0;
    for (let k = 0; k < data.user.length; k++) {
      if (k > 0 && data.user[k]! < data.user[k - 1]!) unsorted++;
      const s = perUser.get(data.user[k]!) ?? new Set();
      if (s.has(data.item[k]!)) duplicates++;
      s.add(data.item[k]!);
      perUser.set(data.user[k]!, s);
      if (data.halfStars[k]! < 1 || data.halfStars[k]! > 10) outOfRange++;
    }
    expect({ unsorted, duplicates, outOfRange }).toEqual({ unsorted: 0, duplicates: 0, outOfRange: 0 });
    expect(Math.min(...[...perUser.values()].map((s) => s.size))).toBeGreaterThanOrEqual(20);
  });

  it('scales users linearly and movies sub-linearly up to the 25M shape', () => {
    const full = shapeFor(ML25M.ratings);
    expect(full.users).toBe(ML25M.users);
    expect(full.items).toBe(ML25M.items);
    expect(shapeFor(1_000_000).items).toBeGreaterThan(ML25M.items / 25);
  });
});

describe('latency statistics', () => {
  it('nearest-rank percentiles bracket the sample and are ordered', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (xs) => {
          const s = summarize(xs);
          const sorted = [...xs].sort((a, b) => a - b);
          expect(s.p50).toBeLessThanOrEqual(s.p95 + 0.01);
          expect(s.p95).toBeLessThanOrEqual(s.p99 + 0.01);
          expect(s.p99).toBeLessThanOrEqual(s.max + 0.01);
          expect(s.max).toBeCloseTo(sorted.at(-1)!, 1);
          expect(percentile(Float64Array.from(sorted), 100)).toBe(sorted.at(-1));
        },
      ),
    );
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
