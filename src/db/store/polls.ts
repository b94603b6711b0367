import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { type POLL_STRATEGIES, polls, pollVotes, ratings, users } from '../schema.ts';
import type { Executor } from './executor.ts';
import { newSessionId } from './sessions.ts';

export type PollRow = typeof polls.$inferSelect;
export type PollStrategy = (typeof POLL_STRATEGIES)[number];

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
  },
): Promise<PollRow> {
  const [row] = await db
    .insert(polls)
    .values({ id: newSessionId(), ...poll })
    .returning();
  return row!;
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
        inArray(sql`split_part(${polls.channel}, ':', 1)`, [...platforms]),
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
 * Closes a poll with its winner. Only the first caller succeeds (true); a concurrent or later close
 * returns false, so a winner is announced once.
 */
export async function closePoll(db: Executor, pollId: string, winner: number): Promise<boolean> {
  const rows = await db
    .update(polls)
    .set({ closed: true, winner })
    .where(and(eq(polls.id, pollId), eq(polls.closed, false)))
    .returning({ id: polls.id });
  return rows.length > 0;
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
    .innerJoin(ratings, eq(ratings.userId, users.id))
    .where(and(sql`${users.platform} = ${platform}`, eq(users.tenant, tenant), gte(ratings.updatedAt, since)))
    .groupBy(users.externalId)
    .orderBy(sql`last desc`, users.externalId)
    .limit(limit);
  return rows.map((r) => r.externalId);
}
