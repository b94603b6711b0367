import type { Database } from '../../src/db/client.ts';
import { movies, ratings, recommendationLog, users } from '../../src/db/schema.ts';
import { mulberry32 } from '../../src/random.ts';

/** A small community with known content, and the reference numbers computed from it in plain JS. */
export interface SyntheticCommunity {
  users: { id: number; externalId: string; tenant: string; displayName: string | null }[];
  movies: { id: number; title: string; year: number; genres: string[] }[];
  ratings: { userId: number; movieId: number; rating: number; ratedAt: Date }[];
}

const GENRES = ['Action', 'Comedy', 'Drama', 'Horror', 'Sci-Fi', '(no genres listed)'];
const DAY_MS = 24 * 3600 * 1000;

/** Fills an empty database with users in two tenants, movies and random ratings over ~40 days. */
export async function seedCommunity(db: Database, seed: number): Promise<SyntheticCommunity> {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const userRows = await db
    .insert(users)
    .values(
      Array.from({ length: 12 }, (_, i) => ({
        externalId: `console:u${seed}-${i}`,
        platform: 'console' as const,
        tenant: i % 3 === 0 ? 'guild-b' : 'guild-a',
        displayName: i % 4 === 0 ? null : `User ${i}`,
      })),
    )
    .returning();
  const movieRows = await db
    .insert(movies)
    .values(
      Array.from({ length: 25 }, (_, i) => ({
        title: i === 3 ? 'Same Title' : i === 4 ? 'Same Title' : `Film <${i}> & co`,
        year: 1990 + (i % 20),
        genres: [...new Set([pick(GENRES), pick(GENRES)])],
        source: 'manual' as const,
      })),
    )
    .returning();
  const start = Date.UTC(2025, 0, 1);
  const ratingRows: SyntheticCommunity['ratings'] = [];
  for (const u of userRows) {
    const n = Math.floor(rnd() * movieRows.length);
    const chosen = [...movieRows].sort(() => rnd() - 0.5).slice(0, n);
    for (const m of chosen) {
      ratingRows.push({
        userId: u.id,
        movieId: m.id,
        rating: (Math.floor(rnd() * 10) + 1) / 2,
        ratedAt: new Date(start + Math.floor(rnd() * 40 * DAY_MS)),
      });
    }
  }
  if (ratingRows.length > 0) {
    await db
      .insert(ratings)
      .values(ratingRows.map((r) => ({ ...r, source: 'command' as const, updatedAt: r.ratedAt })));
  }
  return {
    users: userRows.map((u) => ({
      id: u.id,
      externalId: u.externalId,
      tenant: u.tenant,
      displayName: u.displayName,
    })),
    movies: movieRows.map((m) => ({ id: m.id, title: m.title, year: m.year!, genres: m.genres })),
    ratings: ratingRows,
  };
}

/** Logs a recommendation at a given time. */
export async function logShown(
  db: Database,
  userId: number,
  movieId: number,
  shownAt: Date,
  model = 'hybrid',
) {
  await db.insert(recommendationLog).values({ userId, movieId, model, score: 1, shownAt });
}
