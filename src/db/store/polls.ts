import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { type POLL_STRATEGIES, type PollPick, polls, pollVotes, ratings, users } from '../schema.ts';
import type { Executor } from './executor.ts';
import { newSessionId } from './sessions.ts';

export type PollRow = typeof polls.$inferSelect;
export type PollStrategy = (typeof POLL_STRATEGIES)[number];

/** `<platform>:…` channel keys of one of `platforms`. */
const onPlatforms = (platforms: readonly string[]) =>
  inArray(sql`split_part(${polls.channel}, ':', 1)`, [...platforms]);

/** Stores a new open poll and returns it. */
export async function createPoll(
  db: Executor,
  poll: {
    tenant: string;
    channel: string;
    createdBy: number;
    memberIds: number[];
    movieIds: number[];
    strategy: PollStrategy;
    closesAt: Date;
    picks?: PollPick[];
  },
): Promise<PollRow> {
  const [row] = await db
    .insert(polls)
    .values({ id: newSessionId(), ...poll })
    .returning();
  return row!;
}

/**
 * Remembers which platform message shows the poll (the first one posted wins: a later edit of the same
 * poll is not a new poll message), so votes and the close can edit it.
 */
export async function setPollMessageKey(db: Executor, pollId: string, messageKey: string): Promise<void> {
  await db
    .update(polls)
    .set({ messageKey })
    .where(and(eq(polls.id, pollId), sql`${polls.messageKey} is null`));
}

/** The members of a poll, in the poll's order (the caller first), for naming them. */
export async function pollMembers(
  db: Executor,
  memberIds: readonly number[],
): Promise<(typeof users.$inferSelect)[]> {
  if (memberIds.length === 0) return [];
  const rows = await db
    .select()
    .from(users)
    .where(inArray(users.id, [...memberIds]));
  return memberIds.flatMap((id) => rows.filter((r) => r.id === id));
}

/** A poll by id, only when it belongs to `tenant` (a poll id from another tenant finds nothing). */
export async function getPoll(db: Executor, id: string, tenant: string): Promise<PollRow | undefined> {
  const [row] = await db
    .select()
    .from(polls)
    .where(and(eq(polls.id, id), eq(polls.tenant, tenant)));
  return row;
}

/**
 * The newest open poll of a tenant that concerns this user: posted in `channel`, or listing the user
 * as a member (console users each have a channel of their own).
 */
export async function latestOpenPoll(
  db: Executor,
  tenant: string,
  channel: string,
  userId: number,
): Promise<PollRow | undefined> {
  const [row] = await db
    .select()
    .from(polls)
    .where(
      and(
        eq(polls.tenant, tenant),
        eq(polls.closed, false),
        sql`(${polls.channel} = ${channel} or ${userId} = any(${polls.memberIds}))`,
      ),
    )
    .orderBy(desc(polls.createdAt), desc(polls.id))
    .limit(1);
  return row;
}

/**
 * Open polls closing at or before `until`, soonest first, posted in a channel of one of `platforms`
 * (`<platform>:…` channel keys). One scan of the partial index `polls_open_closes_at_idx`.
 */
export async function openPollsClosingBy(
  db: Executor,
  until: Date,
  platforms: readonly string[],
  limit: number,
): Promise<PollRow[]> {
  if (platforms.length === 0) return [];
  return db
    .select()
    .from(polls)
    .where(
      and(
        // A literal, not a parameter, so the planner can match the partial index's predicate.
        sql`${polls.closed} = false`,
        lte(polls.closesAt, until),
        onPlatforms(platforms),
      ),
    )
    .orderBy(asc(polls.closesAt), asc(polls.id))
    .limit(limit);
}

/**
 * The poll `id` if it is still open, with its row locked until the transaction ends: a vote being cast
 * ({@link castVote} locks the same row) or a second closer, in this process or another, waits, and then
 * finds it closed.
 */
export async function lockOpenPoll(tx: Executor, id: string): Promise<PollRow | undefined> {
  const [row] = await tx
    .select()
    .from(polls)
    .where(and(eq(polls.id, id), eq(polls.closed, false)))
    .for('update');
  return row;
}

/**
 * Records a user's vote; a second vote by the same user replaces the first. Returns the movie the user
 * had voted for before, or null. Refuses (returns `closed`) when the poll was closed meanwhile.
 */
export async function castVote(
  db: Executor,
  pollId: string,
  userId: number,
  movieId: number,
): Promise<{ closed: boolean; previous: number | null }> {
  // Lock the poll row so a vote cannot slip in while another request closes the poll.
  const [poll] = await db
    .select({ closed: polls.closed })
    .from(polls)
    .where(eq(polls.id, pollId))
    .for('update');
  if (!poll || poll.closed) return { closed: true, previous: null };
  const [prev] = await db
    .select({ movieId: pollVotes.movieId })
    .from(pollVotes)
    .where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.userId, userId)));
  await db
    .insert(pollVotes)
    .values({ pollId, userId, movieId })
    .onConflictDoUpdate({
      target: [pollVotes.pollId, pollVotes.userId],
      set: { movieId, votedAt: sql`now()` },
    });
  return { closed: false, previous: prev?.movieId ?? null };
}

/** Every vote of a poll (one per user), oldest first. */
export async function listVotes(
  db: Executor,
  pollId: string,
): Promise<{ userId: number; movieId: number }[]> {
  return db
    .select({ userId: pollVotes.userId, movieId: pollVotes.movieId })
    .from(pollVotes)
    .where(eq(pollVotes.pollId, pollId))
    .orderBy(pollVotes.votedAt, pollVotes.userId);
}

/**
 * How a closed poll's winner gets announced: in the reply of the command that closed it (announced
 * with the close), or posted later by the poll closer, which holds the claim until `announceAfter`.
 */
export type PollAnnouncing = { announcedAt: Date } | { announceAfter: Date };

/**
 * Closes a poll with its winner. Only the first caller succeeds (true); a concurrent or later close
 * returns false, so a winner is announced once.
 */
export async function closePoll(
  db: Executor,
  pollId: string,
  winner: number,
  announcing: PollAnnouncing,
): Promise<boolean> {
  const rows = await db
    .update(polls)
    .set({
      closed: true,
      winner,
      announcedAt: 'announcedAt' in announcing ? announcing.announcedAt : null,
      announceAfter: 'announceAfter' in announcing ? announcing.announceAfter : null,
    })
    .where(and(eq(polls.id, pollId), eq(polls.closed, false)))
    .returning({ id: polls.id });
  return rows.length > 0;
}

/** A pending announcement: closed, not announced, not given up (see {@link PollRow.announceAfter}). */
const announcePending = sql`${polls.announceAfter} is not null and ${polls.announcedAt} is null`;

/**
 * Claims closed polls whose announcement is pending and free to retry at `now` (closing at or after
 * `since`, of `platforms`, soonest first, at most `limit`): each claimed row gets `announceAfter` =
 * `retryAt(row)`, in one statement, so a poll is claimed by one closer only — a concurrent claim waits
 * for the row, then sees the new `announceAfter` and skips it (rows another claim holds are skipped).
 */
export async function claimPendingAnnouncements(
  db: Executor,
  opts: {
    now: Date;
    since: Date;
    platforms: readonly string[];
    limit: number;
    /** Backoff: the next retry time, from the poll's closing time. */
    retryAt: (closesAt: Date) => Date;
  },
): Promise<PollRow[]> {
  if (opts.platforms.length === 0) return [];
  const candidates = await db
    .select({ id: polls.id, closesAt: polls.closesAt })
    .from(polls)
    .where(
      and(
        announcePending,
        lte(polls.announceAfter, opts.now),
        gte(polls.closesAt, opts.since),
        onPlatforms(opts.platforms),
      ),
    )
    .orderBy(asc(polls.closesAt), asc(polls.id))
    .limit(opts.limit);
  const claimed: PollRow[] = [];
  for (const c of candidates) {
    // The WHERE is evaluated again on the row another claim may just have updated: one winner.
    const [row] = await db
      .update(polls)
      .set({ announceAfter: opts.retryAt(c.closesAt) })
      .where(and(eq(polls.id, c.id), announcePending, lte(polls.announceAfter, opts.now)))
      .returning();
    if (row) claimed.push(row);
  }
  return claimed;
}

/** Marks a poll's winner announced (posted); its pending retry, if any, is dropped. */
export async function markAnnounced(db: Executor, pollId: string, at: Date): Promise<void> {
  await db
    .update(polls)
    .set({ announcedAt: at, announceAfter: null })
    .where(and(eq(polls.id, pollId), sql`${polls.announcedAt} is null`));
}

/**
 * Gives up on pending announcements of polls that closed before `before` (of `platforms`) and that no
 * closer holds at `now`: they stay closed and unannounced and are not retried again. Returns the polls
 * given up, each to exactly one caller, so each is logged once.
 */
export async function giveUpAnnouncements(
  db: Executor,
  opts: { now: Date; before: Date; platforms: readonly string[] },
): Promise<Pick<PollRow, 'id' | 'channel' | 'closesAt'>[]> {
  if (opts.platforms.length === 0) return [];
  return db
    .update(polls)
    .set({ announceAfter: null })
    .where(
      and(
        announcePending,
        lte(polls.announceAfter, opts.now),
        lt(polls.closesAt, opts.before),
        onPlatforms(opts.platforms),
      ),
    )
    .returning({ id: polls.id, channel: polls.channel, closesAt: polls.closesAt });
}

/**
 * Users of one platform tenant who rated something since `since`, most recent first: who `here` means
 * when the platform cannot list a channel's members.
 */
export async function recentRaters(
  db: Executor,
  platform: string,
  tenant: string,
  since: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .select({ externalId: users.externalId, last: sql<Date>`max(${ratings.updatedAt})`.as('last') })
    .from(users)
    // A linked account's ratings are stored under its profile (links.ts); the account itself, of this
    // tenant, is who is listed.
    .innerJoin(ratings, eq(ratings.userId, sql`coalesce(${users.profileId}, ${users.id})`))
    .where(and(sql`${users.platform} = ${platform}`, eq(users.tenant, tenant), gte(ratings.updatedAt, since)))
    .groupBy(users.externalId)
    .orderBy(sql`last desc`, users.externalId)
    .limit(limit);
  return rows.map((r) => r.externalId);
}

/**
 * Removes forgotten users from every poll's member list (their votes go with their user rows). An open
 * poll whose remaining members have now all voted is made due at `now`, so the poll closer settles it on
 * its next pass ("1 of 2 have voted" no longer waits for someone who is gone). Returns the polls changed.
 */
export async function removePollMembers(db: Executor, userIds: number[], now: Date): Promise<number> {
  if (userIds.length === 0) return 0;
  const gone = sql`array[${sql.join(
    userIds.map((id) => sql`${id}::int`),
    sql`, `,
  )}]::int[]`;
  const remaining = sql`array(select m from unnest(${polls.memberIds}) with ordinality as x(m, n)
    where not (m = any(${gone})) order by n)`;
  const rows = await db
    .update(polls)
    .set({
      memberIds: remaining,
      closesAt: sql`case
        when not ${polls.closed}
          and cardinality(${remaining}) > 0
          and not exists (
            select 1 from unnest(${remaining}) as m(id)
            where not exists (
              select 1 from ${pollVotes} v
              where v.poll_id = ${polls.id} and v.user_id = m.id
            )
          )
        then least(${polls.closesAt}, ${now.toISOString()}::timestamptz)
        else ${polls.closesAt} end`,
    })
    .where(sql`${polls.memberIds} && ${gone}`)
    .returning({ id: polls.id });
  return rows.length;
}
