import type { CatalogMovie } from '../catalog/catalog.ts';
import { addMark } from '../db/store/marks.ts';
import { getRating, upsertRating } from '../db/store/ratings.ts';
import { UserError } from '../errors.ts';
import type { ActionContext } from './context.ts';
import { movieCard, popularityLine, titleWithYear } from './render.ts';
import { formatStars, parseStarsToken } from './text.ts';
import type { Reply } from './types.ts';

/**
 * One movie picked from a list ("pick a movie" select), privately, for whoever picked it: their own
 * prediction or rating, and the per-movie buttons a list page has no room for (rate, seen, watchlist,
 * not interested).
 */
export async function movieDetail(
  ctx: Pick<ActionContext, 'deps' | 'user' | 'view' | 'recommender' | 'userState'>,
  movie: CatalogMovie,
): Promise<Reply> {
  const [rec, state, rating] = await Promise.all([
    ctx.recommender(),
    ctx.userState(),
    getRating(ctx.deps.db, ctx.user.id, movie.id),
  ]);
  const card = movieCard(ctx.view, movie, {
    predictedStars: rating === null ? rec.predict(state, movie.id) : null,
    userRating: rating,
    reason: popularityLine(movie),
    onWatchlist: state.watchlist.includes(movie.id),
  });
  return {
    text: `**${titleWithYear(movie)}**: rate it, mark it seen, keep it for later, or say you're not interested.`,
    cards: [card],
    ephemeral: true,
    data: { movieId: movie.id },
  };
}

/** One /onboard choice: stars (a rating), `no` (not interested) or `skip` (not seen, nothing stored). */
export async function onboardChoice(
  ctx: Pick<ActionContext, 'deps' | 'user'>,
  movie: CatalogMovie,
  value: string,
): Promise<Reply> {
  const name = `**${titleWithYear(movie)}**`;
  if (value === 'skip') return { text: `Skipped ${name}; you can rate it any time.`, ephemeral: true };
  if (value === 'no') {
    await addMark(ctx.deps.db, ctx.user.id, movie.id, 'not_interested');
    return { text: `Got it: ${name} is marked not interested.`, ephemeral: true };
  }
  const stars = parseStarsToken(value);
  if (stars === null || !(stars >= 0.5 && stars <= 5)) {
    throw new UserError('bad-stars', 'Pick a number of stars from 0.5 to 5.');
  }
  await upsertRating(ctx.deps.db, ctx.user.id, movie.id, stars, 'button');
  return {
    text: `Rated ${name} ${formatStars(stars)}.`,
    ephemeral: true,
    data: { movieId: movie.id, rating: stars },
  };
}
