import { unlinkAccount } from '../../db/store/links.ts';
import { UserError } from '../../errors.ts';
import { defineCommand } from '../context.ts';
import { slash } from '../platform-text.ts';
import { accountLabel } from './link.ts';

export default defineCommand({
  name: 'unlink',
  description: 'Stop sharing your profile with your linked accounts (each keeps a copy)',
  usage: '',
  visibility: 'private',
  options: [],
  async run(ctx) {
    const result = await unlinkAccount(ctx.deps.db, ctx.user.id);
    if (!result.ok) {
      throw new UserError(
        'not-linked',
        `This account isn't linked with any other. \`${slash(ctx.event.channel.platform, 'link')}\` links it.`,
      );
    }
    return {
      text:
        `**Unlinked** from ${result.others.map(accountLabel).join(', ')}. ` +
        `Both sides keep a copy of what you shared until now (${result.ratings} rating${result.ratings === 1 ? '' : 's'}, marks, preferences and region); ` +
        'from now on each account has its own history, and a rating on one no longer shows on the other.',
      ephemeral: true,
      data: { unlinked: true, ratings: result.ratings, others: result.others.length },
    };
  },
});
