import { lt } from 'drizzle-orm';
import { processedEvents } from '../schema.ts';
import type { Executor } from './executor.ts';

/**
 * The processed-events key of a delivery: the user key comes first so forget-me can remove a user's
 * rows by prefix.
 */
export function eventKey(userKey: string, deliveryId: string): string {
  return `${userKey}|${deliveryId}`;
}

/**
 * Claims a platform delivery: true for the first caller, false for every retry. One atomic
 * `insert … on conflict do nothing returning`, so concurrent duplicates cannot both win.
 */
export async function claimEvent(db: Executor, key: string, tenant: string): Promise<boolean> {
  const rows = await db
    .insert(processedEvents)
    .values({ eventKey: key, tenant })
    .onConflictDoNothing()
    .returning({ key: processedEvents.eventKey });
  return rows.length > 0;
}

/** Drops delivery records older than `before` (platforms stop retrying within minutes). */
export async function deleteEventsBefore(db: Executor, before: Date): Promise<number> {
  const rows = await db
    .delete(processedEvents)
    .where(lt(processedEvents.createdAt, before))
    .returning({ k: processedEvents.eventKey });
  return rows.length;
}
