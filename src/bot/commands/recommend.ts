import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { CHAT_PAGE_SIZE, MAX_PAGE_SIZE, recommendCommand } from '../recommend-list.ts';

/** Page size from the `count` option (ask uses 10), bounded. */
export function pageSizeOf(options: Record<string, unknown> | undefined): number {
  const n = Number(options?.count);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_PAGE_SIZE) : CHAT_PAGE_SIZE;
}

export default defineCommand({
  name: 'recommend',
  description: 'Movies picked for you; add words to steer ("90s sci-fi like Alien, no horror")',
  usage: '[what you feel like]',
  visibility: 'public',
  options: [{ name: 'text', description: 'What you feel like watching', type: 'string' }],
  aliases: ['rec', 'recs'],
  run: (ctx) => recommendCommand(ctx, argText(ctx.args, 'text'), pageSizeOf(ctx.args)),
});
