import type { MovieLensTag } from './movielens-files.ts';

/** Tags kept per movie: enough to describe it, few enough to keep the catalog small. */
export const MAX_TAGS_PER_MOVIE = 20;

/** Lowercase, single spaces, no surrounding spaces: `  Dark  Comedy ` → `dark comedy`. */
export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Aggregates MovieLens tag applications per movie: normalised, distinct, the most often applied first
 * (ties alphabetically), at most `limit` per movie.
 */
export function aggregateTags(
  tags: readonly MovieLensTag[],
  limit = MAX_TAGS_PER_MOVIE,
): Map<number, string[]> {
  const counts = new Map<number, Map<string, number>>();
  for (const { movieId, tag } of tags) {
    const name = normalizeTag(tag);
    if (name === '') continue;
    let perMovie = counts.get(movieId);
    if (!perMovie) {
      perMovie = new Map();
      counts.set(movieId, perMovie);
    }
    perMovie.set(name, (perMovie.get(name) ?? 0) + 1);
  }
  const result = new Map<number, string[]>();
  for (const [movieId, perMovie] of counts) {
    const ranked = [...perMovie].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    result.set(
      movieId,
      ranked.slice(0, limit).map(([name]) => name),
    );
  }
  return result;
}
