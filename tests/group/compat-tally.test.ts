import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CO_RATED_SHRINKAGE, compareRatings, matchPercent, pearson } from '../../src/group/compat.ts';
import { allMembersVoted, tallyPoll } from '../../src/group/poll-tally.ts';

const ratingsArb = fc
  .uniqueArray(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10 })), {
    selector: (t) => t[0],
    maxLength: 30,
  })
  .map((pairs) => new Map(pairs.map(([id, s]) => [id, s / 2])));

describe('taste match', () => {
  it('is 1 for the same taste and −1 for opposite taste, shrunk for few co-ratings', () => {
    const a = new Map([
      [1, 5],
      [2, 4],
      [3, 1],
      [4, 2],
    ]);
    const same = compareRatings(
      a,
      new Map([
        [1, 4.5],
        [2, 3.5],
        [3, 0.5],
        [4, 1.5],
        [9, 3],
      ]),
    );
    expect(same.coRated).toBe(4);
    expect(same.pearson).toBeCloseTo(1, 9);
    expect(same.shrunk).toBeCloseTo(4 / (4 + CO_RATED_SHRINKAGE), 9);
    expect(same.favourites.map((f) => f.movieId)).toEqual([1]);
    expect(same.disagreement).toBeNull();
    const opposite = compareRatings(
      a,
      new Map([
        [1, 1],
        [2, 2],
        [3, 5],
        [4, 4],
      ]),
    );
    expect(opposite.pearson).toBeCloseTo(-1, 9);
    expect(opposite.disagreement).toEqual({ movieId: 1, a: 5, b: 1 });
    expect(opposite.favourites).toEqual([]);
  });

  it('reports no correlation below three co-rated movies or without variance', () => {
    expect(
      compareRatings(
        new Map([
          [1, 5],
          [2, 4],
        ]),
        new Map([
          [1, 5],
          [2, 4],
        ]),
      ).pearson,
    ).toBeNull();
    expect(pearson([3, 3, 3], [1, 4, 5])).toBeNull();
  });

  it('is symmetric, bounded, and shrinks towards 0', () => {
    fc.assert(
      fc.property(ratingsArb, ratingsArb, (a, b) => {
        const ab = compareRatings(a, b);
        const ba = compareRatings(b, a);
        expect(ab.coRated).toBe(ba.coRated);
        expect(ab.pearson ?? 0).toBeCloseTo(ba.pearson ?? 0, 9);
        if (ab.pearson !== null) {
          expect(Math.abs(ab.pearson)).toBeLessThanOrEqual(1);
          expect(Math.abs(ab.shrunk!)).toBeLessThan(Math.abs(ab.pearson) + 1e-12);
        }
        const pct = matchPercent(ab.pearson, null, ab.coRated);
        if (pct !== null) expect(pct).toBeGreaterThanOrEqual(0);
        if (pct !== null) expect(pct).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('leans on the model when co-ratings are few, and on co-ratings when they are many', () => {
    expect(matchPercent(null, null, 0)).toBeNull();
    expect(matchPercent(null, 0.5, 0)).toBe(75);
    expect(matchPercent(1, -1, 1)!).toBeLessThan(50);
    expect(matchPercent(1, -1, 100)!).toBeGreaterThan(90);
  });
});

describe('poll tally', () => {
  it('counts one vote per user, breaks ties by group rank, and wins by default with no votes', () => {
    expect(tallyPoll([7, 8, 9], [])).toMatchObject({ winner: 7, byDefault: true, tied: [] });
    const t = tallyPoll(
      [7, 8, 9],
      [
        { userId: 1, movieId: 9 },
        { userId: 2, movieId: 8 },
      ],
    );
    expect(t).toMatchObject({ winner: 8, byDefault: false, tied: [8, 9] });
    expect(t.counts).toEqual([
      { movieId: 7, votes: 0 },
      { movieId: 8, votes: 1 },
      { movieId: 9, votes: 1 },
    ]);
    expect(
      tallyPoll(
        [7, 8],
        [
          { userId: 1, movieId: 8 },
          { userId: 2, movieId: 8 },
          { userId: 3, movieId: 7 },
        ],
      ),
    ).toMatchObject({ winner: 8, tied: [] });
  });

  it('knows when everyone has voted', () => {
    expect(allMembersVoted([1, 2], [{ userId: 1, movieId: 3 }])).toBe(false);
    expect(
      allMembersVoted(
        [1, 2],
        [
          { userId: 2, movieId: 3 },
          { userId: 1, movieId: 4 },
        ],
      ),
    ).toBe(true);
  });
});
