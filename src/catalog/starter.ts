import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { movies } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { lockCatalogWrites } from './catalog-lock.ts';
import { repairMojibake } from './mojibake.ts';
import { naturalTitle, parseMovieLensTitle } from './movielens-title.ts';
import { packLists, queryRows } from './sql-rows.ts';

/** One row of vega-datasets' `data/movies.json`. */
export interface VegaMovie {
  Title: string | number | null;
  'Release Date': string | null;
  'MPAA Rating': string | null;
  'Running Time min': number | null;
  'Major Genre': string | null;
  'Creative Type': string | null;
  Director: string | null;
  'IMDB Rating': number | null;
  'IMDB Votes': number | null;
  'US Gross'?: number | null;
}

export type StarterMovie = typeof movies.$inferInsert;

/** vega's "Major Genre" in MovieLens genre names. */
const MAJOR_GENRES: Record<string, string[]> = {
  Action: ['Action'],
  Adventure: ['Adventure'],
  'Black Comedy': ['Comedy'],
  Comedy: ['Comedy'],
  'Concert/Performance': ['Documentary'],
  Documentary: ['Documentary'],
  Drama: ['Drama'],
  Horror: ['Horror'],
  Musical: ['Musical'],
  'Romantic Comedy': ['Comedy', 'Romance'],
  'Thriller/Suspense': ['Thriller'],
  Western: ['Western'],
};

/**
 * vega's "Creative Type" where it says something MovieLens has a genre for.
 *
 * Every mapping here and in {@link MAJOR_GENRES} was checked against MovieLens' genres for the ~2,300
 * vega films that ml-latest-small also has (same title, year ± 1): each kept mapping agrees with
 * MovieLens for at least 75% of them (Science Fiction → Sci-Fi 90%, Thriller/Suspense → Thriller 93%,
 * Adventure → Adventure 78%). Dropped for agreeing too rarely: Fantasy → Fantasy (58%: vega calls much
 * plain drama "Fantasy"), Super Hero → Adventure (51%), Concert/Performance → Musical (0 of 2).
 */
const CREATIVE_TYPES: Record<string, string[]> = {
  'Science Fiction': ['Sci-Fi'],
  'Super Hero': ['Action'],
  'Kids Fiction': ['Children'],
};

/**
 * A film that took at least this much at the US box office sold over a million tickets; fewer than
 * {@link MIN_PLAUSIBLE_VOTES} IMDb votes for it means vega joined the IMDb figures of an obscure namesake
 * ("Aliens", $85M, 84 votes; "Die Hard", $81M, 237 votes). 94 rows; their figures are dropped.
 */
const BOX_OFFICE_HIT_USD = 10_000_000;
const MIN_PLAUSIBLE_VOTES = 1_000;

/** The data set ends around 2010; later years are two-digit years read in the wrong century (1946 → 2046). */
const LAST_PLAUSIBLE_YEAR = 2012;

/** Reads vega-datasets' movies.json from the installed package (never its CDN-fetching default export). */
export function readVegaMovies(): VegaMovie[] {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  const file = new URL('../data/movies.json', pathToFileURL(entry));
  return JSON.parse(fs.readFileSync(file, 'utf8')) as VegaMovie[];
}

/**
 * Maps vega-datasets rows to movie rows: natural string titles with mis-decoded accents repaired
 * ({@link repairMojibake}), a year from the release date (see {@link releaseYear}), MovieLens genre
 * names, director, runtime, certificate and IMDb figures. Rows without a title are dropped, and so are
 * repeats of the same title and year. IMDb figures are dropped where they cannot be the film's own:
 * implausibly few votes for a box-office hit, or the same rating and votes on films of the same title
 * from different years (vega joined both remakes to one IMDb entry, and nothing says which).
 */
export function starterMovies(rows: readonly VegaMovie[]): StarterMovie[] {
  const seen = new Set<string>();
  const out: StarterMovie[] = [];
  for (const row of rows) {
    if (row.Title === null || row.Title === undefined) continue;
    // Some titles carry the year ("King Kong (1933)") or the MovieLens article order ("Secret, The").
    const parsed = parseMovieLensTitle(repairMojibake(String(row.Title)));
    const title = naturalTitle(parsed.title);
    if (title === '') continue;
    const year = parsed.year ?? releaseYear(row['Release Date']);
    const key = `${title.toLowerCase()}|${year ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      title,
      year,
      genres: starterGenres(row),
      directors: row.Director ? [repairMojibake(row.Director.trim())] : [],
      runtime: positiveInt(row['Running Time min']),
      certificate: row['MPAA Rating'] && row['MPAA Rating'] !== 'Not Rated' ? row['MPAA Rating'] : null,
      ...imdbFigures(row),
      source: 'starter',
    });
  }
  dropSharedFigures(out);
  return out;
}

function imdbFigures(row: VegaMovie): Pick<StarterMovie, 'imdbRating' | 'imdbVotes'> {
  const imdbRating = typeof row['IMDB Rating'] === 'number' ? row['IMDB Rating'] : null;
  const imdbVotes = positiveInt(row['IMDB Votes']);
  const hit = (row['US Gross'] ?? 0) >= BOX_OFFICE_HIT_USD;
  if (imdbVotes !== null && imdbVotes < MIN_PLAUSIBLE_VOTES && hit)
    return { imdbRating: null, imdbVotes: null };
  return { imdbRating, imdbVotes };
}

/**
 * Films of the same title from different years (Crash 1996 and 2005, King Kong 1976 and 2005) carrying
 * the very same IMDb rating and votes: one entry was joined to both and nothing tells which film it
 * belongs to, so neither keeps it.
 */
function dropSharedFigures(rows: StarterMovie[]): void {
  const groups = new Map<string, StarterMovie[]>();
  for (const row of rows) {
    if (row.imdbVotes === null || row.imdbVotes === undefined) continue;
    const key = `${row.title.toLowerCase()}|${row.imdbRating}|${row.imdbVotes}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const row of group) {
      row.imdbRating = null;
      row.imdbVotes = null;
    }
  }
}

/** MovieLens genres for a vega row, in MovieLens' alphabetical order. */
export function starterGenres(row: Pick<VegaMovie, 'Major Genre' | 'Creative Type'>): string[] {
  const genres = new Set([
    ...(MAJOR_GENRES[row['Major Genre'] ?? ''] ?? []),
    ...(CREATIVE_TYPES[row['Creative Type'] ?? ''] ?? []),
  ]);
  return [...genres].sort();
}

/**
 * "Dec 31" is vega's placeholder for a date it did not know, and the year beside it is the year before
 * the film's: of the 41 such rows whose film ml-latest-small also has, 35 are one year later there, 5
 * the same ("Casablanca", Dec 31 1941, is 1942).
 */
const PLACEHOLDER_DATE = /^Dec 31\b/;

/**
 * `"Jun 12 1998"` → 1998; `"Feb 08 2015"` → 1915 (a two-digit year read in the wrong century);
 * `"Dec 31 1941"` → 1942 (see {@link PLACEHOLDER_DATE}); unreadable → null.
 */
export function releaseYear(date: string | null | undefined): number | null {
  const match = /\b(\d{4})\s*$/.exec(date ?? '');
  if (!match) return null;
  const year = Number(match[1]);
  const century = year > LAST_PLAUSIBLE_YEAR ? year - 100 : year;
  const repaired = PLACEHOLDER_DATE.test(date!.trim()) ? century + 1 : century;
  return repaired >= 1880 ? repaired : null;
}

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : null;
}

/**
 * Fills an empty movies table with the offline starter catalog (vega-datasets' ~3,200 films), so a
 * fresh install can recommend without any download. Does nothing when the table has movies. Safe when
 * several processes start at once: a transaction-scoped advisory lock lets one of them do it.
 * Returns how many movies were imported.
 */
export async function ensureStarterCatalog(db: Database, logger: Logger): Promise<number> {
  const started = performance.now();
  const imported = await db.transaction(async (tx) => {
    await lockCatalogWrites(tx);
    const [row] = await queryRows<{ any: boolean }>(tx, sql`select exists (select 1 from movies) as any`);
    if (row?.any) return 0;
    const rows = starterMovies(readVegaMovies());
    // One unnest insert: the query builder spends longer building 35k parameters than Postgres inserting.
    await tx.execute(sql`
      insert into movies (title, year, genres, directors, runtime, certificate, imdb_rating, imdb_votes, source)
      select i.title, i.year, string_to_array(i.genres, E'\x1f'), string_to_array(i.directors, E'\x1f'),
             i.runtime, i.certificate, i.imdb_rating, i.imdb_votes, 'starter'
      from unnest(${sql.param(rows.map((r) => r.title))}::text[], ${sql.param(rows.map((r) => r.year ?? null))}::int[],
                  ${sql.param(packLists(rows.map((r) => r.genres ?? [])))}::text[],
                  ${sql.param(packLists(rows.map((r) => r.directors ?? [])))}::text[],
                  ${sql.param(rows.map((r) => r.runtime ?? null))}::int[],
                  ${sql.param(rows.map((r) => r.certificate ?? null))}::text[],
                  ${sql.param(rows.map((r) => r.imdbRating ?? null))}::real[],
                  ${sql.param(rows.map((r) => r.imdbVotes ?? null))}::int[])
           as i(title, year, genres, directors, runtime, certificate, imdb_rating, imdb_votes)`);
    return rows.length;
  });
  if (imported > 0) {
    logger.info(
      { movies: imported, ms: Math.round(performance.now() - started) },
      'imported the offline starter catalog',
    );
  }
  return imported;
}
