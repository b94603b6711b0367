import { z } from 'zod';
import { imageUrl, normalizeMovieDetails, POSTER_SIZE, type TmdbMovieData } from './normalize.ts';

/** Writers a catalog row keeps (screenplay and story credits). */
const MAX_WRITERS = 6;
/** TMDB genre names that MovieLens (and the parser) spell differently; `TV Movie` says nothing about a film. */
const GENRE_NAMES: Record<string, string | null> = {
  'Science Fiction': 'Sci-Fi',
  Family: 'Children',
  'TV Movie': null,
};

const listSchema = z.object({
  results: z.array(z.object({ id: z.number().int(), adult: z.boolean().optional().catch(false) })).catch([]),
  total_pages: z.number().int().optional().catch(1),
});

/** Film ids of a `/movie/now_playing` or `/movie/upcoming` page, adult titles left out. */
export function releaseListIds(payload: unknown): { ids: number[]; totalPages: number } {
  const list = listSchema.parse(payload);
  return { ids: list.results.filter((r) => !r.adult).map((r) => r.id), totalPages: list.total_pages ?? 1 };
}

const extraSchema = z.object({
  adult: z.boolean().optional().catch(false),
  imdb_id: z.string().nullish().catch(null),
  original_title: z.string().nullish().catch(null),
  genres: z.array(z.object({ name: z.string() })).catch([]),
  credits: z
    .object({ crew: z.array(z.object({ name: z.string(), department: z.string().optional() })).catch([]) })
    .optional()
    .catch(undefined),
});

/** A new or upcoming release as a catalog row gets it. */
export interface ReleaseMovie {
  tmdbId: number;
  imdbId: string | null;
  title: string;
  originalTitle: string | null;
  year: number | null;
  genres: string[];
  runtime: number | null;
  directors: string[];
  writers: string[];
  cast: string[];
  keywords: string[];
  overview: string | null;
  posterUrl: string | null;
  adult: boolean;
  /** What the card cache keeps for the same answer. */
  cached: TmdbMovieData;
}

/** Turns a `/movie/{id}?append_to_response=credits,keywords,…` answer into a catalog row's fields. */
export function normalizeRelease(payload: unknown): ReleaseMovie {
  const cached = normalizeMovieDetails(payload);
  const extra = extraSchema.parse(payload);
  const genres = extra.genres
    .map((g) => (g.name in GENRE_NAMES ? GENRE_NAMES[g.name]! : g.name))
    .filter((g): g is string => g !== null);
  const writers = [
    ...new Set(
      (extra.credits?.crew ?? []).filter((c) => c.department === 'Writing').map((c) => c.name.trim()),
    ),
  ].slice(0, MAX_WRITERS);
  const imdbId = extra.imdb_id && /^tt\d+$/.test(extra.imdb_id) ? extra.imdb_id : null;
  const original = extra.original_title?.trim() || null;
  return {
    tmdbId: cached.tmdbId,
    imdbId,
    title: cached.title,
    originalTitle: original && original !== cached.title ? original : null,
    year: cached.year,
    genres: [...new Set(genres)].sort(),
    runtime: cached.runtime,
    directors: cached.directors,
    writers,
    cast: cached.cast,
    keywords: cached.keywords,
    overview: cached.overview,
    posterUrl: imageUrl(cached.posterPath, POSTER_SIZE),
    adult: extra.adult ?? false,
    cached,
  };
}
