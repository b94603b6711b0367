import { sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import { TMDB } from 'tmdb-ts';
import { lockCatalogWrites } from '../catalog/catalog-lock.ts';
import { packLists, queryRows } from '../catalog/sql-rows.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { createTmdbCache, FOUND_TTL_MS, movieKey } from './cache.ts';
import { createTmdbFetch, TmdbRequestError } from './http.ts';
import { tmdbNotConfigured } from './not-configured.ts';
import { createTokenBucket, TMDB_REQUESTS_PER_SECOND } from './rate-limit.ts';
import { normalizeRelease, type ReleaseMovie, releaseListIds } from './release.ts';

/** Pages of each list read per run (20 films a page). */
export const DEFAULT_SYNC_PAGES = 2;
/** New films fetched and added per run at most: a run is a few dozen requests, never thousands. */
export const DEFAULT_SYNC_MAX_NEW = 40;
const DETAIL_APPEND = ['credits', 'keywords', 'videos', 'watch/providers'] as const;
const CONCURRENCY = 4;

export interface SyncProgress {
  done: number;
  total: number;
}

export interface SyncReleasesOptions {
  pages?: number;
  maxNew?: number;
  /** ISO 3166-1 region for release dates (TMDB's `region`), e.g. `US`. */
  region?: string;
  onProgress?: (p: SyncProgress) => void;
}

export interface SyncReleasesResult {
  /** Films listed as now playing or upcoming. */
  listed: number;
  /** New catalog movies, and existing ones (same IMDb id, e.g. from `import imdb`) that gained TMDB data. */
  added: number;
  updated: number;
  /** Listed films the catalog already had by TMDB id. */
  known: number;
  /** New films left for the next run because of `maxNew`, and films whose details could not be fetched. */
  deferred: number;
  failed: number;
}

export interface TmdbSyncDeps {
  db: Database;
  config: Pick<Config, 'tmdb'>;
  logger: Logger;
  options?: {
    fetch?: typeof fetch;
    sleep?: (ms: number) => Promise<void>;
    now?: () => Date;
    timeoutMs?: number;
  };
}

/**
 * Adds TMDB's now-playing and upcoming films to the catalog, with their credits (directors, writers,
 * billed cast), keywords, genres, runtime, overview and poster. Films the catalog has by TMDB id are
 * skipped; one with the same IMDb id gains the TMDB data instead of a duplicate. Bounded: at most
 * `maxNew` detail requests per run, paced under TMDB's rate ceiling. The answers also fill the card
 * cache, so the new films' cards need no further call.
 */
export async function syncNewReleases(
  deps: TmdbSyncDeps,
  options: SyncReleasesOptions = {},
): Promise<SyncReleasesResult> {
  const tmdbConfig = deps.config.tmdb;
  if (!tmdbConfig) {
    throw tmdbNotConfigured();
  }
  const log = deps.logger.child({ component: 'tmdb-sync' });
  const o = deps.options ?? {};
  const client = new TMDB('', {
    fetch: createTmdbFetch({
      auth: { apiKey: tmdbConfig.apiKey, readToken: tmdbConfig.readToken },
      apiUrl: tmdbConfig.apiUrl,
      timeoutMs: o.timeoutMs,
      logger: log,
      fetch: o.fetch,
      sleep: o.sleep,
      bucket: createTokenBucket({
        ratePerSecond: TMDB_REQUESTS_PER_SECOND,
        burst: TMDB_REQUESTS_PER_SECOND,
        sleep: o.sleep,
      }),
    }),
  });
  const pages = options.pages ?? DEFAULT_SYNC_PAGES;
  const maxNew = options.maxNew ?? DEFAULT_SYNC_MAX_NEW;
  const region = options.region?.toUpperCase();

  const listed: number[] = [];
  for (const list of ['nowPlaying', 'upcoming'] as const) {
    for (let page = 1; page <= pages; page++) {
      const answer = await call(() => client.movies[list]({ page, ...(region ? { region } : {}) }));
      const { ids, totalPages } = releaseListIds(answer);
      listed.push(...ids);
      if (page >= totalPages) break;
    }
  }
  const unique = [...new Set(listed)];
  const knownRows = await queryRows<{ tmdb_id: number }>(
    deps.db,
    sql`select tmdb_id from movies where tmdb_id = any(${sql.param(unique)}::int[])`,
  );
  const known = new Set(knownRows.map((r) => r.tmdb_id));
  const fresh = unique.filter((id) => !known.has(id));
  const wanted = fresh.slice(0, maxNew);

  const cache = createTmdbCache(deps.db, o.now);
  const limit = pLimit(CONCURRENCY);
  const releases: ReleaseMovie[] = [];
  let failed = 0;
  let done = 0;
  options.onProgress?.({ done, total: wanted.length });
  await Promise.all(
    wanted.map((id) =>
      limit(async () => {
        try {
          const release = normalizeRelease(await call(() => client.movies.details(id, [...DETAIL_APPEND])));
          if (!release.adult && release.title !== '') {
            releases.push(release);
            await cache.put(movieKey(id), release.cached, FOUND_TTL_MS);
          }
        } catch (error) {
          if (error instanceof TmdbRequestError && error.kind === 'unauthorized') throw unauthorized();
          failed++;
          log.warn(
            { tmdbId: id, reason: (error as Error).message },
            'TMDB sync: details failed; next run retries',
          );
        }
        options.onProgress?.({ done: ++done, total: wanted.length });
      }),
    ),
  );
  releases.sort((a, b) => a.tmdbId - b.tmdbId);
  const { added, updated } = await writeReleases(deps.db, releases);
  const result: SyncReleasesResult = {
    listed: unique.length,
    added,
    updated,
    known: known.size,
    deferred: fresh.length - wanted.length,
    failed,
  };
  log.info(result, 'TMDB sync done');
  return result;

  async function call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof TmdbRequestError && error.kind === 'unauthorized') throw unauthorized();
      throw error;
    }
  }
}

function unauthorized(): UserError {
  return new UserError(
    'tmdb-unauthorized',
    'TMDB rejected the credentials (401): check TMDB_API_KEY / TMDB_READ_TOKEN.',
  );
}

/**
 * One transaction under the catalog write lock: films whose IMDb id the catalog has gain TMDB's id and
 * fill their empty fields; the others become movies with source `tmdb`.
 */
async function writeReleases(
  db: Database,
  releases: ReleaseMovie[],
): Promise<{ added: number; updated: number }> {
  if (releases.length === 0) return { added: 0, updated: 0 };
  const col = <T>(f: (r: ReleaseMovie) => T) => sql.param(releases.map(f));
  const input = sql`
    select * from unnest(${col((r) => r.tmdbId)}::int[], ${col((r) => r.imdbId)}::text[],
                         ${col((r) => r.title)}::text[], ${col((r) => r.originalTitle)}::text[],
                         ${col((r) => r.year)}::int[], ${col((r) => r.runtime)}::int[],
                         ${sql.param(packLists(releases.map((r) => r.genres)))}::text[],
                         ${sql.param(packLists(releases.map((r) => r.directors)))}::text[],
                         ${sql.param(packLists(releases.map((r) => r.writers)))}::text[],
                         ${sql.param(packLists(releases.map((r) => r.cast)))}::text[],
                         ${sql.param(packLists(releases.map((r) => r.keywords)))}::text[],
                         ${col((r) => r.overview)}::text[], ${col((r) => r.posterUrl)}::text[])
      as i(tmdb_id, imdb_id, title, original_title, year, runtime, genres, directors, writers, cast_, tags,
           overview, poster_url)`;
  return db.transaction(async (tx) => {
    await lockCatalogWrites(tx);
    const updated = await queryRows<{ id: number }>(
      tx,
      sql`
      with i as (${input})
      update movies m set
        tmdb_id = i.tmdb_id,
        runtime = coalesce(m.runtime, i.runtime),
        directors = case when cardinality(m.directors) > 0 then m.directors
                         else string_to_array(i.directors, E'\\x1f') end,
        writers = case when cardinality(m.writers) > 0 then m.writers else string_to_array(i.writers, E'\\x1f') end,
        "cast" = case when cardinality(m."cast") > 0 then m."cast" else string_to_array(i.cast_, E'\\x1f') end,
        tags = m.tags || array(select t from unnest(string_to_array(i.tags, E'\\x1f')) t where not (t = any(m.tags))),
        overview = coalesce(nullif(trim(m.overview), ''), i.overview),
        poster_url = coalesce(m.poster_url, i.poster_url),
        updated_at = now()
      from i
      where i.imdb_id is not null and m.imdb_id = i.imdb_id and m.tmdb_id is null
      returning m.id`,
    );
    const added = await queryRows<{ id: number }>(
      tx,
      sql`
      with i as (${input})
      insert into movies (tmdb_id, imdb_id, title, original_title, year, runtime, genres, directors, writers,
                          "cast", tags, overview, poster_url, source)
      select i.tmdb_id, i.imdb_id, i.title, i.original_title, i.year, i.runtime,
             string_to_array(i.genres, E'\\x1f'), string_to_array(i.directors, E'\\x1f'),
             string_to_array(i.writers, E'\\x1f'), string_to_array(i.cast_, E'\\x1f'),
             string_to_array(i.tags, E'\\x1f'), i.overview, i.poster_url, 'tmdb'
      from i
      where not exists (select 1 from movies m where m.tmdb_id = i.tmdb_id)
        and (i.imdb_id is null or not exists (select 1 from movies m where m.imdb_id = i.imdb_id))
      returning id`,
    );
    return { added: added.length, updated: updated.length };
  });
}
