import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';

type Rows<T> = T[] | { rows: T[] };
const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) ? (result as T[]) : (result as Exclude<Rows<T>, T[]>).rows;

/** Every (table, column) holding a foreign key to users.id, read from the catalog so new tables are covered. */
async function userReferences(db: Database): Promise<{ table: string; column: string }[]> {
  const result = await db.execute(sql`
    select cl.relname as table, a.attname as column
    from pg_constraint c
    join pg_class cl on cl.oid = c.conrelid
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
    where c.contype = 'f' and c.confrelid = 'users'::regclass
    order by 1, 2`);
  return rowsOf<{ table: string; column: string }>(result);
}

/**
 * Rows about one user in every table: each foreign key to users, the users row itself, delivery claims
 * keyed by the user key, and cards tied to the user's sessions.
 */
export async function countUserRows(
  db: Database,
  userId: number,
  externalId: string,
): Promise<Record<string, number>> {
  const count = async (query: ReturnType<typeof sql>) =>
    Number(rowsOf<{ n: number }>(await db.execute(query))[0]?.n ?? 0);
  const out: Record<string, number> = {
    users: await count(
      sql`select count(*)::int as n from users where id = ${userId} or external_id = ${externalId}`,
    ),
    processed_events: await count(
      sql`select count(*)::int as n from processed_events where starts_with(event_key, ${`${externalId}|`})`,
    ),
    cards: await count(
      sql`select count(*)::int as n from cards where session_id in (select id from sessions where user_id = ${userId})`,
    ),
  };
  for (const ref of await userReferences(db)) {
    const key = ref.column === 'user_id' ? ref.table : `${ref.table}.${ref.column}`;
    out[key] = await count(
      sql`select count(*)::int as n from ${sql.identifier(ref.table)} where ${sql.identifier(ref.column)} = ${userId}`,
    );
  }
  return out;
}
