import { addMark, listMarks, removeMark } from '../../db/store/marks.ts';
import { defineCommand } from '../context.ts';
import { cardData, movieCard, popularityLine, titleWithYear } from '../render.ts';

const WATCHLIST_SHOWN = 20;

export default defineCommand({
  name: 'watchlist',
  description: 'Your watchlist; `add <title>` or `remove <title>` to change it',
  usage: '[add|remove <title>]',
  options: [
    {
      name: 'action',
      description: 'add or remove',
      type: 'string',
      choices: [
        { name: 'add', value: 'add' },
        { name: 'remove', value: 'remove' },
      ],
    },
    { name: 'title', description: 'Movie title', type: 'string', autocomplete: true },
  ],
  aliases: ['wl'],
  async run(ctx) {
    const m = /^(add|remove|rm|delete)\s+(.+)$/i.exec(ctx.text);
    if (m) {
      const movie = ctx.resolveMovie(m[2]!);
      if (m[1]!.toLowerCase() === 'add') {
        const added = await addMark(ctx.deps.db, ctx.user.id, movie.id, 'watchlist');
        return {
          text: added
            ? `Added **${titleWithYear(movie)}** to your watchlist.`
            : `**${titleWithYear(movie)}** is already on your watchlist.`,
          ephemeral: true,
        };
      }
      const removed = await removeMark(ctx.deps.db, ctx.user.id, movie.id, 'watchlist');
      return {
        text: removed
          ? `Removed **${titleWithYear(movie)}** from your watchlist.`
          : `**${titleWithYear(movie)}** wasn't on your watchlist.`,
        ephemeral: true,
      };
    }
    if (ctx.text) return ctx.run('watchlist', `add ${ctx.text}`);
    const marks = await listMarks(ctx.deps.db, ctx.user.id, 'watchlist');
    if (marks.length === 0) {
      return {
        text: 'Your watchlist is empty. Add movies with 🔖 on a card or `/watchlist add <title>`.',
        ephemeral: true,
      };
    }
    const cards = marks
      .map((mk) => ctx.view.movie(mk.movieId))
      .filter((mv) => mv !== undefined)
      .slice(0, WATCHLIST_SHOWN)
      .map((mv, i) =>
        movieCard(ctx.view, mv, { reason: popularityLine(mv), rank: i + 1, onWatchlist: true }),
      );
    return {
      text: `Your watchlist (${marks.length}):`,
      cards,
      ephemeral: true,
      data: { movies: cards.map((c) => cardData(c, ctx.view.movie(c.movieId), null)) },
    };
  },
});
