import type { MovieCard } from '../bot/types.ts';
import type { MovieEnrichment } from './enricher.ts';

export {
  createTmdbEnricher,
  DEFAULT_REGION,
  type EnrichProgress,
  type EnrichSummary,
  type MovieEnrichment,
  type TmdbEnricher,
  type TmdbEnricherDeps,
} from './enricher.ts';

/**
 * A card with TMDB's poster, trailer, overview, runtime, people and providers filled in where the card
 * has none; `null` (TMDB off or failing) leaves the card as it is.
 */
export function applyEnrichment(card: MovieCard, enrichment: MovieEnrichment | null): MovieCard {
  if (!enrichment) return card;
  return {
    ...card,
    posterUrl: card.posterUrl ?? enrichment.posterUrl,
    trailerUrl: card.trailerUrl ?? enrichment.trailerUrl,
    overview: card.overview?.trim() ? card.overview : enrichment.overview,
    runtime: card.runtime ?? enrichment.runtime,
    directors: card.directors.length > 0 ? card.directors : enrichment.directors,
    cast: card.cast.length > 0 ? card.cast : enrichment.cast,
    providers: card.providers?.length ? card.providers : enrichment.providers,
    url: card.url ?? enrichment.tmdbUrl,
  };
}
