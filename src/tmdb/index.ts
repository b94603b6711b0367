import type { MovieCard } from '../bot/types.ts';
import type { MovieEnrichment, TmdbEnricher } from './enricher.ts';

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

/** Discord wants an answer within 3 s; TMDB gets at most this long before cards go out without it. */
export const CARD_ENRICH_BUDGET_MS = 1_500;

/**
 * Enriches a reply's cards in parallel within a time budget. A card whose TMDB data is not there in
 * time goes out as it is; its fetch carries on and fills the cache, so the next showing has it.
 */
export async function enrichCards(
  enricher: Pick<TmdbEnricher, 'enabled' | 'enrichMovie'>,
  cards: MovieCard[],
  options: { region?: string | null; budgetMs?: number } = {},
): Promise<MovieCard[]> {
  if (!enricher.enabled || cards.length === 0) return cards;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), options.budgetMs ?? CARD_ENRICH_BUDGET_MS);
    timer.unref?.();
  });
  try {
    return await Promise.all(
      cards.map(async (card) => {
        const enrichment = await Promise.race([
          enricher.enrichMovie(card.movieId, { region: options.region }),
          deadline,
        ]);
        return applyEnrichment(card, enrichment);
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}
