import { describe, expect, it } from 'vitest';
import { createCatalogView } from '../../src/bot/catalog-view.ts';
import { assignPopularity, type CatalogMovie } from '../../src/catalog/catalog.ts';
import { FULL_WEIGHT_FILMS, popularityScores } from '../../src/catalog/popularity.ts';

/** A catalog movie with only what popularity and the title index read set. */
function movie(id: number, title: string, ratingCount: number, imdbVotes: number | null): CatalogMovie {
  return {
    id,
    movielensId: imdbVotes === null ? id : null,
    imdbId: null,
    tmdbId: null,
    title,
    year: 2000,
    genres: [],
    runtime: null,
    directors: [],
    cast: [],
    writers: [],
    originalTitle: null,
    tags: [],
    overview: null,
    certificate: null,
    imdbRating: null,
    imdbVotes,
    posterUrl: null,
    source: imdbVotes === null ? 'movielens' : 'imdb',
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ratingCount,
    ratingMean: 0,
    popularity: 0,
  };
}

describe('popularity', () => {
  it('ranks a much-rated MovieLens film above an obscure IMDb film of the same title', () => {
    // A small community's catalog (rating counts 1–30) beside an import of well-voted IMDb films
    // (25,000 votes up to 2.5 million): "Crossing" with 40 ratings is the best known here, the IMDb
    // "Crossing" with 45,000 votes among the least known of its import. The old sum
    // (40 + 45,000 / 1000 = 40 < 45) put the IMDb film first.
    const list: CatalogMovie[] = [];
    for (let i = 1; i <= 60; i++) list.push(movie(i, `Local Film ${i}`, 1 + (i % 30), null));
    for (let k = 0; k < 100; k++)
      list.push(movie(100 + k, `Imported Film ${k}`, 0, Math.round(25_000 * 100 ** (k / 99))));
    const known = movie(1000, 'Crossing', 40, null);
    const obscure = movie(1001, 'Crossing', 0, 45_000);
    list.push(known, obscure);
    assignPopularity(list);
    expect(known.popularity).toBeGreaterThan(obscure.popularity);

    const view = createCatalogView({ list, movies: new Map(list.map((m) => [m.id, m])) });
    const resolution = view.index.resolve('Crossing');
    expect(resolution.kind).toBe('ambiguous');
    if (resolution.kind === 'ambiguous')
      expect(resolution.options.map((o) => o.entry.id)).toEqual([1000, 1001]);
    expect(view.index.search('crossing', 2).map((m) => m.entry.id)).toEqual([1000, 1001]);
    expect(view.index.autocomplete('cross', 2).map((m) => m.entry.id)).toEqual([1000, 1001]);
  });

  it('puts both signals on one 0–1 scale: each film by its better-known side, equal counts equal', () => {
    const rated = Array.from({ length: 100 }, (_, i) => ({ ratingCount: i + 1, imdbVotes: null }));
    const voted = Array.from({ length: 100 }, (_, k) => ({ ratingCount: 0, imdbVotes: 30_000 * (k + 1) }));
    const p = popularityScores([...rated, ...voted, { ratingCount: 0, imdbVotes: null }]);
    for (const v of p) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    for (let i = 1; i < 100; i++) {
      expect(p[i]).toBeGreaterThan(p[i - 1]!);
      expect(p[100 + i]).toBeGreaterThan(p[100 + i - 1]!);
    }
    // The most rated and the most voted film are equally well known, whatever the raw numbers; so are
    // the 10th of each.
    expect(p[99]).toBeCloseTo(0.995, 10);
    expect(p[199]).toBeCloseTo(p[99]!, 10);
    expect(p[109]).toBeCloseTo(p[9]!, 10);
    expect(p[200]).toBe(0);
    // A film known both ways counts by its better-known side; equal counts tie.
    const both = popularityScores([...rated, ...voted, { ratingCount: 2, imdbVotes: 3_000_000 }]);
    expect(both[200]).toBeGreaterThan(both[198]!);
    const tie = popularityScores([...rated, { ratingCount: 50, imdbVotes: null }]);
    expect(tie[100]).toBe(tie[49]);
  });

  it('shrinks a signal only a few films have, so one rating in a fresh bot is not the best-known film', () => {
    const starter = Array.from({ length: 200 }, (_, i) => ({ ratingCount: 0, imdbVotes: 10_000 + i * 1000 }));
    const p = popularityScores([...starter, { ratingCount: 1, imdbVotes: 10_500 }]);
    const median = [...p.slice(0, 200)].sort((a, b) => a - b)[100]!;
    // Rated once, among films nobody else rated: its rating percentile is scaled by 1/FULL_WEIGHT_FILMS.
    expect(p[200]).toBeLessThan(median);
    expect(p[200]).toBeCloseTo(Math.max(0.5 / FULL_WEIGHT_FILMS, 1.5 / 201), 10);
  });
});
