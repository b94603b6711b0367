import { type AnyColumn, asc, gt, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { movies, ratings } from '../db/schema.ts';
import type { ItemMeta } from '../recommend/types.ts';
import { popularityScores } from './popularity.ts';

/** A movies row with how often and how well it was rated in the ratings table. */
export type CatalogMovie = typeof movies.$inferSelect & {
  ratingCount: number;
  /** Mean stars, 0 when `ratingCount` is 0. */
  ratingMean: number;
  /** How well known, 0–1 relative to the rest of the catalog ({@link popularityScores}); rank by this. */
  popularity: number;
};

/** Every movie, by database id and in id order. */
export interface Catalog {
  movies: Map<number, CatalogMovie>;
  list: CatalogMovie[];
}

/**
 * Rows per catalog query. PGlite's WebAssembly heap grows to hold a whole result and never shrinks, so
 * one query for a catalog of 30,000 films with their people cost the bot ~100 MB of RSS for good; pages
 * of this size cost a few MB, and on a server each page is one round trip.
 */
export const CATALOG_PAGE_ROWS = 2_500;

/**
 * Loads the whole catalog with per-movie rating counts and means, in pages of {@link CATALOG_PAGE_ROWS}
 * by id. Repeated strings (people, genres, tags, certificates) are shared between movies rather than
 * held once per film: an actor in 40 films is one string, not 40.
 */
export async function loadCatalog(db: Database, pageRows = CATALOG_PAGE_ROWS): Promise<Catalog> {
  // Once for all pages: a join would aggregate every rating again for each page.
  const statRows = await db
    .select({
      movieId: ratings.movieId,
      count: sql<number>`count(*)::int`.mapWith(Number),
      mean: sql<number>`avg(${ratings.rating})::float8`.mapWith(Number),
    })
    .from(ratings)
    .groupBy(ratings.movieId);
  const stats = new Map(statRows.map((r) => [r.movieId, r]));
  const intern = createInterner();
  const list: CatalogMovie[] = [];
  let after = 0;
  for (;;) {
    const rows = await db
      .select({
        id: movies.id,
        movielensId: movies.movielensId,
        imdbId: movies.imdbId,
        tmdbId: movies.tmdbId,
        title: movies.title,
        year: movies.year,
        genres: joinedList(movies.genres),
        runtime: movies.runtime,
        directors: joinedList(movies.directors),
        cast: joinedList(movies.cast),
        writers: joinedList(movies.writers),
        originalTitle: movies.originalTitle,
        tags: joinedList(movies.tags),
        overview: movies.overview,
        certificate: movies.certificate,
        imdbRating: movies.imdbRating,
        imdbVotes: movies.imdbVotes,
        posterUrl: movies.posterUrl,
        source: movies.source,
        createdAt: movies.createdAt,
        updatedAt: movies.updatedAt,
      })
      .from(movies)
      .where(gt(movies.id, after))
      .orderBy(asc(movies.id))
      .limit(pageRows);
    for (const m of rows) {
      const stat = stats.get(m.id);
      // Every field written out in one literal, in one order: copying the row with `...m` gave most of
      // the 30,000 movies a hidden class of their own (70,000 shapes, 19 MB of heap for 29,742 films).
      list.push({
        id: m.id,
        movielensId: m.movielensId,
        imdbId: m.imdbId,
        tmdbId: m.tmdbId,
        title: m.title,
        year: m.year,
        genres: splitList(m.genres, intern),
        runtime: m.runtime,
        directors: splitList(m.directors, intern),
        cast: splitList(m.cast, intern),
        writers: splitList(m.writers, intern),
        originalTitle: m.originalTitle,
        tags: splitList(m.tags, intern),
        overview: m.overview,
        certificate: m.certificate === null ? null : intern(m.certificate),
        imdbRating: m.imdbRating,
        imdbVotes: m.imdbVotes,
        posterUrl: m.posterUrl,
        source: intern(m.source) as CatalogMovie['source'],
        createdAt: m.createdAt,
        updatedAt: m.updatedAt,
        ratingCount: stat?.count ?? 0,
        ratingMean: stat?.mean ?? 0,
        popularity: 0,
      });
    }
    if (rows.length < pageRows) break;
    after = rows[rows.length - 1]!.id;
  }
  assignPopularity(list);
  return { movies: new Map(list.map((m) => [m.id, m])), list };
}

/** Sets every movie's `popularity` from the whole list's rating counts and IMDb votes. */
export function assignPopularity(list: CatalogMovie[]): void {
  const scores = popularityScores(list);
  list.forEach((m, i) => {
    m.popularity = scores[i]!;
  });
}

/** Separates the elements of a text[] column read by {@link joinedList}; no name or tag holds it. */
const LIST_SEPARATOR = '\u001f';

/**
 * A text[] column as one string, its elements joined by {@link LIST_SEPARATOR}, to split in JavaScript
 * ({@link splitList}). The drivers parse array literals element by element: reading 29,742 films' five
 * name and tag arrays that way peaked at ~110 MB of heap (and left the bot ~115 MB of RSS bigger for
 * good), one string per column at ~40 MB.
 */
export function joinedList(column: AnyColumn): SQL<string> {
  return sql<string>`array_to_string(${column}, ${LIST_SEPARATOR})`;
}

/** The elements of a {@link joinedList} value, each through `intern`. */
export function splitList(joined: string | null, intern: (s: string) => string): string[] {
  return joined ? joined.split(LIST_SEPARATOR).map(intern) : [];
}

/** Returns one shared instance per distinct string. */
export function createInterner(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    const known = seen.get(s);
    if (known !== undefined) return known;
    seen.set(s, s);
    return s;
  };
}

/** The columns {@link toItemMeta} reads. */
export type ItemMetaSource = Pick<
  typeof movies.$inferSelect,
  | 'id'
  | 'title'
  | 'year'
  | 'genres'
  | 'tags'
  | 'directors'
  | 'cast'
  | 'writers'
  | 'runtime'
  | 'overview'
  | 'imdbRating'
  | 'imdbVotes'
>;

/** The recommender's view of a movie (arrays and strings shared with `m`, not copied). */
export function toItemMeta(m: ItemMetaSource): ItemMeta {
  return {
    id: m.id,
    title: m.title,
    year: m.year,
    genres: m.genres,
    tags: m.tags,
    directors: m.directors,
    cast: m.cast,
    writers: m.writers,
    runtime: m.runtime,
    overview: m.overview,
    imdbRating: m.imdbRating,
    imdbVotes: m.imdbVotes,
  };
}
