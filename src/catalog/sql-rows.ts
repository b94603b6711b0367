import type { SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';

/** A database or an open transaction: anything that can execute raw SQL. */
export type Executor = Pick<Database, 'execute'>;

/**
 * Runs raw SQL and returns its rows. postgres.js answers with the row array itself and PGlite with
 * `{ rows }`; callers should not care which.
 */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Splits `items` into consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Packs a list of string lists into one string per list, for passing as a single `text[]` parameter and
 * splitting back with `string_to_array(x, E'\x1f')` (Postgres arrays cannot be ragged).
 */
export const LIST_SEPARATOR = '\u001f';
export function packLists(lists: readonly (readonly string[])[]): string[] {
  return lists.map((l) => l.map((s) => s.replaceAll(LIST_SEPARATOR, ' ')).join(LIST_SEPARATOR));
}
