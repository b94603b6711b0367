import { linkedAccounts } from '../../db/store/links.ts';
import { createSession, deleteSessionsOfKind } from '../../db/store/sessions.ts';
import { actionId } from '../action-ids.ts';
import { defineCommand } from '../context.ts';
import { forgetNow } from '../forget.ts';
import { accountLabel } from './link.ts';

export const FORGET_SESSION_KIND = 'confirm-forget';
const CONFIRM_TTL_MS = 10 * 60 * 1000;

export default defineCommand({
  name: 'forget-me',
  description: 'Delete everything I store about you (asks to confirm)',
  usage: '[yes | all]',
  visibility: 'private',
  options: [],
  aliases: ['forgetme'],
  async run(ctx) {
    // `/forget-me yes` says it outright, so it is the confirmation even when typed first: asking
    // again would only make the user type it twice.
    const linked = ctx.user.profileId !== null;
    // A linked account: `yes` deletes this account only, `all` every linked one (the buttons say so).
    if (/^(yes|confirm|this)$/i.test(ctx.text))
      return forgetNow(ctx.deps, ctx.user.externalId, 'account', linked);
    if (/^(all|both)$/i.test(ctx.text)) return forgetNow(ctx.deps, ctx.user.externalId, 'profile', linked);
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
    const onConsole = ctx.event.channel.platform === 'console';
    if (linked) {
      const others = (await linkedAccounts(ctx.deps.db, ctx.user.id)).filter((u) => u.id !== ctx.user.id);
      return {
        text:
          `**Delete your data?** This account is linked with ${others.map(accountLabel).join(', ')}. ` +
          'Delete only this account (the linked one keeps the shared ratings, watchlist and preferences), or every linked account with everything they share? ' +
          (onConsole
            ? 'Press `!1` (this account) or `!2` (all linked accounts), or type `/forget-me yes` or `/forget-me all`, within 10 minutes.'
            : 'Press a button within 10 minutes.'),
        ephemeral: true,
        actions: [
          { id: actionId('forget', session.id), label: 'Only this account', style: 'danger' },
          { id: actionId('forget', session.id, 'all'), label: 'All linked accounts', style: 'danger' },
          { id: actionId('cancel', session.id), label: 'Cancel', style: 'secondary' },
        ],
        data: { linked: true },
      };
    }
    return {
      text:
        '**Delete everything I know about you?** Your ratings, watchlist, preferences and history will be gone for good. ' +
        (onConsole
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
