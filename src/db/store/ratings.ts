import { and, desc, eq, sql } from 'drizzle-orm';
import { UserError } from '../../errors.ts';
import { movies, type RATING_SOURCES, ratings } from '../schema.ts';
import type { Executor } from './executor.ts';

export type RatingSource = (typeof RATING_SOURCES)[number];

export const MIN_STARS = 0.5;
export const MAX_STARS = 5;

/** True for 0.5–5 in half-star steps, the range the database accepts. */
export function isValidStars(stars: number): boolean {
  return Number.isFinite(stars) && stars >= MIN_STARS && stars <= MAX_STARS && Number.isInteger(stars * 2);
}

/**
 * Sets the user's rating of a movie (idempotent upsert) and returns the rating it replaced, if any.
 * Rows are locked while read, so concurrent writers in transactions see each other's results.
 */
export async function upsertRating(
  db: Executor,
  userId: number,
  movieId: number,
  stars: number,
  source: RatingSource,
): Promise<{ previous: number | null }> {
  if (!isValidStars(stars)) {
    throw new UserError('bad-stars', `Ratings go from ${MIN_STARS} to ${MAX_STARS} stars in half steps.`);
  }
  const [prev] = await db
    .select({ rating: ratings.rating })
    .from(ratings)
    .where(and(eq(ratings.userId, userId), eq(ratings.movieId, movieId)))
    .for('update');
  await db
    .insert(ratings)
    .values({ userId, movieId, rating: stars, source })
    .onConflictDoUpdate({
      target: [ratings.userId, ratings.movieId],
      set: { rating: stars, source, updatedAt: sql`now()` },
    });
  return { previous: prev?.rating ?? null };
}

/** Removes a rating; returns the removed value, or null when there was none. */
export async function deleteRating(db: Executor, userId: number, movieId: number): Promise<number | null> {
  const [row] = await db
    .delete(ratings)
    .where(and(eq(ratings.userId, userId), eq(ratings.movieId, movieId)))
    .returning({ rating: ratings.rating });
  return row?.rating ?? null;
}

/** The user's rating of one movie, or null. */
export async function getRating(db: Executor, userId: number, movieId: number): Promise<number | null> {
  const [row] = await db
    .select({ rating: ratings.rating })
    .from(ratings)
    .where(and(eq(ratings.userId, userId), eq(ratings.movieId, movieId)));
  return row?.rating ?? null;
}

export interface UserRatingRow {
  movieId: number;
  rating: number;
  source: RatingSource;
  updatedAt: Date;
  title: string;
  year: number | null;
}

/** All of a user's ratings, newest first, with the movie title. */
export async function listUserRatings(db: Executor, userId: number): Promise<UserRatingRow[]> {
  return db
    .select({
      movieId: ratings.movieId,
      rating: ratings.rating,
      source: ratings.source,
      updatedAt: ratings.updatedAt,
      title: movies.title,
      year: movies.year,
    })
    .from(ratings)
    .innerJoin(movies, eq(movies.id, ratings.movieId))
    .where(eq(ratings.userId, userId))
    .orderBy(desc(ratings.updatedAt), desc(ratings.movieId));
}

/** One rating as the recommender reads it: `timestamp` in seconds, at millisecond precision. */
export interface RatingValue {
  item: number;
  rating: number;
  timestamp: number;
}

/**
 * A user's ratings as the recommender needs them, newest first in the same order as
 * {@link listUserRatings}, read as one packed text value rather than one row per rating (a MovieLens
 * user has up to 2,700): no titles, no join (every rating has its movie), no per-row decoding. Times
 * are truncated to whole milliseconds, as a `Date` would hold them.
 */
export async function listUserRatingValues(db: Executor, userId: number): Promise<RatingValue[]> {
  const result = (await db.execute(sql`
    select string_agg(
      ${ratings.movieId}::text || ',' || ${ratings.rating}::text || ',' ||
        floor(extract(epoch from ${ratings.updatedAt}) * 1000)::bigint::text,
      ';' order by ${ratings.updatedAt} desc, ${ratings.movieId} desc
    ) as packed
    from ${ratings}
    where ${ratings.userId} = ${userId}
  `)) as unknown;
  // postgres.js answers with the row array, PGlite with `{ rows }`.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    packed: string | null;
  }[];
  const packed = rows[0]?.packed;
  if (!packed) return [];
  return packed.split(';').map((entry) => {
    const [item, rating, ms] = entry.split(',');
    return { item: Number(item), rating: Number(rating), timestamp: Number(ms) / 1000 };
  });
}
