import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { movies, ratings } from '../db/schema.ts';
import type { ItemMeta } from '../recommend/types.ts';

/** A movies row with how often and how well it was rated in the ratings table. */
export type CatalogMovie = typeof movies.$inferSelect & {
  ratingCount: number;
  /** Mean stars, 0 when `ratingCount` is 0. */
  ratingMean: number;
};

/** Every movie, by database id and in id order. */
export interface Catalog {
  movies: Map<number, CatalogMovie>;
  list: CatalogMovie[];
}

/** Loads the whole catalog with per-movie rating counts and means, in one query. */
export async function loadCatalog(db: Database): Promise<Catalog> {
  const stats = db
    .select({
      movieId: ratings.movieId,
      count: sql<number>`count(*)::int`.as('rating_count'),
      mean: sql<number>`avg(${ratings.rating})::float8`.as('rating_mean'),
    })
    .from(ratings)
    .groupBy(ratings.movieId)
    .as('stats');
  const rows = await db
    .select({
      movie: movies,
      ratingCount: sql<number>`coalesce(${stats.count}, 0)`.mapWith(Number),
      ratingMean: sql<number>`coalesce(${stats.mean}, 0)`.mapWith(Number),
    })
    .from(movies)
    .leftJoin(stats, eq(stats.movieId, movies.id))
    .orderBy(asc(movies.id));
  const list = rows.map((r) => ({ ...r.movie, ratingCount: r.ratingCount, ratingMean: r.ratingMean }));
  return { movies: new Map(list.map((m) => [m.id, m])), list };
}

/** The recommender's view of a movie. */
export function toItemMeta(m: typeof movies.$inferSelect): ItemMeta {
  return {
    id: m.id,
    title: m.title,
    year: m.year,
    genres: m.genres,
    tags: m.tags,
    directors: m.directors,
    cast: m.cast,
    runtime: m.runtime,
    overview: m.overview,
    imdbRating: m.imdbRating,
    imdbVotes: m.imdbVotes,
  };
}
