import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainRecommender } from '../../src/recommend/train.ts';
import type { Recommender, UserState } from '../../src/recommend/types.ts';
import { syntheticDataset, userState } from './fixtures.ts';

// HybridRecommender builds each list in scratch arrays it reuses for the next list: a list must come
// out the same whatever lists were built before it.
describe('lists built in reused scratch arrays', () => {
  const dataset = syntheticDataset({ seed: 7 });
  const ids = dataset.items.map((i) => i.id);
  const fresh = () => trainRecommender(dataset) as Recommender;
  const shared = fresh();

  const user = (picks: number[], stars: number[]): UserState =>
    userState({
      ratings: picks.map((p, k) => ({
        item: ids[p % ids.length]!,
        rating: stars[k % stars.length]!,
        timestamp: k,
      })),
    });

  it('give the same lists as a recommender that built nothing before', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.constantFrom(1, 2.5, 4, 5), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        (picks, stars, seed) => {
          const u = user(picks, stars);
          const seedId = ids[seed % ids.length]!;
          const expected = {
            list: fresh().recommend(u, { n: 10 }),
            similar: fresh().similar(seedId, { n: 5, user: u }),
          };
          // The shared one has built other users' lists and similar-lists in between.
          shared.similar(ids[(seed + 1) % ids.length]!, { n: 5 });
          expect(shared.recommend(u, { n: 10 })).toEqual(expected.list);
          shared.recommend(user([seed], [5]), { n: 10, steer: { genres: ['Comedy'] } });
          expect(shared.similar(seedId, { n: 5, user: u })).toEqual(expected.similar);
        },
      ),
      { numRuns: 25 },
    );
  });

  // A bound user's scores come from a pool and go back on release(): another user's list may then
  // overwrite them, so a released binding must score again, and an unreleased one must keep its own.
  it('give a bound user the same lists before and after other users take and release pooled arrays', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        fc.array(fc.constantFrom(1, 2.5, 4, 5), { minLength: 1, maxLength: 5 }),
        (picks, others, stars) => {
          const u = user(picks, stars);
          const v = user(others, [...stars].reverse());
          const expected = fresh().recommend(u, { n: 10 });
          const bound = shared.forUser(u);
          expect(bound.recommend({ n: 10 })).toEqual(expected);
          const other = shared.forUser(v);
          other.recommend({ n: 10 });
          other.release();
          expect(bound.recommend({ n: 10 })).toEqual(expected);
          bound.release();
          shared.recommend(v, { n: 10, steer: { genres: ['Drama'] } });
          const again = shared.forUser(v);
          again.recommend({ n: 10 });
          expect(bound.recommend({ n: 10 })).toEqual(expected);
          again.release();
          bound.release();
        },
      ),
      { numRuns: 25 },
    );
  });
});
