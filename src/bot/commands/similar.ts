import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { personName } from '../names.ts';
import { cardData, displayTitle, listPage, movieCard, reasonText, titleWithYear } from '../render.ts';
import type { MovieCard } from '../types.ts';
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
    // A public list: its predictions are named as the asker's (or an average before any rating).
    const predictionFor: MovieCard['predictionFor'] =
      state.ratings.length === 0 ? { kind: 'average' } : { kind: 'person', name: personName(ctx.user) };
    const { cards, pick } = listPage(
      recs.map((r, i) => ({
        ...movieCard(ctx.view, ctx.view.movie(r.item)!, {
          rec: r,
          reason:
            r.reason.kind === 'popular' ? `Like ${displayTitle(movie)}` : reasonText(r.reason, ctx.view),
          rank: i + 1,
        }),
        predictionFor,
      })),
    );
    return {
      text: `Movies like **${titleWithYear(movie)}**:`,
      cards,
      actions: [pick],
      data: { movies: cards.map((c, i) => cardData(c, ctx.view.movie(c.movieId), recs[i]!.score)) },
    };
  },
});
