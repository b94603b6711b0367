import { createSession, deleteSessionsOfKind } from '../../db/store/sessions.ts';
import { actionId } from '../action-ids.ts';
import { defineCommand } from '../context.ts';
import { forgetNow } from '../forget.ts';

export const FORGET_SESSION_KIND = 'confirm-forget';
const CONFIRM_TTL_MS = 10 * 60 * 1000;

export default defineCommand({
  name: 'forget-me',
  description: 'Delete everything I store about you (asks to confirm)',
  usage: '[yes]',
  visibility: 'private',
  options: [],
  aliases: ['forgetme'],
  async run(ctx) {
    // `/forget-me yes` says it outright, so it is the confirmation even when typed first: asking
    // again would only make the user type it twice.
    if (/^(yes|confirm)$/i.test(ctx.text)) return forgetNow(ctx.deps, ctx.user.externalId);
    if (/^(no|cancel)$/i.test(ctx.text)) {
      await deleteSessionsOfKind(ctx.deps.db, ctx.user.id, FORGET_SESSION_KIND);
      return { text: 'Nothing was deleted.', ephemeral: true };
    }
    const session = await createSession(
      ctx.deps.db,
      ctx.user.id,
      FORGET_SESSION_KIND,
      {},
      CONFIRM_TTL_MS,
      ctx.now,
    );
    return {
      text:
        '**Delete everything I know about you?** Your ratings, watchlist, preferences and history will be gone for good. ' +
        (ctx.event.channel.platform === 'console'
          ? 'Press `!1` or type `/forget-me yes` within 10 minutes.'
          : 'Press the button within 10 minutes.'),
      ephemeral: true,
      actions: [
        { id: actionId('forget', session.id), label: 'Yes, delete everything', style: 'danger' },
        { id: actionId('cancel', session.id), label: 'Cancel', style: 'secondary' },
      ],
    };
  },
});
