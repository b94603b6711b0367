import type { Database } from '../client.ts';

/** A database or an open transaction: every repository function accepts either. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

/** Runs `fn` in a transaction (PGlite serialises them; Postgres uses read committed + row locks). */
export function inTransaction<T>(db: Database, fn: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx));
}
