import { forgetUser } from '../db/store/forget.ts';
import type { BotCoreDeps } from './context.ts';
import type { Reply } from './types.ts';

/**
 * Deletes the user's data; the next message from them starts a brand-new profile. For a linked account
 * (`/link`), `scope` says whether only this account goes (the linked ones keep the shared profile) or
 * every linked account with it.
 */
export async function forgetNow(
  deps: BotCoreDeps,
  externalId: string,
  scope: 'account' | 'profile' = 'account',
  linked = false,
): Promise<Reply> {
  await forgetUser(deps.db, externalId, new Date(), scope);
  deps.logger.info({ event: 'forget-me', scope }, 'user data deleted on request');
  const text = !linked
    ? 'Done: everything I stored about you is deleted. If you talk to me again I start from scratch.'
    : scope === 'profile'
      ? 'Done: this account and every account linked with it are deleted, with all their ratings, marks and preferences. If you talk to me again I start from scratch.'
      : 'Done: this account is deleted and no longer linked. Your other linked account keeps the shared ratings, marks and preferences. If you talk to me again here I start from scratch.';
  return { text, ephemeral: true, data: { forgotten: true, scope } };
}
