import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { lockCatalogWrites } from './catalog-lock.ts';
import { type ImdbFilm, type ImdbProgress, type ImdbReadResult, readImdbDir } from './imdb-read.ts';
import { type Executor, packLists, queryRows } from './sql-rows.ts';
import type { TitledRow } from './title-match.ts';

export { CAST_PER_FILM, DEFAULT_MIN_VOTES, type ImdbProgress } from './imdb-read.ts';

/** Films per staging insert: one statement each, small enough for a lively progress bar. */
const STAGE_BATCH = 5_000;

export interface ImportImdbOptions {
  minVotes?: number;
  onProgress?: (p: ImdbProgress) => void;
  /** Called inside the import's transaction after staging, before the catalog changes (tests interrupt here). */
  beforeApply?: () => Promise<void> | void;
}

export interface ImportImdbResult {
  /** Feature films read, and kept (by votes or because the catalog has them). */
  featureFilms: number;
  kept: number;
  /** Catalog movies that gained IMDb data, and films that became new catalog items. */
  updated: number;
  added: number;
  /** Catalog rows without an IMDb id that were matched to their film by title and year. */
  linked: number;
}

/**
 * Imports an IMDb datasets directory into the catalog: films the catalog already has (by IMDb id, or by
 * title and year for the starter catalog, which then gains the IMDb id) get runtime, IMDb rating and
 * votes, directors, writers, billed cast and original title; films with at least `minVotes` votes that
 * it lacks become new movies (source `imdb`). Everything is written in one transaction under the
 * catalog write lock, through a staging table and set-based statements, so an interrupted import leaves
 * the catalog as it was; re-importing the same files changes nothing (rows whose values are already the
 * same are not touched, so running bots see no catalog change).
 */
export async function importImdb(
  db: Database,
  dir: string,
  options: ImportImdbOptions = {},
): Promise<ImportImdbResult> {
  const imdbIds = (
    await queryRows<{ imdb_id: string }>(db, sql`select imdb_id from movies where imdb_id is not null`)
  ).map((r) => r.imdb_id);
  const unlinked = await queryRows<TitledRow>(
    db,
    sql`select id, title, year from movies where imdb_id is null and year is not null`,
  );
  const read = await readImdbDir(dir, {
    minVotes: options.minVotes,
    catalog: { imdbIds, unlinked },
    onProgress: options.onProgress,
  });
  return applyImdbFilms(db, read, options);
}

/** Writes films already read (see {@link importImdb}). */
export async function applyImdbFilms(
  db: Database,
  read: ImdbReadResult,
  options: ImportImdbOptions = {},
): Promise<ImportImdbResult> {
  const progress = options.onProgress ?? (() => {});
  const { films } = read;
  return db.transaction(async (tx) => {
    await lockCatalogWrites(tx);
    await tx.execute(sql`
      create temp table imdb_stage (
        imdb_id text primary key, title text not null, original_title text, year int, runtime int,
        genres text[] not null, directors text[] not null, writers text[] not null, cast_ text[] not null,
        rating real, votes int, by_votes boolean not null, link_to int
      ) on commit drop`);
    progress({ stage: 'movies', done: 0, total: films.length });
    for (let from = 0; from < films.length; from += STAGE_BATCH) {
      await stage(tx, films.slice(from, from + STAGE_BATCH));
      progress({ stage: 'movies', done: Math.min(films.length, from + STAGE_BATCH), total: films.length });
    }
    await options.beforeApply?.();
    const linked = await queryRows<{ id: number }>(
      tx,
      sql`
      update movies m set imdb_id = s.imdb_id
      from imdb_stage s
      where s.link_to = m.id and m.imdb_id is null
        and not exists (select 1 from movies o where o.imdb_id = s.imdb_id)
      returning m.id`,
    );
    const updated = await queryRows<{ id: number }>(tx, updateExisting());
    const added = await queryRows<{ id: number }>(
      tx,
      sql`
      insert into movies (imdb_id, title, original_title, year, genres, runtime, directors, writers, "cast",
                          imdb_rating, imdb_votes, source)
      select s.imdb_id, s.title, s.original_title, s.year, s.genres, s.runtime, s.directors, s.writers, s.cast_,
             s.rating, s.votes, 'imdb'
      from imdb_stage s
      where s.by_votes and not exists (select 1 from movies m where m.imdb_id = s.imdb_id)
      order by s.imdb_id
      returning id`,
    );
    return {
      featureFilms: read.featureFilms,
      kept: films.length,
      updated: updated.length,
      added: added.length,
      linked: linked.length,
    };
  });
}

async function stage(tx: Executor, films: ImdbFilm[]): Promise<void> {
  const col = <T>(f: (film: ImdbFilm) => T) => sql.param(films.map(f));
  await tx.execute(sql`
    insert into imdb_stage
    select i.imdb_id, i.title, i.original_title, i.year, i.runtime,
           string_to_array(i.genres, E'\\x1f'), string_to_array(i.directors, E'\\x1f'),
           string_to_array(i.writers, E'\\x1f'), string_to_array(i.cast_, E'\\x1f'),
           i.rating, i.votes, i.by_votes <> 0, i.link_to
    from unnest(${col((f) => f.imdbId)}::text[], ${col((f) => f.title)}::text[],
                ${col((f) => f.originalTitle)}::text[], ${col((f) => f.year)}::int[],
                ${col((f) => f.runtime)}::int[],
                ${sql.param(packLists(films.map((f) => f.genres)))}::text[],
                ${sql.param(packLists(films.map((f) => f.directors)))}::text[],
                ${sql.param(packLists(films.map((f) => f.writers)))}::text[],
                ${sql.param(packLists(films.map((f) => f.cast)))}::text[],
                ${col((f) => f.rating)}::real[], ${col((f) => f.votes)}::int[],
                ${col((f) => (f.byVotes ? 1 : 0))}::int[], ${col((f) => f.linkTo)}::int[])
         as i(imdb_id, title, original_title, year, runtime, genres, directors, writers, cast_,
              rating, votes, by_votes, link_to)`);
}

/**
 * IMDb's figures and people replace what a catalog movie had (they are the more complete source), but
 * never with nothing. Title, year and genres are IMDb's only for films that came from IMDb or from the
 * starter catalog (whose genres and years are the least reliable); MovieLens keeps its own, which the
 * models were trained with. Rows already equal are left alone (idempotent, no spurious catalog change).
 */
function updateExisting() {
  return sql`
    with n as (
      select m.id,
             coalesce(s.runtime, m.runtime) as runtime,
             coalesce(s.rating, m.imdb_rating) as imdb_rating,
             coalesce(s.votes, m.imdb_votes) as imdb_votes,
             case when cardinality(s.directors) > 0 then s.directors else m.directors end as directors,
             case when cardinality(s.writers) > 0 then s.writers else m.writers end as writers,
             case when cardinality(s.cast_) > 0 then s.cast_ else m."cast" end as cast_,
             coalesce(s.original_title, m.original_title) as original_title,
             case when m.source = 'imdb' then s.title else m.title end as title,
             case when m.source in ('imdb', 'starter') then coalesce(s.year, m.year) else m.year end as year,
             case when m.source in ('imdb', 'starter') and cardinality(s.genres) > 0 then s.genres
                  else m.genres end as genres
      from movies m join imdb_stage s on s.imdb_id = m.imdb_id
    )
    update movies m set
      runtime = n.runtime, imdb_rating = n.imdb_rating, imdb_votes = n.imdb_votes, directors = n.directors,
      writers = n.writers, "cast" = n.cast_, original_title = n.original_title, title = n.title,
      year = n.year, genres = n.genres, updated_at = now()
    from n
    where m.id = n.id
      and (m.runtime, m.imdb_rating, m.imdb_votes, m.directors, m.writers, m."cast", m.original_title,
           m.title, m.year, m.genres)
          is distinct from
          (n.runtime, n.imdb_rating, n.imdb_votes, n.directors, n.writers, n.cast_, n.original_title,
           n.title, n.year, n.genres)
    returning m.id`;
}
