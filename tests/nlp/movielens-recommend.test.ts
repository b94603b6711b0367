import { beforeAll, expect, it } from 'vitest';
import { buildRecommendRequest } from '../../src/nlp/constraints.ts';
import { parseRequest } from '../../src/nlp/parse-preferences.ts';
import { createTitleIndex, type TitleIndex } from '../../src/nlp/title-index.ts';
import { readEvalDataset } from '../../src/recommend/eval/run-eval.ts';
import { trainRecommender } from '../../src/recommend/train.ts';
import type { Dataset, ItemMeta, Recommender, UserState } from '../../src/recommend/types.ts';
import { describeWithMovieLens, ML_LATEST_SMALL } from '../helpers/shared-data.ts';

/**
 * The acceptance on ml-latest-small, end to end through the engine: requests parsed here, filtered
 * and steered there. A light engine configuration (no EASE, a short MF) keeps training to seconds; the NLP
 * contract does not depend on which scorer ranks.
 */
const N = 10;

describeWithMovieLens('free-text requests through the recommender on ml-latest-small', () => {
  let dataset: Dataset;
  let index: TitleIndex;
  let recommender: Recommender;
  let byId: Map<number, ItemMeta>;
  let family: UserState;
  let action: UserState;

  function userWhoLoves(titles: string[]): UserState {
    const ratings = titles.map((title, i) => {
      const r = index.resolve(title);
      if (r.kind !== 'found') throw new Error(`fixture title not found: ${title}`);
      return { item: r.match.entry.id, rating: 5, timestamp: 1_500_000_000 + i };
    });
    return { ratings, notInterested: [], seen: [], watchlist: [] };
  }

  function recommend(user: UserState, text: string) {
    const parsed = parseRequest(text, index);
    const request = buildRecommendRequest(parsed, dataset.items, { minEligible: N });
    const recs = recommender.recommend(user, { n: N, filter: request.filter, steer: request.steer });
    return { parsed, request, movies: recs.map((r) => byId.get(r.item)!) };
  }

  beforeAll(() => {
    dataset = readEvalDataset(ML_LATEST_SMALL);
    byId = new Map(dataset.items.map((m) => [m.id, m]));
    const counts = new Map<number, number>();
    for (const r of dataset.ratings) counts.set(r.item, (counts.get(r.item) ?? 0) + 1);
    index = createTitleIndex(
      dataset.items.map((m) => ({
        id: m.id,
        title: m.title,
        year: m.year,
        popularity: counts.get(m.id) ?? 0,
      })),
    );
    recommender = trainRecommender(dataset, { config: { skipEase: true, mf: { iterations: 2 } } });
    family = userWhoLoves([
      'Finding Nemo',
      'Lion King',
      'Aladdin',
      'Beauty and the Beast 1991',
      'Shrek',
      'Monsters, Inc.',
    ]);
    action = userWhoLoves(['Alien', 'Aliens', 'The Terminator', 'Predator', 'Die Hard', 'RoboCop 1987']);
  }, 300_000);

  it('never breaks a hard constraint', () => {
    for (const text of [
      '90s sci-fi',
      'funny 90s sci-fi like Alien, no horror',
      'no comedy, nothing before 1970',
      'westerns from the 1950s',
      'between 1995 and 2005 thriller, no romance',
      'anything but dramas',
    ]) {
      for (const user of [family, action]) {
        const { parsed, request, movies } = recommend(user, text);
        expect(movies.length, text).toBeGreaterThan(0);
        expect(request.relaxations, text).toEqual([]);
        for (const m of movies) {
          expect(
            m.genres.some((g) => parsed.genres.exclude.includes(g)),
            `${text}: ${m.title}`,
          ).toBe(false);
          if (parsed.genres.include.length > 0) {
            expect(
              m.genres.some((g) => parsed.genres.include.includes(g)),
              `${text}: ${m.title}`,
            ).toBe(true);
          }
          if (parsed.yearFrom !== null)
            expect(m.year, `${text}: ${m.title}`).toBeGreaterThanOrEqual(parsed.yearFrom);
          if (parsed.yearTo !== null)
            expect(m.year, `${text}: ${m.title}`).toBeLessThanOrEqual(parsed.yearTo);
        }
      }
    }
  });

  it('"90s sci-fi" returns only Sci-Fi films from 1990–1999', () => {
    const { movies } = recommend(action, '90s sci-fi');
    expect(movies).toHaveLength(N);
    for (const m of movies) {
      expect(m.genres).toContain('Sci-Fi');
      expect(m.year! >= 1990 && m.year! <= 1999).toBe(true);
    }
  });

  it('"like Toy Story" returns mostly animation and children\'s films', () => {
    for (const user of [family, action]) {
      const { parsed, movies } = recommend(user, 'like Toy Story');
      expect(parsed.similarTo.map((s) => s.id)).toEqual([1]);
      const kidsOrAnimated = movies.filter(
        (m) => m.genres.includes('Animation') || m.genres.includes('Children'),
      );
      expect(kidsOrAnimated.length).toBeGreaterThan(N / 2);
      expect(movies.map((m) => m.id)).not.toContain(1);
    }
  });

  it('gives different users different films for the same request', () => {
    const forFamily = recommend(family, '90s sci-fi').movies.map((m) => m.id);
    const forAction = recommend(action, '90s sci-fi').movies.map((m) => m.id);
    expect(forFamily).not.toEqual(forAction);
  });
});
