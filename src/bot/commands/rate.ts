import { upsertRating } from '../../db/store/ratings.ts';
import { UserError } from '../../errors.ts';
import { argNumber, argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { movieCard, titleWithYear } from '../render.ts';
import { formatStars, splitTitleAndStars } from '../text.ts';

export default defineCommand({
  name: 'rate',
  description: 'Rate a movie from 0.5 to 5 stars',
  usage: '<title> <stars>',
  visibility: 'private',
  options: [
    { name: 'title', description: 'Movie title', type: 'string', required: true, autocomplete: true },
    {
      name: 'stars',
      description: 'Stars, 0.5–5',
      type: 'number',
      required: true,
      minValue: 0.5,
      maxValue: 5,
    },
  ],
  parseText: (text) => {
    const { title, stars } = splitTitleAndStars(text);
    return { title, stars: stars ?? undefined };
  },
  async run(ctx) {
    const title = argText(ctx.args, 'title');
    const stars = argNumber(ctx.args, 'stars');
    if (!title) throw new UserError('missing-title', 'Which movie? Try `/rate Heat 4.5`.');
    if (stars === null)
      throw new UserError('missing-stars', 'How many stars? Try `/rate Heat 4.5` (0.5 to 5).');
    if (!(stars >= 0.5 && stars <= 5) || !Number.isInteger(stars * 2)) {
      throw new UserError(
        'bad-stars',
        `Stars go from 0.5 to 5 in half steps, so ${stars} won't fit. Try 4 or 4.5.`,
      );
    }
    const movie = ctx.resolveMovie(title);
    const { previous } = await upsertRating(ctx.deps.db, ctx.user.id, movie.id, stars, 'command');
    const change = previous === null ? '' : ` (was ${previous})`;
    return {
      text: `Rated **${titleWithYear(movie)}** ${formatStars(stars)}${change}.`,
      // A confirmation is for the asker only; the card's menu changes the rating again.
      cards: [movieCard(ctx.view, movie, { userRating: stars })],
      ephemeral: true,
      data: { movieId: movie.id, movielensId: movie.movielensId, rating: stars, previous },
    };
  },
});
