/**
 * Matches exported films to the catalog in memory: no database round trip per film. The matching runs
 * on an import worker thread (see workers.ts) over a {@link MatchCatalog} built there from the catalog's
 * title data; {@link matchCatalogOfView} gives the same lookups over the bot's own catalog view.
 */
import type { CatalogView } from '../catalog-view.ts';
import { type ExportedRating, imdbKey } from './parse.ts';

/** What matching needs of a catalog movie. */
export interface MatchCandidate {
  id: number;
  year: number | null;
}

/** The catalog lookups matching uses. */
export interface MatchCatalog {
  /** The movie with this IMDb id (as {@link imdbKey} normalises it). */
  byImdb(key: string): MatchCandidate | undefined;
  /** Movies whose whole title, lower-cased, is this. */
  byWholeTitle(lowerTitle: string): readonly MatchCandidate[];
  /** The title index's exact matches (normalised, article-insensitive), most popular first. */
  exact(title: string): readonly MatchCandidate[];
}

/** Matched films, compact: one rating per catalog movie, as parallel typed arrays. */
export interface MatchedExport {
  /** Catalog movie ids; when two exported films resolve to the same movie, the later row wins. */
  movieIds: Int32Array;
  /** Stars of the rating at the same position in {@link movieIds} (0.5–5, exact in a float). */
  stars: Float32Array;
  /** Exported films that resolved to a movie another exported film had already resolved to. */
  mergedOnMatch: number;
  /** Exported films with no catalog movie: how many, and the first few in file order. */
  notInCatalog: { count: number; examples: ExportedRating[] };
}

/** "Not in my catalog" examples kept: the ones the summary shows. */
export const NOT_IN_CATALOG_KEPT = 5;

/**
 * Lookup maps over lists of (key, candidate) pairs: movies by their whole title lower-cased, so a title
 * exported exactly as the catalog spells it ("Ringu (Ring)", "8 1/2 (8½)") is found even where the
 * title index reads the parentheses as an alternative title; movies by IMDb id.
 */
export function lookupMaps(
  movies: Iterable<{ id: number; year: number | null; title: string; imdbId: string | null }>,
): { byTitle: Map<string, MatchCandidate[]>; byImdb: Map<string, MatchCandidate> } {
  const byTitle = new Map<string, MatchCandidate[]>();
  const byImdb = new Map<string, MatchCandidate>();
  for (const m of movies) {
    const candidate = { id: m.id, year: m.year };
    const key = m.title.toLowerCase();
    const list = byTitle.get(key);
    if (list) list.push(candidate);
    else byTitle.set(key, [candidate]);
    if (m.imdbId) byImdb.set(imdbKey(m.imdbId), candidate);
  }
  return { byTitle, byImdb };
}

const viewCatalogs = new WeakMap<CatalogView, MatchCatalog>();

/** The match lookups over the bot's catalog view (its own title index). */
export function matchCatalogOfView(view: CatalogView): MatchCatalog {
  let catalog = viewCatalogs.get(view);
  if (!catalog) {
    const { byTitle, byImdb } = lookupMaps(view.catalog.list);
    catalog = {
      byImdb: (key) => byImdb.get(key),
      byWholeTitle: (title) => byTitle.get(title) ?? [],
      exact: (title) => view.index.exact(title).map((m) => ({ id: m.entry.id, year: m.entry.year })),
    };
    viewCatalogs.set(view, catalog);
  }
  return catalog;
}

/** The catalog movie an exported film names: IMDb id first, then the exact title, same year before ±1. */
export function findMovie(catalog: MatchCatalog, film: ExportedRating): MatchCandidate | undefined {
  const byImdb = film.imdbId ? catalog.byImdb(imdbKey(film.imdbId)) : undefined;
  if (byImdb) return byImdb;
  const candidates = [...catalog.byWholeTitle(film.title.toLowerCase()), ...catalog.exact(film.title)];
  if (film.year === null) return candidates[0];
  return (
    candidates.find((m) => m.year === film.year) ??
    candidates.find((m) => m.year === null || Math.abs(m.year - film.year!) <= 1)
  );
}

/**
 * Matches every film (synchronously: it runs on a worker thread), reporting progress every `every`
 * films.
 */
export function matchFilms(
  catalog: MatchCatalog,
  films: readonly ExportedRating[],
  onProgress: (done: number) => void = () => {},
  every = 2_000,
): MatchedExport {
  const byMovie = new Map<number, { stars: number; row: number }>();
  const examples: ExportedRating[] = [];
  let missing = 0;
  let mergedOnMatch = 0;
  for (let i = 0; i < films.length; i++) {
    if (i > 0 && i % every === 0) onProgress(i);
    const film = films[i]!;
    const movie = findMovie(catalog, film);
    if (!movie) {
      missing++;
      if (examples.length < NOT_IN_CATALOG_KEPT) examples.push(film);
      continue;
    }
    const earlier = byMovie.get(movie.id);
    if (earlier) mergedOnMatch++;
    if (!earlier || earlier.row < film.row) byMovie.set(movie.id, { stars: film.stars, row: film.row });
  }
  onProgress(films.length);
  const movieIds = new Int32Array(byMovie.size);
  const stars = new Float32Array(byMovie.size);
  let at = 0;
  for (const [id, r] of byMovie) {
    movieIds[at] = id;
    stars[at++] = r.stars;
  }
  return { movieIds, stars, mergedOnMatch, notInCatalog: { count: missing, examples } };
}

/** Matches films against the bot's catalog view on the calling thread (tests, small inputs). */
export function matchExport(view: CatalogView, films: readonly ExportedRating[]): MatchedExport {
  return matchFilms(matchCatalogOfView(view), films);
}
