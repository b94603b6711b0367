import type { CommunityStats } from '../../src/insights/index.ts';

/**
 * A stats object shaped like computeStats' output, with awkward content (markup and quotes in titles,
 * duplicate title+year, long history) for the renderers; `days` controls the history length.
 */
export function fixtureStats(days = 400): CommunityStats {
  const start = Date.UTC(2024, 0, 1);
  const ratingsPerDay = Array.from({ length: days }, (_, i) => ({
    day: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    count: 1 + ((i * 37) % 23),
  }));
  const total = ratingsPerDay.reduce((a, d) => a + d.count, 0);
  const films = Array.from({ length: 10 }, (_, i) => ({
    movieId: i + 1,
    title:
      i === 0 ? '<script>alert("x")</script> & "Friends"' : i === 2 || i === 3 ? 'Twin' : `Film number ${i}`,
    year: i === 2 || i === 3 ? 2001 : 1980 + i,
    count: 300 - i * 20,
    mean: 4.4 - i * 0.05,
  }));
  return {
    generatedAt: '2026-01-01T00:00:00.000Z',
    tenant: null,
    totals: {
      ratings: total,
      raters: 42,
      ratedMovies: 900,
      catalogMovies: 9742,
      meanRating: 3.5,
      firstDay: ratingsPerDay[0]?.day ?? null,
      lastDay: ratingsPerDay.at(-1)?.day ?? null,
    },
    ratingsPerDay,
    ratingDistribution: Array.from({ length: 10 }, (_, i) => ({ rating: (i + 1) / 2, count: (i + 1) * 100 })),
    mostRated: films,
    bestRated: films.map((f) => ({ ...f, bayesian: f.mean - 0.1 })),
    genreMix: ['Drama', 'Comedy', 'Action', 'Thriller', 'Sci-Fi'].map((genre, i) => ({
      genre,
      ratings: 1000 - i * 150,
      share: (1000 - i * 150) / total,
    })),
    mostActiveRaters: Array.from({ length: 10 }, (_, i) => ({
      userId: i + 1,
      name: `movielens:${i + 1}`,
      count: 500 - i * 30,
      mean: 3.6,
    })),
    acceptance: {
      recommended: 40,
      rated: 25,
      accepted: 15,
      rate: 15 / 40,
      byModel: [
        { model: 'hybrid', recommended: 30, rated: 20, accepted: 13, rate: 13 / 30 },
        { model: 'popular', recommended: 10, rated: 5, accepted: 2, rate: 0.2 },
      ],
    },
  };
}
