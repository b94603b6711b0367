import { getRating } from '../../db/store/ratings.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
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
    const card = movieCard(ctx.view, movie, {
      predictedStars: rating === null ? rec.predict(state, movie.id) : null,
      userRating: rating,
      reason: popularityLine(movie),
      onWatchlist: state.watchlist.includes(movie.id),
    });
    return {
      text: 'React to rate it: 1️⃣–5️⃣ stars, 🔖 watchlist, 🚫 not interested.',
      cards: [card],
      rateByReaction: true,
      data: { movies: [cardData(card, movie, null)] },
    };
  },
});
