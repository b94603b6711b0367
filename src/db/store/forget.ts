import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { cards, processedEvents, sessions, users } from '../schema.ts';
import { eventKey } from './events.ts';
import { type Executor, inTransaction } from './executor.ts';
import { afterAccountsDeleted, handOverProfiles, linkedAccounts } from './links.ts';
import { removePollMembers } from './polls.ts';

/**
 * The value stored in `cards.tenant` and `processed_events.tenant`: platform-qualified, so a Discord guild
 * and a Slack team with equal ids never collide.
 */
export function tenantKey(platform: string, tenant: string): string {
  return `${platform}:${tenant}`;
}

/**
 * Deletes everything stored about one user: the user row (ratings, marks, sessions — link codes
 * included —, reaction ratings, poll votes and the recommendation log go with it by cascade), cards tied
 * to the user's sessions, the user's delivery records, and their place in other users' polls' member
 * lists. A linked account (links.ts): `'account'` deletes this account only and its linked accounts keep
 * the shared profile; `'profile'` deletes every linked account the same way. Returns false when the user
 * did not exist.
 */
export async function forgetUser(
  db: Database,
  externalId: string,
  now = new Date(),
  scope: 'account' | 'profile' = 'account',
): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const [user] = await tx
      .select({ id: users.id, profileId: users.profileId })
      .from(users)
      .where(eq(users.externalId, externalId));
    if (!user) return false;
    const accounts =
      scope === 'profile' && user.profileId !== null
        ? (await linkedAccounts(tx, user.id)).map((u) => ({ id: u.id, externalId: u.externalId }))
        : [{ id: user.id, externalId }];
    const ids = accounts.map((a) => a.id);
    await deleteUserDependents(
      tx,
      ids,
      accounts.map((a) => a.externalId),
    );
    await handOverProfiles(tx, ids);
    await tx.delete(users).where(inArray(users.id, ids));
    await afterAccountsDeleted(tx);
    // After the user rows: their votes are gone by cascade, so "all remaining members voted" is right.
    await removePollMembers(tx, ids, now);
    return true;
  });
}

async function deleteUserDependents(tx: Executor, userIds: number[], externalIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const sessionIds = tx.select({ id: sessions.id }).from(sessions).where(inArray(sessions.userId, userIds));
  await tx.delete(cards).where(inArray(cards.sessionId, sessionIds));
  for (const ext of externalIds) {
    await tx
      .delete(processedEvents)
      .where(sql`starts_with(${processedEvents.eventKey}, ${eventKey(ext, '')})`);
  }
}

/**
 * Deletes every user of a tenant (bot removed from a guild, app uninstalled) with all their data, plus the
 * tenant's cards and delivery records. Returns the number of users removed.
 */
export async function purgeTenant(
  db: Database,
  platform: string,
  tenant: string,
): Promise<{ users: number }> {
  return inTransaction(db, async (tx) => {
    const rows = await tx
      .select({ id: users.id, externalId: users.externalId })
      .from(users)
      .where(sql`${users.platform} = ${platform} and ${users.tenant} = ${tenant}`);
    await deleteUserDependents(
      tx,
      rows.map((r) => r.id),
      rows.map((r) => r.externalId),
    );
    if (rows.length > 0) {
      // A linked account of another platform or tenant keeps the profile it shares with these.
      await handOverProfiles(
        tx,
        rows.map((r) => r.id),
      );
      await tx.delete(users).where(
        inArray(
          users.id,
          rows.map((r) => r.id),
        ),
      );
      await afterAccountsDeleted(tx);
    }
    const scope = tenantKey(platform, tenant);
    await tx.delete(cards).where(eq(cards.tenant, scope));
    await tx.delete(processedEvents).where(eq(processedEvents.tenant, scope));
    return { users: rows.length };
  });
}
