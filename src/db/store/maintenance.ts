import type { Database } from '../client.ts';
import { deleteCardsBefore } from './cards.ts';
import { deleteEventsBefore } from './events.ts';
import { deleteExpiredSessions } from './sessions.ts';

/** Platforms stop retrying a delivery within minutes; a day is ample. */
export const PROCESSED_EVENT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Reactions on cards older than this are ignored (and the card mapping is dropped). */
export const CARD_RETENTION_MS = 180 * 24 * 60 * 60 * 1000;

/** Deletes expired sessions, old delivery claims and very old cards; returns what it removed. */
export async function pruneExpired(
  db: Database,
  now = new Date(),
): Promise<{ sessions: number; events: number; cards: number }> {
  const sessions = await deleteExpiredSessions(db, now);
  const events = await deleteEventsBefore(db, new Date(now.getTime() - PROCESSED_EVENT_RETENTION_MS));
  const cards = await deleteCardsBefore(db, new Date(now.getTime() - CARD_RETENTION_MS));
  return { sessions, events, cards };
}
