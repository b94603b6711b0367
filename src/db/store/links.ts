/**
 * One profile across platforms: `/link` codes and the accounts they join.
 *
 * A person's accounts (a Discord account in one server, a Slack account in one workspace, a console name)
 * are separate `users` rows. Linking them makes one profile: `users.profile_id` of every account names the
 * profile's owner account (the owner's own row points at itself), and the ratings and marks of all of them
 * are stored under the owner's id — every read and write goes through `storedUnder` (users.ts). Prefs and
 * region are copied to every account of the profile. Group features keep using each account as it is in
 * its own server or workspace: a poll, a movie night or /compat only ever names accounts of its tenant.
 *
 * Rules (README "One profile across platforms"):
 * - A code is 8 characters from an alphabet without look-alikes, made with crypto randomness; only its
 *   SHA-256 is stored (a `sessions` row of kind `link-code` whose id is the hash), so a database dump
 *   shows no usable code. It lasts 10 minutes, works once, and a new `/link` replaces the account's
 *   previous code.
 * - The code names the account that issued it; another account redeems it. Two accounts of the same
 *   server or workspace (or two console names) are never linked: one person has one account there, so
 *   they are two people. Two servers of one platform may be linked (one Discord user in two servers is
 *   two accounts). An account already in the same profile is refused.
 * - Conflicting ratings at link time: the newer rating (`updated_at`) wins; on an exact tie, the
 *   issuer's. Marks are united. Prefs and region: the issuer's when it has them, else the redeemer's.
 * - `/unlink`: the account leaves the profile and keeps a copy of everything shared up to then; the other
 *   accounts keep the profile. From then on each has its own history.
 * - Deleting an account (forget-me for this account only, a server or workspace removed) hands the
 *   profile's data to a remaining account first; forget-me for all deletes every account of the profile.
 */
import { createHash, randomInt } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { marks, ratings, sessions, users } from '../schema.ts';
import { type Executor, inTransaction } from './executor.ts';
import type { UserRow } from './users.ts';

/** `sessions.kind` of a link code; the session id is `link:` + the code's SHA-256. */
export const LINK_CODE_KIND = 'link-code';
/** How long a code works. */
export const LINK_CODE_TTL_MS = 10 * 60 * 1000;
/** Digits and capitals without 0/O, 1/I/L: 31 symbols, nothing to misread or mistype. */
export const LINK_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** 31^8 ≈ 8.5·10^11 codes; with the guess limit below, guessing a live one is hopeless. */
export const LINK_CODE_LENGTH = 8;

/** A fresh code, shown as `ABCD-EFGH`. */
export function newLinkCode(): string {
  let code = '';
  for (let i = 0; i < LINK_CODE_LENGTH; i++) code += LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What the person typed, as the stored form: case, spaces and dashes ignored. Null when it cannot be a
 * code at all (wrong length or a letter the alphabet lacks).
 */
export function normalizeLinkCode(input: string): string | null {
  const code = input.replace(/[\s-]+/g, '').toUpperCase();
  if (code.length !== LINK_CODE_LENGTH) return null;
  for (const c of code) if (!LINK_CODE_ALPHABET.includes(c)) return null;
  return code;
}

function codeSessionId(normalized: string): string {
  return `link:${createHash('sha256').update(normalized).digest('hex')}`;
}

/** Issues a code for `userId`, replacing any code it had. */
export async function issueLinkCode(
  db: Database,
  userId: number,
  now: Date,
): Promise<{ code: string; expiresAt: Date }> {
  const code = newLinkCode();
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
  await inTransaction(db, async (tx) => {
    await tx.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.kind, LINK_CODE_KIND)));
    await tx.insert(sessions).values({
      id: codeSessionId(normalizeLinkCode(code)!),
      userId,
      kind: LINK_CODE_KIND,
      data: {},
      expiresAt,
    });
  });
  return { code, expiresAt };
}

/** What linking changed, for the reply. */
export interface LinkSummary {
  /** The account that issued the code. */
  issuer: UserRow;
  /** Ratings the profile has now. */
  ratings: number;
  /** Films both sides had rated (the newer rating was kept). */
  ratedOnBoth: number;
  /** Of those, how many took the redeemer's rating (it was newer). */
  redeemerNewer: number;
  /** Every account of the profile now, the redeemer included. */
  accounts: UserRow[];
}

export type RedeemResult =
  | { ok: true; summary: LinkSummary }
  | {
      ok: false;
      reason: 'malformed' | 'unknown' | 'expired' | 'used' | 'own-code' | 'same-tenant' | 'already-linked';
    };

/**
 * Redeems a code for account `redeemerId`: links it with the code's issuer. A refused code links
 * nothing; an unknown, expired or used one changes nothing, and one refused for who redeems it (own code,
 * same server, already linked) stays usable by the right account. Concurrent redemptions of one code
 * queue on its row: one links, the other finds it used.
 */
export async function redeemLinkCode(
  db: Database,
  redeemerId: number,
  input: string,
  now: Date,
): Promise<RedeemResult> {
  const normalized = normalizeLinkCode(input);
  if (!normalized) return { ok: false, reason: 'malformed' };
  return inTransaction(db, async (tx): Promise<RedeemResult> => {
    const [code] = await tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, codeSessionId(normalized)), eq(sessions.kind, LINK_CODE_KIND)))
      .for('update');
    if (!code) return { ok: false, reason: 'unknown' };
    if ((code.data as { used?: boolean }).used) return { ok: false, reason: 'used' };
    if (code.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
    if (code.userId === redeemerId) return { ok: false, reason: 'own-code' };
    // Both accounts locked in id order (two links at once cannot deadlock), then read as locked.
    const pair = await tx
      .select()
      .from(users)
      .where(inArray(users.id, [code.userId, redeemerId]))
      .orderBy(users.id)
      .for('update');
    const issuer = pair.find((u) => u.id === code.userId);
    const redeemer = pair.find((u) => u.id === redeemerId);
    if (!issuer || !redeemer) return { ok: false, reason: 'unknown' };
    if (issuer.platform === redeemer.platform && issuer.tenant === redeemer.tenant) {
      return { ok: false, reason: 'same-tenant' };
    }
    if ((issuer.profileId ?? issuer.id) === (redeemer.profileId ?? redeemer.id)) {
      return { ok: false, reason: 'already-linked' };
    }
    // Kept (not deleted) until it expires, so a second try says "already used" rather than "unknown".
    await tx
      .update(sessions)
      .set({ data: { used: true } })
      .where(eq(sessions.id, code.id));
    return { ok: true, summary: await linkAccounts(tx, issuer, redeemer) };
  });
}

/**
 * Joins the redeemer's profile (or lone account) into the issuer's. The ratings move to the issuer's
 * profile owner; where both rated a film, the newer rating wins (`updated_at`; a tie keeps the
 * issuer's). Marks are united. Each statement moves rows with `delete … returning` feeding the insert, so
 * nothing is left behind under the old owner. Known limit: a brand-new rating of the redeemer's side
 * whose insert began before this transaction commits and commits after its move statement ran stays
 * under the old owner id, unseen while linked (it is the account's own again after `/unlink`); that
 * needs the same person to rate on one account in the same milliseconds as they redeem on another.
 */
async function linkAccounts(tx: Executor, issuer: UserRow, redeemer: UserRow): Promise<LinkSummary> {
  const target = issuer.profileId ?? issuer.id;
  const source = redeemer.profileId ?? redeemer.id;
  const moved = rowsOf<{ moved: number; added: number; replaced: number }>(
    await tx.execute(sql`
      with moved as (
        delete from ${ratings} where user_id = ${source}::int
        returning movie_id, rating, source, rated_at, updated_at
      ), written as (
        insert into ${ratings} as r (user_id, movie_id, rating, source, rated_at, updated_at)
        select ${target}::int, movie_id, rating, source, rated_at, updated_at from moved
        on conflict (user_id, movie_id) do update
          set rating = excluded.rating, source = excluded.source,
              rated_at = excluded.rated_at, updated_at = excluded.updated_at
          -- The newer rating wins; on an exact tie the issuer's (already there) stays.
          where excluded.updated_at > r.updated_at
        returning (xmax = 0) as inserted
      )
      select (select count(*) from moved)::int as moved,
             (select count(*) from written where inserted)::int as added,
             (select count(*) from written where not inserted)::int as replaced`),
  )[0]!;
  await tx.execute(sql`
    with moved as (
      delete from ${marks} where user_id = ${source}::int returning movie_id, kind, created_at
    )
    insert into ${marks} (user_id, movie_id, kind, created_at)
    select ${target}::int, movie_id, kind, created_at from moved
    on conflict do nothing`);
  const prefs = issuer.prefs ?? redeemer.prefs;
  const region = issuer.region ?? redeemer.region;
  await tx
    .update(users)
    .set({ profileId: target, prefs, region })
    .where(
      sql`${users.id} in (${target}::int, ${source}::int) or ${users.profileId} in (${target}::int, ${source}::int)`,
    );
  const [count] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(ratings)
    .where(eq(ratings.userId, target));
  return {
    issuer: { ...issuer, profileId: target, prefs, region },
    ratings: Number(count?.n ?? 0),
    ratedOnBoth: Number(moved.moved) - Number(moved.added),
    redeemerNewer: Number(moved.replaced),
    accounts: await linkedAccounts(tx, redeemer.id),
  };
}

/** Every account of `userId`'s profile, itself included, oldest first; just itself when not linked. */
export async function linkedAccounts(db: Executor, userId: number): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(
      sql`${users.id} = ${userId}::int or (${users.profileId} is not null and ${users.profileId} = (
        select pu.profile_id from ${users} pu where pu.id = ${userId}::int))`,
    )
    .orderBy(users.id);
}

/** Copies every rating and mark stored under `from` to `to` (whose own rows are replaced). */
async function copyHistory(tx: Executor, from: number, to: number): Promise<void> {
  await tx.delete(ratings).where(eq(ratings.userId, to));
  await tx.delete(marks).where(eq(marks.userId, to));
  await tx.execute(sql`
    insert into ${ratings} (user_id, movie_id, rating, source, rated_at, updated_at)
    select ${to}::int, movie_id, rating, source, rated_at, updated_at from ${ratings} where user_id = ${from}::int`);
  await tx.execute(sql`
    insert into ${marks} (user_id, movie_id, kind, created_at)
    select ${to}::int, movie_id, kind, created_at from ${marks} where user_id = ${from}::int`);
}

/** A profile left with one account is no profile: that account stands alone again (its data is its own). */
async function dissolveSingletons(tx: Executor): Promise<void> {
  await tx.execute(sql`
    update ${users} set profile_id = null
    where profile_id in (
      select profile_id from ${users} where profile_id is not null group by profile_id having count(*) = 1)`);
}

export type UnlinkResult =
  | { ok: true; others: UserRow[]; ratings: number }
  | { ok: false; reason: 'not-linked' };

/**
 * Takes `userId` out of its profile. It keeps a copy of the shared ratings, marks, prefs and region as
 * they are now; the other accounts keep the profile. When the owner leaves, the next oldest account
 * becomes the owner (the data is copied to it first).
 */
export async function unlinkAccount(db: Database, userId: number): Promise<UnlinkResult> {
  return inTransaction(db, async (tx): Promise<UnlinkResult> => {
    const [me] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!me || me.profileId === null) return { ok: false, reason: 'not-linked' };
    const owner = me.profileId;
    const others = (await linkedAccounts(tx, userId)).filter((u) => u.id !== userId);
    const next = others[0];
    if (userId === owner && next) {
      await copyHistory(tx, owner, next.id);
      await tx
        .update(users)
        .set({ profileId: next.id })
        .where(and(eq(users.profileId, owner), sql`${users.id} <> ${owner}::int`));
    } else if (userId !== owner) {
      await copyHistory(tx, owner, userId);
    }
    await tx.update(users).set({ profileId: null }).where(eq(users.id, userId));
    await dissolveSingletons(tx);
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(ratings)
      .where(eq(ratings.userId, userId));
    return { ok: true, others, ratings: Number(count?.n ?? 0) };
  });
}

/**
 * Before the accounts `ids` are deleted: every profile they own that keeps an account outside `ids` is
 * handed to the oldest such account (ratings and marks re-keyed to it), so deleting one account never
 * deletes the history its linked accounts share. Call {@link afterAccountsDeleted} once they are gone.
 */
export async function handOverProfiles(tx: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const gone = sql`array[${sql.join(
    ids.map((id) => sql`${id}::int`),
    sql`, `,
  )}]::int[]`;
  const handovers = rowsOf<{ owner: number; heir: number }>(
    await tx.execute(sql`
      select u.profile_id as owner, min(u.id) as heir from ${users} u
      where u.profile_id = any(${gone}) and not (u.id = any(${gone}))
      group by u.profile_id`),
  );
  for (const row of handovers) {
    const owner = Number(row.owner);
    const heir = Number(row.heir);
    await tx.delete(ratings).where(eq(ratings.userId, heir));
    await tx.delete(marks).where(eq(marks.userId, heir));
    await tx.update(ratings).set({ userId: heir }).where(eq(ratings.userId, owner));
    await tx.update(marks).set({ userId: heir }).where(eq(marks.userId, owner));
    await tx
      .update(users)
      .set({ profileId: heir })
      .where(and(eq(users.profileId, owner), sql`not (${users.id} = any(${gone}))`));
  }
}

/** After accounts were deleted: profiles left with one account dissolve. */
export async function afterAccountsDeleted(tx: Executor): Promise<void> {
  await dissolveSingletons(tx);
}

/** postgres.js answers with the row array, PGlite with `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}
