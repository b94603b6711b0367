import { and, desc, eq, sql } from 'drizzle-orm';
import { UserError } from '../../errors.ts';
import { movies, type RATING_SOURCES, ratings } from '../schema.ts';
import type { Executor } from './executor.ts';
import { storedUnder } from './users.ts';

export type RatingSource = (typeof RATING_SOURCES)[number];

export const MIN_STARS = 0.5;
export const MAX_STARS = 5;

/** True for 0.5–5 in half-star steps, the range the database accepts. */
export function isValidStars(stars: number): boolean {
  return Number.isFinite(stars) && stars >= MIN_STARS && stars <= MAX_STARS && Number.isInteger(stars * 2);
}

/**
 * Sets the user's rating of a movie (idempotent upsert) and returns the rating it replaced, if any.
 * Rows are locked while read, so concurrent writers in transactions see each other's results. Here and
 * in every function below, `userId` is an account: a linked account's ratings are its profile's
 * ({@link storedUnder}).
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
    .where(and(eq(ratings.userId, storedUnder(userId)), eq(ratings.movieId, movieId)))
    .for('update');
  await db
    .insert(ratings)
    .values({ userId: storedUnder(userId), movieId, rating: stars, source })
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
    .where(and(eq(ratings.userId, storedUnder(userId)), eq(ratings.movieId, movieId)))
    .returning({ rating: ratings.rating });
  return row?.rating ?? null;
}

/** The user's rating of one movie, or null. */
export async function getRating(db: Executor, userId: number, movieId: number): Promise<number | null> {
  const [row] = await db
    .select({ rating: ratings.rating })
    .from(ratings)
    .where(and(eq(ratings.userId, storedUnder(userId)), eq(ratings.movieId, movieId)));
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
    .where(eq(ratings.userId, storedUnder(userId)))
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
    where ${ratings.userId} = ${storedUnder(userId)}
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

/** Rows per statement of {@link upsertRatingsBulk}: thousands per round trip, well under any parameter limit. */
export const BULK_RATING_BATCH = 5_000;

export interface BulkRatingResult {
  /** Ratings the user did not have before. */
  inserted: number;
  /** Ratings whose stars changed. */
  updated: number;
  /** Ratings already stored with the same stars (left alone, their time kept). */
  unchanged: number;
  /** Movies no longer in the catalog when written (skipped). */
  missingMovies: number;
}

/** One user's ratings as parallel columns: movie ids and stars at the same positions. */
export interface RatingColumns {
  movieIds: ArrayLike<number>;
  stars: ArrayLike<number>;
}

/**
 * Sets many of one user's ratings set-based: each statement inserts up to {@link BULK_RATING_BATCH}
 * rows from `unnest` arrays and updates those that exist, all in one transaction (so an import lands
 * whole or not at all) of a handful of statements instead of one round trip per rating. A rating that
 * is already stored with the same stars is not touched. `items` must not name a movie twice. Takes
 * either rating objects or {@link RatingColumns} (an import's typed arrays, not unpacked into objects).
 */
export async function upsertRatingsBulk(
  db: Executor,
  userId: number,
  items: readonly { movieId: number; stars: number }[] | RatingColumns,
  source: RatingSource,
): Promise<BulkRatingResult> {
  const columns: RatingColumns = Array.isArray(items)
    ? { movieIds: items.map((i) => i.movieId), stars: items.map((i) => i.stars) }
    : (items as RatingColumns);
  const count = columns.movieIds.length;
  if (columns.stars.length !== count) throw new Error('upsertRatingsBulk: columns of different lengths');
  for (let i = 0; i < count; i++) {
    if (!isValidStars(columns.stars[i]!))
      throw new UserError('bad-stars', `Ratings go from ${MIN_STARS} to ${MAX_STARS} stars in half steps.`);
  }
  const result: BulkRatingResult = { inserted: 0, updated: 0, unchanged: 0, missingMovies: 0 };
  if (count === 0) return result;
  await db.transaction(async (tx) => {
    for (let from = 0; from < count; from += BULK_RATING_BATCH) {
      const to = Math.min(count, from + BULK_RATING_BATCH);
      const movieIds = Array.from({ length: to - from }, (_, i) => columns.movieIds[from + i]!);
      const stars = Array.from({ length: to - from }, (_, i) => columns.stars[from + i]!);
      const out = (await tx.execute(sql`
        with input as (
          select i.movie_id, i.rating
          from unnest(${sql.param(movieIds)}::int[], ${sql.param(stars)}::real[]) as i(movie_id, rating)
          join ${movies} m on m.id = i.movie_id
        ), written as (
          insert into ${ratings} (user_id, movie_id, rating, source)
          select ${storedUnder(userId)}, movie_id, rating, ${source}::text from input
          on conflict (user_id, movie_id) do update
            set rating = excluded.rating, source = excluded.source, updated_at = now()
            where ${ratings}.rating is distinct from excluded.rating
          returning (xmax = 0) as inserted
        )
        select (select count(*) from input)::int as present,
               (select count(*) from written where inserted)::int as inserted,
               (select count(*) from written where not inserted)::int as updated`)) as unknown;
      const rows = (Array.isArray(out) ? out : (out as { rows: unknown[] }).rows) as {
        present: number;
        inserted: number;
        updated: number;
      }[];
      const { present, inserted, updated } = rows[0]!;
      result.inserted += Number(inserted);
      result.updated += Number(updated);
      result.unchanged += Number(present) - Number(inserted) - Number(updated);
      result.missingMovies += to - from - Number(present);
    }
  });
  return result;
}
