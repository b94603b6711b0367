/** A small in-memory catalog for the `/import` tests (no database needed to match titles). */
import { type CatalogView, createCatalogView } from '../../src/bot/catalog-view.ts';
import { assignPopularity, type CatalogMovie } from '../../src/catalog/catalog.ts';

export interface FixtureMovie {
  id: number;
  title: string;
  year: number | null;
  imdbId?: string;
  /** Breaks ties between equal title matches (the title index ranks by it). */
  ratingCount?: number;
}

/** A catalog view over these movies, every other field at its empty default. */
export function catalogViewOf(movies: FixtureMovie[]): CatalogView {
  const list: CatalogMovie[] = movies.map((m) => ({
    id: m.id,
    movielensId: null,
    imdbId: m.imdbId ?? null,
    tmdbId: null,
    title: m.title,
    year: m.year,
    genres: [],
    runtime: null,
    directors: [],
    writers: [],
    originalTitle: null,
    cast: [],
    tags: [],
    overview: null,
    certificate: null,
    imdbRating: null,
    imdbVotes: null,
    posterUrl: null,
    source: 'manual',
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ratingCount: m.ratingCount ?? 0,
    ratingMean: 0,
    popularity: 0,
  }));
  assignPopularity(list);
  return createCatalogView({ list, movies: new Map(list.map((m) => [m.id, m])) });
}

export const LETTERBOXD_HEADER = 'Date,Name,Year,Letterboxd URI,Rating';

/** A Letterboxd ratings.csv with these rows (name, year, rating as written in the file). */
export function letterboxdCsv(rows: [name: string, year: number | string, rating: string][]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return `${LETTERBOXD_HEADER}\n${rows
    .map(([name, year, rating], i) => `2024-01-01,${quote(name)},${year},https://boxd.it/${i},${rating}`)
    .join('\n')}\n`;
}
