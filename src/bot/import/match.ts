/**
 * Matches exported films to the catalog in memory: no database round trip per film.
 */
import type { CatalogMovie } from '../../catalog/catalog.ts';
import type { CatalogView } from '../catalog-view.ts';
import { type ExportedRating, imdbKey } from './parse.ts';

export interface MatchedExport {
  /** One rating per catalog movie: when two exported films resolve to the same movie, the later row wins. */
  ratings: { movie: CatalogMovie; stars: number }[];
  /** Exported films that resolved to a movie another exported film had already resolved to. */
  mergedOnMatch: number;
  /** Exported films with no catalog movie, in file order. */
  notInCatalog: ExportedRating[];
}

/** Films matched between yields to the event loop (a title lookup takes microseconds). */
const MATCH_SLICE = 2_000;

const imdbMaps = new WeakMap<CatalogView, Map<string, CatalogMovie>>();
const titleMaps = new WeakMap<CatalogView, Map<string, CatalogMovie[]>>();

/**
 * Catalog movies by their whole title, lower-cased: a title exported exactly as the catalog spells it
 * ("Ringu (Ring)", "8 1/2 (8½)") is found even where the title index reads the parentheses as an
 * alternative title.
 */
function titleMapOf(view: CatalogView): Map<string, CatalogMovie[]> {
  let map = titleMaps.get(view);
  if (!map) {
    map = new Map();
    for (const m of view.catalog.list) {
      const key = m.title.toLowerCase();
      const list = map.get(key);
      if (list) list.push(m);
      else map.set(key, [m]);
    }
    titleMaps.set(view, map);
  }
  return map;
}

function imdbMapOf(view: CatalogView): Map<string, CatalogMovie> {
  let map = imdbMaps.get(view);
  if (!map) {
    map = new Map();
    for (const m of view.catalog.list) if (m.imdbId) map.set(imdbKey(m.imdbId), m);
    imdbMaps.set(view, map);
  }
  return map;
}

/** The catalog movie an exported film names: IMDb id first, then the exact title, same year before ±1. */
export function findMovie(view: CatalogView, film: ExportedRating): CatalogMovie | undefined {
  const byImdb = film.imdbId ? imdbMapOf(view).get(imdbKey(film.imdbId)) : undefined;
  if (byImdb) return byImdb;
  const whole = titleMapOf(view).get(film.title.toLowerCase()) ?? [];
  const candidates = [
    ...whole,
    ...view.index
      .exact(film.title)
      .map((m) => view.movie(m.entry.id))
      .filter((m): m is CatalogMovie => m !== undefined),
  ];
  if (film.year === null) return candidates[0];
  return (
    candidates.find((m) => m.year === film.year) ??
    candidates.find((m) => m.year === null || Math.abs(m.year - film.year!) <= 1)
  );
}

/** Matches every film, giving the event loop back every {@link MATCH_SLICE} films. */
export async function matchExport(
  view: CatalogView,
  films: readonly ExportedRating[],
  onProgress: (done: number) => void = () => {},
): Promise<MatchedExport> {
  const byMovie = new Map<number, { movie: CatalogMovie; stars: number; row: number }>();
  const notInCatalog: ExportedRating[] = [];
  let mergedOnMatch = 0;
  for (let i = 0; i < films.length; i++) {
    if (i > 0 && i % MATCH_SLICE === 0) {
      onProgress(i);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const film = films[i]!;
    const movie = findMovie(view, film);
    if (!movie) {
      notInCatalog.push(film);
      continue;
    }
    const earlier = byMovie.get(movie.id);
    if (earlier) mergedOnMatch++;
    if (!earlier || earlier.row < film.row)
      byMovie.set(movie.id, { movie, stars: film.stars, row: film.row });
  }
  onProgress(films.length);
  return {
    ratings: [...byMovie.values()].map(({ movie, stars }) => ({ movie, stars })),
    mergedOnMatch,
    notInCatalog,
  };
}
