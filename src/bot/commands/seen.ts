import { addMark } from '../../db/store/marks.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { titleWithYear } from '../render.ts';

export default defineCommand({
  name: 'seen',
  description: "Mark a movie as seen, so it isn't recommended again (rate it to teach me more)",
  usage: '<title>',
  visibility: 'private',
  options: [
    { name: 'title', description: 'Movie title', type: 'string', required: true, autocomplete: true },
  ],
  async run(ctx) {
    const movie = ctx.resolveMovie(argText(ctx.args, 'title'));
    await addMark(ctx.deps.db, ctx.user.id, movie.id, 'seen');
    return {
      text: `Marked **${titleWithYear(movie)}** as seen. Rate it with \`/rate\` to improve your picks.`,
      ephemeral: true,
    };
  },
});
