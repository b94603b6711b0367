import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { cardData, displayTitle, movieCard, reasonText, titleWithYear } from '../render.ts';
import { pageSizeOf } from './recommend.ts';

export default defineCommand({
  name: 'similar',
  description: 'Movies like the one you name',
  usage: '<title>',
  visibility: 'public',
  options: [
    { name: 'title', description: 'Movie title', type: 'string', required: true, autocomplete: true },
  ],
  aliases: ['like'],
  async run(ctx) {
    const movie = ctx.resolveMovie(argText(ctx.args, 'title'));
    const [rec, state] = await Promise.all([ctx.recommender(), ctx.userState()]);
    const n = pageSizeOf(ctx.args);
    const recs = rec.similar(movie.id, { n, user: state, diversity: 0.1 });
    if (recs.length === 0) {
      return { text: `I don't know enough about **${titleWithYear(movie)}** yet to find similar movies.` };
    }
    const cards = recs.map((r, i) =>
      movieCard(ctx.view, ctx.view.movie(r.item)!, {
        rec: r,
        reason: r.reason.kind === 'popular' ? `Like ${displayTitle(movie)}` : reasonText(r.reason, ctx.view),
        rank: i + 1,
      }),
    );
    return {
      text: `Movies like **${titleWithYear(movie)}**:`,
      cards,
      data: { movies: cards.map((c, i) => cardData(c, ctx.view.movie(c.movieId), recs[i]!.score)) },
    };
  },
});
