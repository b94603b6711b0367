import { describe, expect, it } from 'vitest';
import { readVegaMovies, starterMovies } from '../../src/catalog/starter.ts';
import { applyListRules } from '../../src/recommend/list-rules.ts';
import { trainRecommender } from '../../src/recommend/train.ts';
import type { ItemMeta, UserState } from '../../src/recommend/types.ts';

/** The offline starter catalog (vega-datasets, shipped in node_modules): IMDb figures, no ratings. */
const items: ItemMeta[] = starterMovies(readVegaMovies()).map((m, k) => ({
  id: k + 1,
  title: m.title!,
  year: m.year ?? null,
  genres: m.genres ?? [],
  tags: [],
  directors: m.directors ?? [],
  cast: [],
  runtime: m.runtime ?? null,
  imdbRating: m.imdbRating ?? null,
  imdbVotes: m.imdbVotes ?? null,
}));
const byId = new Map(items.map((i) => [i.id, i]));
const rec = trainRecommender({ items, ratings: [] });
const nobody: UserState = { ratings: [], seen: [], notInterested: [], watchlist: [] };
const isSciFi = (i: ItemMeta) => i.genres.includes('Sci-Fi');

describe('starter catalog (issue 15, item 5)', () => {
  // Ten sci-fi classics everyone knows: the most-voted sci-fi films.
  const classics = items
    .filter(isSciFi)
    .sort((a, b) => (b.imdbVotes ?? 0) - (a.imdbVotes ?? 0))
    .slice(0, 10);
  const fan: UserState = {
    ...nobody,
    ratings: classics.map((i, k) => ({ item: i.id, rating: 5, timestamp: k })),
  };

  it('rating ten sci-fi films 5★ gives well-rated sci-fi, not "Def-Con 4 ≈ 1.9★"', () => {
    const list = rec.recommend(fan, { n: 10 });
    expect(list).toHaveLength(10);
    const picks = list.map((r) => byId.get(r.item)!);
    expect(picks.filter(isSciFi).length).toBeGreaterThanOrEqual(8);
    for (const p of picks) expect(p.imdbRating ?? 0).toBeGreaterThanOrEqual(5.5);
    const mean = picks.reduce((s, p) => s + (p.imdbRating ?? 0), 0) / picks.length;
    expect(mean).toBeGreaterThanOrEqual(6.5);
  });

  it('rating makes an "80s sci-fi" list better, not worse', () => {
    const eighties = (i: ItemMeta) => isSciFi(i) && i.year !== null && i.year >= 1980 && i.year < 1990;
    const quality = (user: UserState) => {
      const list = rec.recommend(user, { n: 10, filter: eighties });
      const kept = applyListRules(
        list.map((r) => ({ id: r.item, predicted: r.predictedRating, evidence: 100 })),
        user.ratings.length > 0 ? 5 : Number.NaN,
      ).entries;
      // Quality is judged where IMDb's rating is known: the repaired starter drops figures it cannot
      // trust (Aliens' "84 votes"), and an unknown rating is not a bad film.
      const shown = kept.slice(0, 5);
      const top = shown.flatMap((e) => byId.get(e.id)!.imdbRating ?? []);
      return { shown, top, mean: top.reduce((s, x) => s + x, 0) / top.length };
    };
    const after = quality(fan);
    expect(after.shown).toHaveLength(5);
    expect(after.top.length).toBeGreaterThanOrEqual(4);
    // The rated classics left the list; what replaces them is close to the best-rated 80s sci-fi
    // still unrated (IMDb), not the obscure films that share the most features with the classics.
    const rated = new Set(classics.map((i) => i.id));
    const best = items
      .filter((i) => eighties(i) && !rated.has(i.id))
      .flatMap((i) => i.imdbRating ?? [])
      .sort((a, b) => b - a)
      .slice(0, 5);
    expect(after.mean).toBeGreaterThanOrEqual(best.reduce((s, x) => s + x, 0) / best.length - 0.7);
    for (const r of after.top) expect(r).toBeGreaterThanOrEqual(6.5);
  });
});
