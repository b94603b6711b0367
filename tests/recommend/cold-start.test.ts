import { describe, expect, it } from 'vitest';
import { trainRecommender } from '../../src/recommend/train.ts';
import type { Recommendation } from '../../src/recommend/types.ts';
import { syntheticDataset, userState } from './fixtures.ts';

const dataset = syntheticDataset({ items: 150, users: 80 });
const rec = trainRecommender(dataset, { config: { ease: { maxItems: 200, minRatings: 2 } } });
const genresOf = (r: Recommendation) => dataset.items.find((i) => i.id === r.item)!.genres;
const ratingCount = (id: number) => dataset.ratings.filter((r) => r.item === id).length;

describe('cold start', () => {
  it('gives a user with no ratings popular movies from several genres', () => {
    const list = rec.recommend(userState(), { n: 10 });
    expect(list).toHaveLength(10);
    const clusters = new Set(list.map((r) => genresOf(r)[0]));
    expect(clusters.size).toBeGreaterThanOrEqual(3);
    const counts = dataset.items.map((i) => ratingCount(i.id)).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)]!;
    const popular = list.filter((r) => ratingCount(r.item) >= median).length;
    expect(popular).toBeGreaterThanOrEqual(7);
    for (const r of list) expect(r.reason.kind).toBe('popular');
  });

  it('with three ratings, the list clearly reflects them', () => {
    const animated = dataset.items.filter((i) => i.genres.includes('Animation')).slice(0, 3);
    const user = userState({ ratings: animated.map((i, k) => ({ item: i.id, rating: 5, timestamp: k })) });
    const list = rec.recommend(user, { n: 10 });
    const matching = list.filter((r) => genresOf(r).includes('Animation')).length;
    expect(matching).toBeGreaterThanOrEqual(7);
    expect(list.some((r) => r.reason.kind === 'rated' || r.reason.kind === 'matches')).toBe(true);
    const before = rec.recommend(userState(), { n: 10 }).map((r) => r.item);
    expect(list.map((r) => r.item)).not.toEqual(before);
  });

  it('on a catalog without any ratings, one 5★ rating changes the list towards related films', () => {
    const fresh = trainRecommender({ items: dataset.items, ratings: [] });
    const horror = dataset.items.find((i) => i.genres.includes('Horror'))!;
    const baseline = fresh.recommend(userState(), { n: 10 });
    const after = fresh.recommend(userState({ ratings: [{ item: horror.id, rating: 5, timestamp: 1 }] }), {
      n: 10,
    });
    expect(after.map((r) => r.item)).not.toEqual(baseline.map((r) => r.item));
    const horrorShare = after.filter((r) => genresOf(r).includes('Horror')).length;
    expect(horrorShare).toBeGreaterThan(baseline.filter((r) => genresOf(r).includes('Horror')).length);
    expect(after.some((r) => r.reason.kind === 'matches')).toBe(true);
  });
});

describe('immediate feedback (fold-in, no retraining)', () => {
  it('a new rating or "not interested" changes the next list at once', () => {
    const comedy = dataset.items.filter((i) => i.genres.includes('Comedy'));
    const user = userState({ ratings: [{ item: comedy[0]!.id, rating: 5, timestamp: 1 }] });
    const first = rec.recommend(user, { n: 5 });
    const hidden = userState({ ...user, notInterested: [first[0]!.item] });
    expect(rec.recommend(hidden, { n: 5 }).map((r) => r.item)).not.toContain(first[0]!.item);
    const rated = userState({
      ratings: [...user.ratings, { item: first[0]!.item, rating: 1, timestamp: 2 }],
    });
    expect(rec.recommend(rated, { n: 5 }).map((r) => r.item)).not.toEqual(first.map((r) => r.item));
    const p1 = rec.predict(user, comedy[5]!.id);
    const p2 = rec.predict(
      userState({ ratings: [...user.ratings, { item: comedy[6]!.id, rating: 0.5, timestamp: 3 }] }),
      comedy[5]!.id,
    );
    expect(p1).not.toBeNull();
    expect(p2).not.toBe(p1);
  });
});

describe('steering and reasons', () => {
  it('steers softly by genre, people and similar movies', () => {
    const list = rec.recommend(userState(), { n: 10, steer: { genres: ['War'] } });
    expect(list.filter((r) => genresOf(r).includes('War')).length).toBeGreaterThanOrEqual(6);
    const byDirector = rec.recommend(userState(), { n: 5, steer: { people: ['Director 4'] } });
    const directed = byDirector.filter((r) =>
      dataset.items.find((i) => i.id === r.item)!.directors.includes('Director 4'),
    );
    expect(directed.length).toBeGreaterThanOrEqual(3);
    const seed = dataset.items.find((i) => i.genres.includes('Sci-Fi'))!;
    const like = rec.recommend(userState(), { n: 5, steer: { similarTo: [seed.id] } });
    expect(like.filter((r) => genresOf(r).includes('Sci-Fi')).length).toBeGreaterThanOrEqual(4);
    expect(like.map((r) => r.item)).not.toContain(seed.id);
  });

  it('explains personal picks by a rated movie', () => {
    const scifi = dataset.items.filter((i) => i.genres.includes('Sci-Fi')).slice(0, 8);
    const user = userState({ ratings: scifi.map((i, k) => ({ item: i.id, rating: 5, timestamp: k })) });
    const list = rec.recommend(user, { n: 10 });
    const rated = list.filter((r) => r.reason.kind === 'rated');
    expect(rated.length).toBeGreaterThan(0);
    for (const r of rated) {
      if (r.reason.kind === 'rated') expect(scifi.map((i) => i.id)).toContain(r.reason.item);
    }
  });

  it('finds similar movies, excluding the movie itself', () => {
    const seed = dataset.items[2]!;
    const list = rec.similar(seed.id, { n: 5 });
    expect(list).toHaveLength(5);
    expect(list.map((r) => r.item)).not.toContain(seed.id);
    expect(list.filter((r) => genresOf(r)[0] === seed.genres[0]).length).toBeGreaterThanOrEqual(4);
  });
});
