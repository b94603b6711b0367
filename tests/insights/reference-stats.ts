import { BAYES_PRIOR_RATINGS } from '../../src/insights/index.ts';
import type { SyntheticCommunity } from './synthetic.ts';

/** The numbers computeStats should report, computed independently in plain JS. */
export function reference(c: SyntheticCommunity, tenant: string | null) {
  const inScope = new Set(c.users.filter((u) => tenant === null || u.tenant === tenant).map((u) => u.id));
  const rs = c.ratings.filter((r) => inScope.has(r.userId));
  const mean = rs.reduce((a, r) => a + r.rating, 0) / rs.length;
  const perDay = new Map<string, number>();
  for (const r of rs) {
    const day = r.ratedAt.toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const byMovie = new Map<number, number[]>();
  for (const r of rs) byMovie.set(r.movieId, [...(byMovie.get(r.movieId) ?? []), r.rating]);
  const films = [...byMovie].map(([movieId, xs]) => {
    const sum = xs.reduce((a, x) => a + x, 0);
    return {
      movieId,
      count: xs.length,
      mean: sum / xs.length,
      bayesian: (BAYES_PRIOR_RATINGS * mean + sum) / (BAYES_PRIOR_RATINGS + xs.length),
    };
  });
  const genres = new Map<string, number>();
  const movieById = new Map(c.movies.map((m) => [m.id, m]));
  for (const r of rs) {
    for (const g of movieById.get(r.movieId)!.genres) {
      if (g !== '(no genres listed)') genres.set(g, (genres.get(g) ?? 0) + 1);
    }
  }
  const perUser = new Map<number, number>();
  for (const r of rs) perUser.set(r.userId, (perUser.get(r.userId) ?? 0) + 1);
  return {
    rs,
    mean,
    perDay: [...perDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count })),
    mostRated: [...films].sort((a, b) => b.count - a.count || a.movieId - b.movieId).slice(0, 10),
    bestRated: [...films]
      .sort((a, b) => b.bayesian - a.bayesian || b.count - a.count || a.movieId - b.movieId)
      .slice(0, 10),
    genres,
    raters: [...perUser].sort(([ua, a], [ub, b]) => b - a || ua - ub).slice(0, 10),
  };
}
