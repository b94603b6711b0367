import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { CommunityStats, ComputeStatsOptions } from './types.ts';

/** Top lists show this many entries unless asked otherwise. */
export const DEFAULT_TOP = 10;
/**
 * Best-rated uses a Bayesian average: every film counts as if it had this many extra ratings at the
 * community mean, so one 5★ rating does not beat two hundred 4.5★ ones.
 */
export const BAYES_PRIOR_RATINGS = 10;
/** A rating at or above this means the recommendation was a hit. */
export const ACCEPTED_MIN_STARS = 4;
/** MovieLens marks films without genres with this pseudo-genre; it is not a genre. */
const NO_GENRE = '(no genres listed)';
const HALF_STARS = Array.from({ length: 10 }, (_, i) => (i + 1) / 2);

/** Runs raw SQL on either driver (postgres.js answers with an array, PGlite with `{ rows }`). */
async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

/**
 * Community insights from the ratings, movies and recommendation log tables, optionally for one tenant:
 * totals, ratings per day, the star distribution, most-rated and best-rated films, genre mix, most
 * active raters and recommendation acceptance (share of recommended films later rated ≥ 4 by that user).
 */
export async function computeStats(db: Database, options: ComputeStatsOptions = {}): Promise<CommunityStats> {
  const tenant = options.tenant ?? null;
  const top = options.top ?? DEFAULT_TOP;
  const inScope = tenant === null ? sql`true` : sql`u.tenant = ${tenant}`;
  // In one tenant, a linked account's ratings (stored under its profile, see db/store/links.ts) count as
  // that account's; across all tenants each rating counts once, under the profile.
  const scoped =
    tenant === null
      ? sql`ratings r join users u on u.id = r.user_id`
      : sql`ratings r join users u on coalesce(u.profile_id, u.id) = r.user_id`;

  const [totals] = await rows<{
    ratings: number;
    raters: number;
    rated_movies: number;
    mean: number | null;
    first_day: string | null;
    last_day: string | null;
  }>(
    db,
    sql`select count(*)::int as ratings, count(distinct r.user_id)::int as raters,
          count(distinct r.movie_id)::int as rated_movies, avg(r.rating)::float8 as mean,
          to_char(min(r.rated_at) at time zone 'UTC', 'YYYY-MM-DD') as first_day,
          to_char(max(r.rated_at) at time zone 'UTC', 'YYYY-MM-DD') as last_day
        from ${scoped} where ${inScope}`,
  );
  const [catalog] = await rows<{ n: number }>(db, sql`select count(*)::int as n from movies`);
  const mean = totals?.mean ?? null;

  const perDayQuery = rows<{ day: string; count: number }>(
    db,
    sql`select to_char(r.rated_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as count
        from ${scoped} where ${inScope} group by 1 order by 1`,
  );
  const distributionQuery = rows<{ rating: number; count: number }>(
    db,
    sql`select r.rating::float8 as rating, count(*)::int as count from ${scoped} where ${inScope} group by 1`,
  );

  const filmColumns = sql`m.id as movie_id, m.title, m.year, count(*)::int as count, avg(r.rating)::float8 as mean`;
  const mostRatedQuery = rows<FilmRow>(
    db,
    sql`select ${filmColumns} from ${scoped} join movies m on m.id = r.movie_id where ${inScope}
        group by m.id order by count(*) desc, m.id limit ${top}`,
  );
  const prior = mean ?? 0;
  const bayes = sql`((${BAYES_PRIOR_RATINGS}::float8 * ${prior}::float8 + sum(r.rating)) / (${BAYES_PRIOR_RATINGS}::float8 + count(*)))::float8`;
  const bestRatedQuery = rows<FilmRow & { bayesian: number }>(
    db,
    sql`select ${filmColumns}, ${bayes} as bayesian from ${scoped} join movies m on m.id = r.movie_id
        where ${inScope} group by m.id order by ${bayes} desc, count(*) desc, m.id limit ${top}`,
  );

  const genresQuery = rows<{ genre: string; ratings: number }>(
    db,
    sql`select g.genre, count(*)::int as ratings
        from ${scoped} join movies m on m.id = r.movie_id cross join lateral unnest(m.genres) as g(genre)
        where ${inScope} and g.genre <> ${NO_GENRE} group by g.genre order by 2 desc, 1`,
  );

  const ratersQuery = rows<{ user_id: number; name: string; count: number; mean: number }>(
    db,
    sql`select u.id as user_id, coalesce(u.display_name, u.external_id) as name, count(*)::int as count,
          avg(r.rating)::float8 as mean
        from ${scoped} where ${inScope} group by u.id order by count(*) desc, u.id limit ${top}`,
  );

  const acceptanceQuery = rows<{ model: string; recommended: number; rated: number; accepted: number }>(
    db,
    sql`with shown as (
          select l.user_id, coalesce(u.profile_id, u.id) as rater, l.movie_id, min(l.shown_at) as first_shown,
                 (array_agg(l.model order by l.shown_at))[1] as model
          from recommendation_log l join users u on u.id = l.user_id where ${inScope}
          group by l.user_id, u.profile_id, u.id, l.movie_id)
        select s.model, count(*)::int as recommended, count(r.user_id)::int as rated,
               (count(*) filter (where r.rating >= ${ACCEPTED_MIN_STARS}))::int as accepted
        from shown s left join ratings r on r.user_id = s.rater and r.movie_id = s.movie_id
             and greatest(r.rated_at, r.updated_at) >= s.first_shown
        group by s.model order by 2 desc, 1`,
  );
  // Independent queries: on the server they run side by side on the pool (PGlite serialises them).
  const [perDay, distribution, mostRated, bestRated, genres, raters, acceptance] = await Promise.all([
    perDayQuery,
    distributionQuery,
    mostRatedQuery,
    bestRatedQuery,
    genresQuery,
    ratersQuery,
    acceptanceQuery,
  ]);
  const byRating = new Map(distribution.map((d) => [Number(d.rating), d.count]));
  const ratingCount = totals?.ratings ?? 0;
  const sum = (key: 'recommended' | 'rated' | 'accepted') => acceptance.reduce((a, row) => a + row[key], 0);
  const rate = (accepted: number, recommended: number) => (recommended > 0 ? accepted / recommended : null);

  return {
    generatedAt: new Date().toISOString(),
    tenant,
    totals: {
      ratings: ratingCount,
      raters: totals?.raters ?? 0,
      ratedMovies: totals?.rated_movies ?? 0,
      catalogMovies: catalog?.n ?? 0,
      meanRating: mean,
      firstDay: totals?.first_day ?? null,
      lastDay: totals?.last_day ?? null,
    },
    ratingsPerDay: perDay.map((d) => ({ day: d.day, count: d.count })),
    ratingDistribution: HALF_STARS.map((rating) => ({ rating, count: byRating.get(rating) ?? 0 })),
    mostRated: mostRated.map(toFilm),
    bestRated: bestRated.map((f) => ({ ...toFilm(f), bayesian: f.bayesian })),
    genreMix: genres.map((g) => ({
      genre: g.genre,
      ratings: g.ratings,
      share: ratingCount > 0 ? g.ratings / ratingCount : 0,
    })),
    mostActiveRaters: raters.map((r) => ({ userId: r.user_id, name: r.name, count: r.count, mean: r.mean })),
    acceptance: {
      recommended: sum('recommended'),
      rated: sum('rated'),
      accepted: sum('accepted'),
      rate: rate(sum('accepted'), sum('recommended')),
      byModel: acceptance.map((a) => ({ ...a, rate: rate(a.accepted, a.recommended) })),
    },
  };
}

interface FilmRow {
  movie_id: number;
  title: string;
  year: number | null;
  count: number;
  mean: number;
}

function toFilm(f: FilmRow) {
  return { movieId: f.movie_id, title: f.title, year: f.year, count: f.count, mean: f.mean };
}
