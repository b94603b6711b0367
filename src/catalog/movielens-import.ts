import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { lockCatalogWrites } from './catalog-lock.ts';
import { type MovieLensData, naturalTitle, readMovieLensDir } from './movielens-files.ts';
import { aggregateTags, MAX_TAGS_PER_MOVIE } from './movielens-tags.ts';
import { chunks, type Executor, packLists, queryRows } from './sql-rows.ts';
import { matchByTitleAndYear, type TitledRow } from './title-match.ts';

/** Rows per insert statement: big enough to be fast, small enough for a lively progress bar. */
const MOVIE_BATCH = 5_000;
const RATING_BATCH = 20_000;

/** Prefix of the users created for MovieLens raters: `movielens:<userId>`. */
export const MOVIELENS_USER_PREFIX = 'movielens:';

export type ImportStage = 'movies' | 'users' | 'ratings';

export interface ImportProgress {
  stage: ImportStage;
  /** Rows of this stage written so far, and in all. */
  done: number;
  total: number;
}

export interface ImportMovieLensOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Import a known release that does not match what it publishes (see {@link readMovieLensDir}). */
  force?: boolean;
}

export interface ImportMovieLensResult {
  /** Rows read from the files (the same on every re-import of the same directory). */
  movies: number;
  users: number;
  ratings: number;
  /** Tag applications read from tags.csv (aggregated into `movies.tags`). */
  tags: number;
  /** Movies that already existed (e.g. from the starter catalog) and were merged, not duplicated. */
  mergedMovies: number;
  /** Notes about repaired data (duplicate ratings, unknown movies), from {@link readMovieLensDir}. */
  warnings: string[];
}

/**
 * Imports a MovieLens directory (ml-latest-small layout) into the database: movies upserted by
 * MovieLens id (merged into an existing row with the same IMDb id, or into a starter-catalog row with
 * the same title and year give or take one; MovieLens then supplies title, year and genres, while
 * fields only the other source has, such as directors and runtime, stay), one user per MovieLens user
 * (`movielens:<id>`), and their ratings upserted with source `import`. Runs in one transaction, so a failure leaves the database as it was;
 * re-importing the same directory changes nothing.
 */
export async function importMovieLens(
  db: Database,
  dir: string,
  options: ImportMovieLensOptions = {},
): Promise<ImportMovieLensResult> {
  const data = readMovieLensDir(dir, { force: options.force });
  return importMovieLensData(db, data, options);
}

/** {@link importMovieLens} for data already read. */
export async function importMovieLensData(
  db: Database,
  data: MovieLensData,
  options: ImportMovieLensOptions = {},
): Promise<ImportMovieLensResult> {
  const progress = options.onProgress ?? (() => {});
  const userIds = [...new Set(data.ratings.map((r) => r.userId))].sort((a, b) => a - b);
  const mergedMovies = await db.transaction(async (tx) => {
    await lockCatalogWrites(tx);
    const merged = await upsertMovies(tx, data, progress);
    const userMap = await upsertUsers(tx, userIds, progress);
    await upsertRatings(tx, data, userMap, progress);
    return merged;
  });
  return {
    movies: data.movies.length,
    users: userIds.length,
    ratings: data.ratings.length,
    tags: data.tags.length,
    mergedMovies,
    warnings: data.warnings,
  };
}

interface MovieColumns {
  ids: number[];
  titles: string[];
  years: (number | null)[];
  genres: string[];
  tags: string[];
  imdb: (string | null)[];
  tmdb: (number | null)[];
}

/** Every movie as parallel columns, ready to pass as one array parameter per column. */
function movieColumns(data: MovieLensData): MovieColumns {
  const tagsByMovie = aggregateTags(data.tags);
  const links = new Map(data.links.map((l) => [l.movieId, l]));
  const seenImdb = new Set<string>();
  const cols: MovieColumns = { ids: [], titles: [], years: [], genres: [], tags: [], imdb: [], tmdb: [] };
  for (const m of data.movies) {
    const link = links.get(m.movieId);
    // IMDb ids are unique in the table; a second MovieLens movie claiming one keeps none.
    const imdb = link?.imdbId && !seenImdb.has(link.imdbId) ? link.imdbId : null;
    if (imdb) seenImdb.add(imdb);
    cols.ids.push(m.movieId);
    cols.titles.push(naturalTitle(m.title));
    cols.years.push(m.year);
    cols.imdb.push(imdb);
    cols.tmdb.push(link?.tmdbId ?? null);
  }
  cols.genres = packLists(data.movies.map((m) => m.genres));
  cols.tags = packLists(data.movies.map((m) => tagsByMovie.get(m.movieId) ?? []));
  return cols;
}

function sliceColumns(c: MovieColumns, from: number, to: number): MovieColumns {
  return {
    ids: c.ids.slice(from, to),
    titles: c.titles.slice(from, to),
    years: c.years.slice(from, to),
    genres: c.genres.slice(from, to),
    tags: c.tags.slice(from, to),
    imdb: c.imdb.slice(from, to),
    tmdb: c.tmdb.slice(from, to),
  };
}

async function upsertMovies(
  tx: Executor,
  data: MovieLensData,
  progress: (p: ImportProgress) => void,
): Promise<number> {
  const all = movieColumns(data);
  const total = data.movies.length;
  progress({ stage: 'movies', done: 0, total });
  const merged = await linkExistingMovies(tx, all);
  for (let from = 0; from < total; from += MOVIE_BATCH) {
    const c = sliceColumns(all, from, from + MOVIE_BATCH);
    await tx.execute(sql`
      insert into movies (movielens_id, imdb_id, tmdb_id, title, year, genres, tags, source)
      select i.ml_id,
             case when i.imdb_id is not null and not exists (
               select 1 from movies o where o.imdb_id = i.imdb_id and o.movielens_id is distinct from i.ml_id
             ) then i.imdb_id end,
             i.tmdb_id, i.title, i.year,
             string_to_array(i.genres, E'\\x1f'), string_to_array(i.tags, E'\\x1f'), 'movielens'
      from unnest(${sql.param(c.ids)}::int[], ${sql.param(c.imdb)}::text[], ${sql.param(c.tmdb)}::int[],
                  ${sql.param(c.titles)}::text[], ${sql.param(c.years)}::int[],
                  ${sql.param(c.genres)}::text[], ${sql.param(c.tags)}::text[])
           as i(ml_id, imdb_id, tmdb_id, title, year, genres, tags)
      on conflict (movielens_id) do update set
        imdb_id = coalesce(movies.imdb_id, excluded.imdb_id),
        tmdb_id = coalesce(movies.tmdb_id, excluded.tmdb_id),
        title = case when movies.source = 'manual' then movies.title else excluded.title end,
        year = case when movies.source = 'manual' then coalesce(movies.year, excluded.year)
                    else coalesce(excluded.year, movies.year) end,
        genres = case when cardinality(excluded.genres) > 0 then excluded.genres else movies.genres end,
        tags = (excluded.tags || array(
          select t from unnest(movies.tags) as t where not (t = any(excluded.tags))
        ))[1:${MAX_TAGS_PER_MOVIE}],
        updated_at = now()`);
    progress({ stage: 'movies', done: Math.min(total, from + MOVIE_BATCH), total });
  }
  return merged;
}

/**
 * Gives rows that do not yet have a MovieLens id the id of the same film: same IMDb id, or (for the
 * starter catalog, which has no IMDb ids) a matching title and year. Returns how many rows were linked.
 */
async function linkExistingMovies(tx: Executor, c: MovieColumns): Promise<number> {
  const byImdb = await queryRows<{ id: number }>(
    tx,
    sql`
    update movies m set movielens_id = i.ml_id, updated_at = now()
    from unnest(${sql.param(c.ids)}::int[], ${sql.param(c.imdb)}::text[]) as i(ml_id, imdb_id)
    where m.movielens_id is null and i.imdb_id is not null and m.imdb_id = i.imdb_id
      and not exists (select 1 from movies o where o.movielens_id = i.ml_id)
    returning m.id`,
  );
  const starters = await queryRows<TitledRow>(
    tx,
    sql`select id, title, year from movies
        where movielens_id is null and imdb_id is null and source = 'starter' and year is not null`,
  );
  if (starters.length === 0) return byImdb.length;
  const linked = new Set(
    (
      await queryRows<{ movielens_id: number }>(
        tx,
        sql`select movielens_id from movies where movielens_id is not null`,
      )
    ).map((r) => r.movielens_id),
  );
  const candidates: TitledRow[] = [];
  c.ids.forEach((id, i) => {
    if (!linked.has(id)) candidates.push({ id, title: c.titles[i]!, year: c.years[i]! });
  });
  const matches = matchByTitleAndYear(starters, candidates);
  if (matches.size === 0) return byImdb.length;
  await tx.execute(sql`
    update movies m set movielens_id = i.ml_id, updated_at = now()
    from unnest(${sql.param([...matches.keys()])}::int[], ${sql.param([...matches.values()])}::int[])
         as i(row_id, ml_id)
    where m.id = i.row_id`);
  return byImdb.length + matches.size;
}

async function upsertUsers(
  tx: Executor,
  userIds: number[],
  progress: (p: ImportProgress) => void,
): Promise<Map<number, number>> {
  progress({ stage: 'users', done: 0, total: userIds.length });
  const externalIds = userIds.map((id) => `${MOVIELENS_USER_PREFIX}${id}`);
  await tx.execute(sql`
    insert into users (external_id, platform, tenant)
    select e, 'movielens', 'movielens' from unnest(${sql.param(externalIds)}::text[]) as e
    on conflict (external_id) do nothing`);
  const rows = await queryRows<{ id: number; external_id: string }>(
    tx,
    sql`select id, external_id from users where external_id = any(${sql.param(externalIds)}::text[])`,
  );
  progress({ stage: 'users', done: userIds.length, total: userIds.length });
  return new Map(rows.map((r) => [Number(r.external_id.slice(MOVIELENS_USER_PREFIX.length)), r.id]));
}

async function upsertRatings(
  tx: Executor,
  data: MovieLensData,
  userMap: Map<number, number>,
  progress: (p: ImportProgress) => void,
): Promise<void> {
  const movieRows = await queryRows<{ id: number; movielens_id: number }>(
    tx,
    sql`select id, movielens_id from movies where movielens_id is not null`,
  );
  const movieMap = new Map(movieRows.map((r) => [r.movielens_id, r.id]));
  const total = data.ratings.length;
  let done = 0;
  progress({ stage: 'ratings', done, total });
  for (const batch of chunks(data.ratings, RATING_BATCH)) {
    const users = batch.map((r) => userMap.get(r.userId)!);
    const items = batch.map((r) => movieMap.get(r.movieId)!);
    await tx.execute(sql`
      insert into ratings (user_id, movie_id, rating, source, rated_at, updated_at)
      select i.user_id, i.movie_id, i.rating, 'import', to_timestamp(i.ts), now()
      from unnest(${sql.param(users)}::int[], ${sql.param(items)}::int[],
                  ${sql.param(batch.map((r) => r.rating))}::real[],
                  ${sql.param(batch.map((r) => r.timestamp))}::float8[]) as i(user_id, movie_id, rating, ts)
      on conflict (user_id, movie_id) do update set
        rating = excluded.rating, rated_at = excluded.rated_at, source = excluded.source, updated_at = now()
      where ratings.rating is distinct from excluded.rating or ratings.rated_at is distinct from excluded.rated_at`);
    done += batch.length;
    progress({ stage: 'ratings', done, total });
  }
}
