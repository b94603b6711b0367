import { forgetUser } from '../db/store/forget.ts';
import type { BotCoreDeps } from './context.ts';
import type { Reply } from './types.ts';

/** Deletes the user's data; the next message from them starts a brand-new profile. */
export async function forgetNow(deps: BotCoreDeps, externalId: string): Promise<Reply> {
  await forgetUser(deps.db, externalId);
  deps.logger.info({ event: 'forget-me' }, 'user data deleted on request');
  return {
    text: 'Done: everything I stored about you is deleted. If you talk to me again I start from scratch.',
    ephemeral: true,
    data: { forgotten: true },
  };
}
