import { defineCommand } from '../context.ts';
import { moreCommand } from '../recommend-list.ts';
import { pageSizeOf } from './recommend.ts';

export default defineCommand({
  name: 'more',
  description: 'The next page of your last recommendation list',
  usage: '',
  visibility: 'public',
  options: [],
  aliases: ['next'],
  run: (ctx) => moreCommand(ctx, pageSizeOf(ctx.args)),
});
