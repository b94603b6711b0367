import { and, desc, eq } from 'drizzle-orm';
import { type MarkKind, marks } from '../schema.ts';
import type { Executor } from './executor.ts';
import { storedUnder } from './users.ts';

/**
 * Flags a movie for a user (seen / not interested / watchlist); returns false when it already was. A
 * linked account's marks are its profile's ({@link storedUnder}), here and below.
 */
export async function addMark(
  db: Executor,
  userId: number,
  movieId: number,
  kind: MarkKind,
): Promise<boolean> {
  const rows = await db
    .insert(marks)
    .values({ userId: storedUnder(userId), movieId, kind })
    .onConflictDoNothing()
    .returning();
  return rows.length > 0;
}

/** Clears a flag; returns false when it was not set. */
export async function removeMark(
  db: Executor,
  userId: number,
  movieId: number,
  kind: MarkKind,
): Promise<boolean> {
  const rows = await db
    .delete(marks)
    .where(and(eq(marks.userId, storedUnder(userId)), eq(marks.movieId, movieId), eq(marks.kind, kind)))
    .returning();
  return rows.length > 0;
}

/** The user's flags, newest first, optionally of one kind. */
export async function listMarks(
  db: Executor,
  userId: number,
  kind?: MarkKind,
): Promise<{ movieId: number; kind: MarkKind; createdAt: Date }[]> {
  return db
    .select({ movieId: marks.movieId, kind: marks.kind, createdAt: marks.createdAt })
    .from(marks)
    .where(
      kind
        ? and(eq(marks.userId, storedUnder(userId)), eq(marks.kind, kind))
        : eq(marks.userId, storedUnder(userId)),
    )
    .orderBy(desc(marks.createdAt), desc(marks.movieId));
}
