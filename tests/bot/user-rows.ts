import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';

/** Rows in every table that hold data about one user (by id, external id, session or delivery key). */
export async function countUserRows(
  db: Database,
  userId: number,
  externalId: string,
): Promise<Record<string, number>> {
  const queries: Record<string, ReturnType<typeof sql>> = {
    users: sql`select count(*)::int as n from users where id = ${userId} or external_id = ${externalId}`,
    ratings: sql`select count(*)::int as n from ratings where user_id = ${userId}`,
    marks: sql`select count(*)::int as n from marks where user_id = ${userId}`,
    sessions: sql`select count(*)::int as n from sessions where user_id = ${userId}`,
    reaction_ratings: sql`select count(*)::int as n from reaction_ratings where user_id = ${userId}`,
    recommendation_log: sql`select count(*)::int as n from recommendation_log where user_id = ${userId}`,
    processed_events: sql`select count(*)::int as n from processed_events where starts_with(event_key, ${`${externalId}|`})`,
    cards: sql`select count(*)::int as n from cards c where c.session_id in (select id from sessions where user_id = ${userId})`,
  };
  const out: Record<string, number> = {};
  for (const [table, query] of Object.entries(queries)) {
    const result = await db.execute(query);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number }[];
    out[table] = Number(rows[0]?.n ?? 0);
  }
  return out;
}
