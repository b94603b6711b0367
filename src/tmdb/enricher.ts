import { eq, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import { TMDB } from 'tmdb-ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { movies } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { createTmdbCache, FOUND_TTL_MS, movieKey, NOT_FOUND_TTL_MS, searchKey } from './cache.ts';
import { createTmdbFetch, type TmdbFailureKind, TmdbRequestError } from './http.ts';
import {
  BACKDROP_SIZE,
  imageUrl,
  normalizeMovieDetails,
  POSTER_SIZE,
  pickSearchResult,
  providersForRegion,
  searchTitles,
  type TmdbMovieData,
  trailerUrl,
} from './normalize.ts';
import { tmdbNotConfigured } from './not-configured.ts';
import { createTokenBucket, TMDB_REQUESTS_PER_SECOND } from './rate-limit.ts';

/** Requests in flight at once: well under TMDB's ~50 requests/second ceiling. */
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_REGION = 'US';
/** Title searches per movie at most (title forms × with/without year). */
const MAX_SEARCH_CALLS = 3;
const APPEND = ['credits', 'videos', 'keywords', 'watch/providers'] as const;

/** What a movie card gains from TMDB. */
export interface MovieEnrichment {
  tmdbId: number;
  /** The film's TMDB page. */
  tmdbUrl: string;
  posterUrl: string | null;
  backdropUrl: string | null;
  overview: string | null;
  trailerUrl: string | null;
  /** Where to watch in the requested region ("Netflix", "Apple TV (rent)"); empty when unknown. */
  providers: string[];
  directors: string[];
  cast: string[];
  runtime: number | null;
  keywords: string[];
}

export interface EnrichProgress {
  done: number;
  total: number;
  enriched: number;
  notFound: number;
  failed: number;
}

export interface EnrichSummary extends EnrichProgress {
  /** Movies rows that gained poster, overview, people, runtime or keywords. */
  updated: number;
}

export interface TmdbEnricher {
  /** False when neither TMDB_API_KEY nor TMDB_READ_TOKEN is set: every call answers null. */
  readonly enabled: boolean;
  /**
   * TMDB data for a catalogue movie (cached; fetched and written back into the movies row on a miss).
   * Never throws: any failure (401, 404, 429, timeout, network, database) is logged and gives null.
   */
  enrichMovie(movieId: number, options?: { region?: string | null }): Promise<MovieEnrichment | null>;
  /**
   * Fills the cache for movies without a fresh entry, most-rated first. Throws a UserError when TMDB is
   * not configured or rejects the credentials (no point trying 9,000 more).
   */
  enrichAll(options?: {
    limit?: number;
    onProgress?: (progress: EnrichProgress) => void;
  }): Promise<EnrichSummary>;
}

export interface TmdbEnricherDeps {
  db: Database;
  config: Pick<Config, 'tmdb'>;
  logger: Logger;
  options?: {
    timeoutMs?: number;
    concurrency?: number;
    now?: () => Date;
    fetch?: typeof fetch;
    sleep?: (ms: number) => Promise<void>;
  };
}

type Loaded = { data: TmdbMovieData | null; fresh: boolean } | { failure: TmdbFailureKind };

/** Builds the TMDB enricher the bot core and `movierec enrich` use. */
export function createTmdbEnricher(deps: TmdbEnricherDeps): TmdbEnricher {
  const { db, logger } = deps;
  const tmdbConfig = deps.config.tmdb;
  const options = deps.options ?? {};
  const now = options.now ?? (() => new Date());
  const cache = createTmdbCache(db, now);
  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const inFlight = new Map<number, Promise<Loaded>>();
  const log = logger.child({ component: 'tmdb' });
  let warnedUnauthorized = false;

  const client = tmdbConfig
    ? (() => {
        const tmdbFetch = createTmdbFetch({
          auth: { apiKey: tmdbConfig.apiKey, readToken: tmdbConfig.readToken },
          apiUrl: tmdbConfig.apiUrl,
          timeoutMs: options.timeoutMs,
          logger: log,
          fetch: options.fetch,
          sleep: options.sleep,
          bucket: createTokenBucket({
            ratePerSecond: TMDB_REQUESTS_PER_SECOND,
            burst: TMDB_REQUESTS_PER_SECOND,
            sleep: options.sleep,
          }),
        });
        // The token passed here is only tmdb-ts' default header; createTmdbFetch sets the real auth.
        return new TMDB('', { fetch: tmdbFetch });
      })()
    : undefined;

  async function resolveTmdbId(row: typeof movies.$inferSelect): Promise<number | null> {
    if (row.tmdbId) return row.tmdbId;
    const key = searchKey(row.title, row.year);
    const cached = await cache.get<{ tmdbId: number }>(key);
    if (cached.hit) return cached.data?.tmdbId ?? null;
    let found: number | null = null;
    let calls = 0;
    for (const query of searchTitles(row.title)) {
      for (const year of row.year ? [row.year, undefined] : [undefined]) {
        if (found !== null || calls >= MAX_SEARCH_CALLS) break;
        calls++;
        const answer = await limit(() => client!.search.movies({ query, year }));
        found = pickSearchResult(answer, query, row.year);
      }
    }
    await cache.put(
      key,
      found === null ? null : { tmdbId: found },
      found === null ? NOT_FOUND_TTL_MS : FOUND_TTL_MS,
    );
    if (found !== null) await db.update(movies).set({ tmdbId: found }).where(eq(movies.id, row.id));
    return found;
  }

  async function load(movieId: number): Promise<Loaded> {
    try {
      const [row] = await db.select().from(movies).where(eq(movies.id, movieId)).limit(1);
      if (!row) return { data: null, fresh: false };
      const tmdbId = await resolveTmdbId(row);
      if (tmdbId === null) return { data: null, fresh: false };
      const cached = await cache.get<TmdbMovieData>(movieKey(tmdbId));
      if (cached.hit) return { data: cached.data, fresh: false };
      let data: TmdbMovieData | null;
      try {
        data = normalizeMovieDetails(await limit(() => client!.movies.details(tmdbId, [...APPEND])));
      } catch (error) {
        if (!(error instanceof TmdbRequestError) || error.kind !== 'not-found') throw error;
        data = null;
      }
      await cache.put(movieKey(tmdbId), data, data ? FOUND_TTL_MS : NOT_FOUND_TTL_MS);
      if (data) await writeBack(db, row, data, now());
      return { data, fresh: true };
    } catch (error) {
      const kind: TmdbFailureKind = error instanceof TmdbRequestError ? error.kind : 'http';
      if (kind === 'unauthorized') {
        if (!warnedUnauthorized) log.error({ movieId }, 'TMDB rejected the credentials (401); no enrichment');
        warnedUnauthorized = true;
      } else {
        // Expected API failures get one line; anything else (database, bugs) keeps its stack.
        const detail = error instanceof TmdbRequestError ? { reason: error.message } : { err: error };
        log.warn({ movieId, kind, ...detail }, 'TMDB enrichment failed; showing the card without it');
      }
      return { failure: kind };
    }
  }

  function loadOnce(movieId: number): Promise<Loaded> {
    const pending = inFlight.get(movieId);
    if (pending) return pending;
    const promise = load(movieId).finally(() => inFlight.delete(movieId));
    inFlight.set(movieId, promise);
    return promise;
  }

  return {
    enabled: client !== undefined,

    async enrichMovie(movieId, opts) {
      if (!client) return null;
      const loaded = await loadOnce(movieId);
      if ('failure' in loaded || !loaded.data) return null;
      return toEnrichment(loaded.data, opts?.region || DEFAULT_REGION);
    },

    async enrichAll(opts = {}) {
      if (!client) {
        throw tmdbNotConfigured();
      }
      const purged = await cache.purgeExpired();
      if (purged > 0) log.info({ purged }, 'TMDB cache: expired entries removed');
      const ids = await moviesNeedingEnrichment(db, now(), opts.limit);
      const progress: EnrichSummary = {
        done: 0,
        total: ids.length,
        enriched: 0,
        notFound: 0,
        failed: 0,
        updated: 0,
      };
      opts.onProgress?.({ ...progress });
      let unauthorized = false;
      const perMovie = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
      await Promise.all(
        ids.map((id) =>
          perMovie(async () => {
            if (unauthorized) return;
            const loaded = await loadOnce(id);
            if ('failure' in loaded) {
              progress.failed++;
              if (loaded.failure === 'unauthorized') unauthorized = true;
            } else if (loaded.data) {
              progress.enriched++;
              if (loaded.fresh) progress.updated++;
            } else {
              progress.notFound++;
            }
            progress.done++;
            opts.onProgress?.({ ...progress });
          }),
        ),
      );
      if (unauthorized) {
        throw new UserError(
          'tmdb-unauthorized',
          'TMDB rejected the credentials (401): check TMDB_API_KEY / TMDB_READ_TOKEN.',
        );
      }
      return progress;
    },
  };
}

function toEnrichment(data: TmdbMovieData, region: string): MovieEnrichment {
  return {
    tmdbId: data.tmdbId,
    tmdbUrl: `https://www.themoviedb.org/movie/${data.tmdbId}`,
    posterUrl: imageUrl(data.posterPath, POSTER_SIZE),
    backdropUrl: imageUrl(data.backdropPath, BACKDROP_SIZE),
    overview: data.overview,
    trailerUrl: trailerUrl(data.trailerKey),
    providers: providersForRegion(data, region),
    directors: data.directors,
    cast: data.cast,
    runtime: data.runtime,
    keywords: data.keywords,
  };
}

/**
 * Fills what the catalogue lacks, so the content model sees people and keywords; fields another source
 * already set are kept (MovieLens / IMDb data is not overwritten), keywords are added to the tags.
 */
async function writeBack(db: Database, row: typeof movies.$inferSelect, data: TmdbMovieData, at: Date) {
  const known = new Set(row.tags.map((t) => t.toLowerCase()));
  const newTags = data.keywords.filter((k) => !known.has(k.toLowerCase()));
  await db
    .update(movies)
    .set({
      tmdbId: row.tmdbId ?? data.tmdbId,
      posterUrl: row.posterUrl ?? imageUrl(data.posterPath, POSTER_SIZE),
      overview: row.overview?.trim() ? row.overview : data.overview,
      runtime: row.runtime ?? data.runtime,
      directors: row.directors.length > 0 ? row.directors : data.directors,
      cast: row.cast.length > 0 ? row.cast : data.cast,
      tags: [...row.tags, ...newTags],
      updatedAt: at,
    })
    .where(eq(movies.id, row.id));
}

/** Movie ids without a fresh cache entry (by TMDB id, or by title search when the id is unknown). */
async function moviesNeedingEnrichment(db: Database, at: Date, max?: number): Promise<number[]> {
  const atIso = at.toISOString();
  const query = db
    .select({ id: movies.id })
    .from(movies)
    .where(
      sql`not exists (select 1 from tmdb_cache c where c.expires_at > ${atIso}::timestamptz and c.key = case
            when ${movies.tmdbId} is not null then 'movie:' || ${movies.tmdbId}
            else 'search:' || lower(trim(${movies.title})) || ':' || coalesce(${movies.year}::text, '') end)`,
    )
    .orderBy(sql`(select count(*) from ratings r where r.movie_id = ${movies.id}) desc`, movies.id);
  const rows = max !== undefined ? await query.limit(max) : await query;
  return rows.map((r) => r.id);
}
