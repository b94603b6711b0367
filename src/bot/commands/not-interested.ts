import { addMark } from '../../db/store/marks.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { titleWithYear } from '../render.ts';

export default defineCommand({
  name: 'not-interested',
  description: 'Never recommend this movie to me again',
  usage: '<title>',
  visibility: 'private',
  options: [
    { name: 'title', description: 'Movie title', type: 'string', required: true, autocomplete: true },
  ],
  aliases: ['no', 'nope', 'hide'],
  async run(ctx) {
    const movie = ctx.resolveMovie(argText(ctx.args, 'title'));
    await addMark(ctx.deps.db, ctx.user.id, movie.id, 'not_interested');
    return { text: `Got it: I won't recommend **${titleWithYear(movie)}** again.`, ephemeral: true };
  },
});
