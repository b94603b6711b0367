import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, lte, type SQL } from 'drizzle-orm';
import { sessions } from '../schema.ts';
import type { Executor } from './executor.ts';

export interface SessionRow<T = Record<string, unknown>> {
  id: string;
  userId: number;
  kind: string;
  data: T;
  createdAt: Date;
  expiresAt: Date;
}

/** Short, unguessable, and small enough to sit inside a button id. */
export function newSessionId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Stores conversation state for `ttlMs`; returns the new session. `id` may be chosen beforehand (with
 * {@link newSessionId}) when the caller needs it before the row is written.
 */
export async function createSession<T extends Record<string, unknown>>(
  db: Executor,
  userId: number,
  kind: string,
  data: T,
  ttlMs: number,
  now = new Date(),
  id = newSessionId(),
): Promise<SessionRow<T>> {
  const [row] = await db
    .insert(sessions)
    .values({ id, userId, kind, data, expiresAt: new Date(now.getTime() + ttlMs) })
    .returning();
  return row as SessionRow<T>;
}

/** A live (unexpired) session by id, only when it belongs to `userId`. */
export function getSession<T = Record<string, unknown>>(
  db: Executor,
  id: string,
  userId: number,
  now = new Date(),
): Promise<SessionRow<T> | undefined> {
  return liveSession<T>(db, id, eq(sessions.userId, userId), now);
}

/**
 * A live session by id whoever owns it: a list's "More" button pressed by another member of the channel
 * starts that member's own copy of the list from it.
 */
export function findSession<T = Record<string, unknown>>(
  db: Executor,
  id: string,
  kind: string,
  now = new Date(),
): Promise<SessionRow<T> | undefined> {
  return liveSession<T>(db, id, eq(sessions.kind, kind), now);
}

/** The unexpired session `id`, when it also meets `condition` (its owner, or its kind). */
async function liveSession<T>(
  db: Executor,
  id: string,
  condition: SQL,
  now: Date,
): Promise<SessionRow<T> | undefined> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, id), condition, gt(sessions.expiresAt, now)));
  return row as SessionRow<T> | undefined;
}

/** The user's newest live session of a kind. */
export async function latestSession<T = Record<string, unknown>>(
  db: Executor,
  userId: number,
  kind: string,
  now = new Date(),
): Promise<SessionRow<T> | undefined> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.kind, kind), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  return row as SessionRow<T> | undefined;
}

/** Replaces a session's data (and optionally extends it). */
export async function updateSession(
  db: Executor,
  id: string,
  data: Record<string, unknown>,
  expiresAt?: Date,
): Promise<void> {
  await db
    .update(sessions)
    .set(expiresAt ? { data, expiresAt } : { data })
    .where(eq(sessions.id, id));
}

/**
 * Deletes a session (only when it belongs to `userId`, when given); returns whether it existed (so a
 * confirmation is used once).
 */
export async function deleteSession(db: Executor, id: string, userId?: number): Promise<boolean> {
  const rows = await db
    .delete(sessions)
    .where(userId === undefined ? eq(sessions.id, id) : and(eq(sessions.id, id), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Whose session this is (expired or not); undefined when there is no such session. */
export async function sessionOwner(db: Executor, id: string): Promise<number | undefined> {
  const [row] = await db.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.id, id));
  return row?.userId;
}

/** Deletes every session of a kind for a user. */
export async function deleteSessionsOfKind(db: Executor, userId: number, kind: string): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.kind, kind)));
}

/** Removes expired sessions; returns how many. */
export async function deleteExpiredSessions(db: Executor, now = new Date()): Promise<number> {
  const rows = await db.delete(sessions).where(lte(sessions.expiresAt, now)).returning({ id: sessions.id });
  return rows.length;
}
