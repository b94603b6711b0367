import { and, eq, gt, lte } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { tmdbCache } from '../db/schema.ts';

/** Found movies change slowly (providers do change, hence not forever). */
export const FOUND_TTL_MS = 14 * 24 * 3600 * 1000;
/** "Not found" is retried sooner: TMDB adds films and fixes ids. */
export const NOT_FOUND_TTL_MS = 3 * 24 * 3600 * 1000;

export type CacheLookup<T> = { hit: true; data: T | null } | { hit: false };

/** The TMDB answer cache in Postgres / PGlite, shared by every bot process. */
export interface TmdbCache {
  get<T>(key: string): Promise<CacheLookup<T>>;
  /** Stores `data` (null = "TMDB has no such film") until `ttlMs` from now. */
  put(key: string, data: object | null, ttlMs: number): Promise<void>;
  /** Deletes expired rows; returns how many went. */
  purgeExpired(): Promise<number>;
}

export const movieKey = (tmdbId: number) => `movie:${tmdbId}`;
export const searchKey = (title: string, year: number | null) =>
  `search:${title.trim().toLowerCase()}:${year ?? ''}`;

export function createTmdbCache(db: Database, now: () => Date = () => new Date()): TmdbCache {
  return {
    async get<T>(key: string): Promise<CacheLookup<T>> {
      const [row] = await db
        .select({ data: tmdbCache.data })
        .from(tmdbCache)
        .where(and(eq(tmdbCache.key, key), gt(tmdbCache.expiresAt, now())))
        .limit(1);
      return row ? { hit: true, data: (row.data ?? null) as T | null } : { hit: false };
    },
    async put(key, data, ttlMs) {
      const fetchedAt = now();
      const expiresAt = new Date(fetchedAt.getTime() + ttlMs);
      const value = data as Record<string, unknown> | null;
      await db
        .insert(tmdbCache)
        .values({ key, data: value, fetchedAt, expiresAt })
        .onConflictDoUpdate({ target: tmdbCache.key, set: { data: value, fetchedAt, expiresAt } });
    },
    async purgeExpired() {
      const gone = await db
        .delete(tmdbCache)
        .where(lte(tmdbCache.expiresAt, now()))
        .returning({ key: tmdbCache.key });
      return gone.length;
    },
  };
}
