import { UserError } from '../errors.ts';

/** The one answer for "TMDB was asked for but no credentials are set" (CLI, sync, bulk enrichment). */
export function tmdbNotConfigured(): UserError {
  return new UserError('tmdb-not-configured', 'TMDB is not configured: set TMDB_API_KEY or TMDB_READ_TOKEN.');
}
