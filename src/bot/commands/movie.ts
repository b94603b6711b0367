import { getRating } from '../../db/store/ratings.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { personName } from '../names.ts';
import { cardData, movieCard, popularityLine } from '../render.ts';

export default defineCommand({
  name: 'movie',
  description: 'Details of a movie, with what I think you would rate it',
  usage: '<title>',
  visibility: 'public',
  options: [
    { name: 'title', description: 'Movie title', type: 'string', required: true, autocomplete: true },
  ],
  aliases: ['info'],
  async run(ctx) {
    const movie = ctx.resolveMovie(argText(ctx.args, 'title'));
    const [rec, state, rating] = await Promise.all([
      ctx.recommender(),
      ctx.userState(),
      getRating(ctx.deps.db, ctx.user.id, movie.id),
    ]);
    // A public card: it says whose prediction or rating it shows.
    const name = personName(ctx.user);
    const card = {
      ...movieCard(ctx.view, movie, {
        predictedStars: rating === null ? rec.predict(state, movie.id) : null,
        userRating: rating,
        reason: popularityLine(movie),
        onWatchlist: state.watchlist.includes(movie.id),
      }),
      predictionFor:
        state.ratings.length === 0 ? { kind: 'average' as const } : { kind: 'person' as const, name },
      ...(rating === null ? {} : { ratingBy: name }),
    };
    return {
      text: 'React to rate it: 1️⃣–5️⃣ stars, 🔖 watchlist, 🚫 not interested.',
      cards: [card],
      rateByReaction: true,
      data: { movies: [cardData(card, movie, null)] },
    };
  },
});
