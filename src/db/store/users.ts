import { eq, type SQL, sql } from 'drizzle-orm';
import { UserError } from '../../errors.ts';
import { PLATFORMS, users } from '../schema.ts';
import type { Executor } from './executor.ts';

export type UserRow = typeof users.$inferSelect;
export type UserPlatform = (typeof PLATFORMS)[number];

/** Longest external id accepted; platform ids are far shorter. */
const EXTERNAL_ID_MAX = 200;

/**
 * Splits a namespaced user key into platform and tenant: `discord:<guild>:<user>` (`discord:dm:<user>`),
 * `slack:<team>:<user>`, `console:<name>` (tenant `local`), `movielens:<id>`, `import:<name>`.
 */
export function parseUserKey(key: string): { platform: UserPlatform; tenant: string } {
  const parts = key.split(':');
  const platform = parts[0] as UserPlatform;
  if (!PLATFORMS.includes(platform) || key.length > EXTERNAL_ID_MAX || parts.some((p) => p === '')) {
    throw new UserError('bad-user-key', `"${key.slice(0, 60)}" is not a valid user key.`);
  }
  if (platform === 'discord' || platform === 'slack') {
    if (parts.length !== 3)
      throw new UserError('bad-user-key', `"${key}" should look like ${platform}:<tenant>:<user>.`);
    return { platform, tenant: parts[1]! };
  }
  if (parts.length < 2) throw new UserError('bad-user-key', `"${key}" should look like ${platform}:<name>.`);
  return { platform, tenant: 'local' };
}

/** Finds a user by external id without creating one. */
export async function findUser(db: Executor, externalId: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.externalId, externalId));
  return row;
}

/**
 * Returns the user with this external id, creating it (platform and tenant parsed from the key) when
 * new. Safe when two requests create the same user at once.
 */
export async function getOrCreateUser(
  db: Executor,
  externalId: string,
  displayName?: string,
): Promise<UserRow> {
  const existing = await findUser(db, externalId);
  if (existing) return existing;
  const { platform, tenant } = parseUserKey(externalId);
  const [created] = await db
    .insert(users)
    .values({ externalId, platform, tenant, displayName: displayName ?? null })
    .onConflictDoNothing({ target: users.externalId })
    .returning();
  return created ?? (await findUser(db, externalId))!;
}

/**
 * The id an account's ratings and marks are stored under: its own, or its profile owner's when it is
 * linked (`users.profile_id`, see links.ts). Every read and write of ratings and marks goes through
 * this, so a linked account sees and changes the shared history wherever it is used (its own commands,
 * a movie night or /compat naming it, a poll marking the winner seen).
 */
export function storedUnder(userId: number): SQL {
  return sql`coalesce((select pu.profile_id from ${users} pu where pu.id = ${userId}::int), ${userId}::int)`;
}

/** The account itself and every account linked with it: prefs and region are kept equal on all of them. */
function sameProfileAs(userId: number): SQL {
  return sql`(${users.id} = ${userId}::int or (${users.profileId} is not null and ${users.profileId} = (
    select pu.profile_id from ${users} pu where pu.id = ${userId}::int)))`;
}

/** Stores (or clears, with null) the user's parsed `/prefs`, on every account linked with it too. */
export async function setUserPrefs(
  db: Executor,
  userId: number,
  prefs: Record<string, unknown> | null,
): Promise<void> {
  await db.update(users).set({ prefs }).where(sameProfileAs(userId));
}

/**
 * Stores (or clears, with null) the user's ISO 3166-1 alpha-2 region for where-to-watch, on every
 * account linked with it too.
 */
export async function setUserRegion(db: Executor, userId: number, region: string | null): Promise<void> {
  await db.update(users).set({ region }).where(sameProfileAs(userId));
}
