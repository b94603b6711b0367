import { UserError } from '../../errors.ts';
import { buildStatsReply } from '../../insights/index.ts';
import { defineCommand } from '../context.ts';

export default defineCommand({
  name: 'stats',
  description: 'Community insights: ratings per day, top films, genres, active raters (admins)',
  usage: '',
  visibility: 'private',
  options: [],
  adminOnly: true,
  async run(ctx) {
    const { actor } = ctx.event;
    // The console is the operator's own terminal; on platforms only tenant admins may look.
    if (actor.platform !== 'console' && !actor.isAdmin) {
      throw new UserError('admin-only', '`/stats` is for server admins (Manage Server) only.');
    }
    const reply = await buildStatsReply(ctx.deps.db, {
      // The console sees the whole database, a guild or team only its own users.
      tenant: actor.platform === 'console' ? null : actor.tenant,
      onChartError: (error) => ctx.deps.logger.warn({ err: error }, 'stats chart failed'),
    });
    return { ...reply, ephemeral: true };
  },
});
