import { eq, lt } from 'drizzle-orm';
import { cards } from '../schema.ts';
import type { Executor } from './executor.ts';

export type CardRow = typeof cards.$inferSelect;

/** Remembers which movies a posted message shows (idempotent: re-posting updates it). */
export async function saveCard(
  db: Executor,
  card: { messageKey: string; tenant: string; movieIds: number[]; sessionId?: string | null },
): Promise<void> {
  await db
    .insert(cards)
    .values({ ...card, sessionId: card.sessionId ?? null })
    .onConflictDoUpdate({
      target: cards.messageKey,
      set: { movieIds: card.movieIds, sessionId: card.sessionId ?? null },
    });
}

/** The card behind a platform message, if the bot posted one there. */
export async function getCard(db: Executor, messageKey: string): Promise<CardRow | undefined> {
  const [row] = await db.select().from(cards).where(eq(cards.messageKey, messageKey));
  return row;
}

/** Forgets cards older than `before`; reactions on them are then ignored. */
export async function deleteCardsBefore(db: Executor, before: Date): Promise<number> {
  const rows = await db.delete(cards).where(lt(cards.createdAt, before)).returning({ k: cards.messageKey });
  return rows.length;
}
