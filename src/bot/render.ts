import type { CatalogMovie } from '../catalog/catalog.ts';
import { moveTrailingArticle } from '../nlp/normalize.ts';
import type { Reason, Recommendation } from '../recommend/types.ts';
import { actionId } from './action-ids.ts';
import type { CatalogView } from './catalog-view.ts';
import { plural } from './names.ts';
import { formatStars } from './text.ts';
import type { Action, MovieCard } from './types.ts';

/** "Matrix, The" → "The Matrix", the way people write titles. */
export function displayTitle(m: { title: string }): string {
  return moveTrailingArticle(m.title);
}

/** "The Matrix (1999)". */
export function titleWithYear(m: { title: string; year: number | null }): string {
  return m.year ? `${displayTitle(m)} (${m.year})` : displayTitle(m);
}

/** One short line saying why a movie was recommended. */
export function reasonText(reason: Reason, view: CatalogView): string {
  const name = (id: number) => {
    const m = view.movie(id);
    return m ? displayTitle(m) : 'a movie you rated';
  };
  switch (reason.kind) {
    case 'rated':
      return `Because you rated ${name(reason.item)} ${formatStars(reason.rating)}`;
    case 'liked-by-similar':
      return `Popular with people who liked ${name(reason.item)}`;
    case 'matches':
      return `Matches: ${reason.features.join(', ')}`;
    case 'popular':
      return 'Popular and well rated';
    case 'watchlist':
      return 'On your watchlist';
  }
}

/** The per-card buttons: seen, not interested, watchlist, and a star select. */
export function cardActions(movieId: number, onWatchlist = false): Action[] {
  return [
    {
      id: actionId('rate', movieId),
      label: 'Rate',
      options: [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5].map((s) => ({
        label: formatStars(s),
        value: String(s),
      })),
    },
    { id: actionId('seen', movieId), label: 'Seen it', style: 'secondary' },
    onWatchlist
      ? { id: actionId('unwatch', movieId), label: 'Remove from watchlist', style: 'secondary' }
      : { id: actionId('watch', movieId), label: 'Watchlist', style: 'primary' },
    { id: actionId('no', movieId), label: 'Not interested', style: 'danger' },
  ];
}

/** Options a select may offer on every platform (Discord's limit; Slack allows 100). */
export const SELECT_OPTIONS_MAX = 25;

/**
 * A list page's cards with one "pick a movie" select instead of per-card buttons, so a page fits one
 * message (Discord: 5 action rows, 25 components). Choosing a movie answers privately with that movie's
 * own card and buttons ({@link movieDetail}). Options are numbered like the cards (`#6` on page 2).
 */
export function listPage(cards: MovieCard[]): { cards: MovieCard[]; pick: Action } {
  return {
    cards: cards.map((c) => ({ ...c, actions: [] })),
    pick: {
      id: actionId('card'),
      label: 'Pick a movie to rate, save or hide…',
      options: cards.slice(0, SELECT_OPTIONS_MAX).map((c, i) => ({
        label: `#${c.rank ?? i + 1} ${titleWithYear(c)}`.slice(0, 100),
        value: String(c.movieId),
      })),
    },
  };
}

/** A movie card for a catalog movie, optionally with the recommendation that picked it. */
export function movieCard(
  view: CatalogView,
  movie: CatalogMovie,
  extra: {
    rec?: Recommendation;
    predictedStars?: number | null;
    userRating?: number | null;
    reason?: string;
    label?: string;
    rank?: number;
    onWatchlist?: boolean;
  } = {},
): MovieCard {
  const predicted = extra.rec?.predictedRating ?? extra.predictedStars ?? null;
  return {
    movieId: movie.id,
    title: displayTitle(movie),
    year: movie.year,
    genres: [...movie.genres],
    directors: [...movie.directors],
    cast: [...movie.cast].slice(0, 4),
    runtime: movie.runtime,
    overview: movie.overview,
    posterUrl: movie.posterUrl,
    url: movieUrl(movie),
    predictedStars: predicted === null ? null : Math.round(predicted * 10) / 10,
    userRating: extra.userRating ?? null,
    reason: extra.reason ?? (extra.rec ? reasonText(extra.rec.reason, view) : popularityLine(movie)),
    label: extra.label,
    rank: extra.rank,
    actions: cardActions(movie.id, extra.onWatchlist),
  };
}

function movieUrl(m: CatalogMovie): string | null {
  if (m.tmdbId) return `https://www.themoviedb.org/movie/${m.tmdbId}`;
  if (m.imdbId)
    return `https://www.imdb.com/title/${m.imdbId.startsWith('tt') ? m.imdbId : `tt${m.imdbId}`}/`;
  if (m.movielensId) return `https://movielens.org/movies/${m.movielensId}`;
  return null;
}

/** "4.1★ from 329 ratings" or the IMDb figures when there are no ratings yet. */
export function popularityLine(m: CatalogMovie): string {
  if (m.ratingCount > 0) return `${m.ratingMean.toFixed(1)}★ average from ${plural(m.ratingCount, 'rating')}`;
  if (m.imdbRating)
    return `IMDb ${m.imdbRating}/10${m.imdbVotes ? ` (${m.imdbVotes.toLocaleString('en')} votes)` : ''}`;
  return 'In the catalog';
}

/** The machine-readable form of a card for `ask --json` and tests. */
export function cardData(card: MovieCard, movie: CatalogMovie | undefined, score: number | null) {
  return {
    movieId: card.movieId,
    movielensId: movie?.movielensId ?? null,
    title: card.title,
    year: card.year,
    genres: card.genres,
    score: score ?? 0,
    reason: card.reason,
    predictedRating: card.predictedStars,
    label: card.label ?? null,
    userRating: card.userRating,
  };
}
