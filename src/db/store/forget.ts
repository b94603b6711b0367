import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { cards, processedEvents, sessions, users } from '../schema.ts';
import { eventKey } from './events.ts';
import { type Executor, inTransaction } from './executor.ts';
import { removePollMembers } from './polls.ts';

/**
 * The value stored in `cards.tenant` and `processed_events.tenant`: platform-qualified, so a Discord guild
 * and a Slack team with equal ids never collide.
 */
export function tenantKey(platform: string, tenant: string): string {
  return `${platform}:${tenant}`;
}

/**
 * Deletes everything stored about one user: the user row (ratings, marks, sessions, reaction ratings,
 * poll votes and the recommendation log go with it by cascade), cards tied to the user's sessions, the
 * user's delivery records, and their place in other users' polls' member lists. Returns false when the
 * user did not exist.
 */
export async function forgetUser(db: Database, externalId: string, now = new Date()): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.externalId, externalId));
    if (!user) return false;
    await deleteUserDependents(tx, [user.id], [externalId]);
    await tx.delete(users).where(eq(users.id, user.id));
    // After the user row: its votes are gone by cascade, so "all remaining members voted" is right.
    await removePollMembers(tx, [user.id], now);
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
    if (rows.length > 0)
      await tx.delete(users).where(
        inArray(
          users.id,
          rows.map((r) => r.id),
        ),
      );
    const scope = tenantKey(platform, tenant);
    await tx.delete(cards).where(eq(cards.tenant, scope));
    await tx.delete(processedEvents).where(eq(processedEvents.tenant, scope));
    return { users: rows.length };
  });
}
