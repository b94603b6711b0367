import { sql } from 'drizzle-orm';
import type { Executor } from './sql-rows.ts';

/** Any stable 64-bit number, distinct from the migration lock: serialises whole-catalog writes. */
const CATALOG_WRITE_LOCK_ID = 727_001_338;

/**
 * Takes the transaction-scoped lock every bulk catalog writer (MovieLens import, starter catalog) holds,
 * so two imports, or an import and a bot filling the starter catalog, never interleave and duplicate
 * movies. Released at commit or rollback.
 */
export async function lockCatalogWrites(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CATALOG_WRITE_LOCK_ID})`);
}
