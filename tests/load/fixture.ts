import { pino } from 'pino';
import { generateRatings } from '../../bench/synthetic.ts';
import type { Database } from '../../src/db/client.ts';
import { movies, ratings, users } from '../../src/db/schema.ts';
import { type Logger, loggerOptions } from '../../src/logger.ts';

/** Rows per insert: well under Postgres' 65,535 bind parameters. */
const BATCH = 1_000;

/**
 * A small deterministic catalog with raters (generated like the benchmark's scale-up, seeded), so a
 * real model trains in a second and recommendations have collaborative signal.
 */
export async function seedCatalog(db: Database, options: { ratings?: number; seed?: number } = {}) {
  const data = generateRatings(options.ratings ?? 6_000, options.seed ?? 7);
  const movieRows = Array.from({ length: data.items }, (_, i) => ({
    movielensId: i + 1,
    title: `Load Test Movie ${i + 1}`,
    year: data.itemYear[i]!,
    genres: data.itemGenres[i]!,
    source: 'movielens' as const,
  }));
  const movieIds: number[] = [];
  for (let k = 0; k < movieRows.length; k += BATCH) {
    const rows = await db
      .insert(movies)
      .values(movieRows.slice(k, k + BATCH))
      .returning({ id: movies.id });
    movieIds.push(...rows.map((r) => r.id));
  }
  const userRows = Array.from({ length: data.users }, (_, u) => ({
    externalId: `movielens:${u + 1}`,
    platform: 'movielens' as const,
    tenant: 'local',
  }));
  const userIds: number[] = [];
  for (let k = 0; k < userRows.length; k += BATCH) {
    const rows = await db
      .insert(users)
      .values(userRows.slice(k, k + BATCH))
      .returning({ id: users.id });
    userIds.push(...rows.map((r) => r.id));
  }
  const ratingRows = Array.from({ length: data.user.length }, (_, k) => ({
    userId: userIds[data.user[k]!]!,
    movieId: movieIds[data.item[k]!]!,
    rating: data.halfStars[k]! / 2,
    source: 'import' as const,
    ratedAt: new Date(data.timestamp[k]! * 1000),
  }));
  for (let k = 0; k < ratingRows.length; k += BATCH)
    await db.insert(ratings).values(ratingRows.slice(k, k + BATCH));
  return { movies: movieIds.length, users: userIds.length, ratings: ratingRows.length };
}

/** Warnings and errors only, to stderr, so a failing run shows what the core logged. */
export function quietLogger(): Logger {
  return pino(loggerOptions(process.env.LOG_LEVEL ?? 'warn'), pino.destination(2));
}

/** How long the load test runs: `MOVIEREC_LOAD_SECONDS` (60 for the full run), 10 by default (CI). */
export function loadSeconds(): number {
  const v = Number(process.env.MOVIEREC_LOAD_SECONDS);
  return Number.isFinite(v) && v > 0 ? v : 10;
}
