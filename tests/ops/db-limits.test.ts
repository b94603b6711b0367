import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

/** Server-side limits on every pooled connection (issue 16): a runaway statement cannot hold one. */
describe.runIf(DB_KINDS.includes('postgres'))('Postgres connection limits', () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    handle = await openDatabase({
      url: tdb.url,
      maxConnections: 2,
      limits: { statementTimeoutMs: 300, idleInTransactionTimeoutMs: 4_000 },
    });
  });
  afterAll(async () => {
    await handle?.close();
    await tdb?.destroy();
  });

  const setting = async (name: 'statement_timeout' | 'idle_in_transaction_session_timeout') => {
    const rows = (await handle.db.execute(sql`select current_setting(${name}) as v`)) as unknown as {
      v: string;
    }[];
    return rows[0]!.v;
  };

  it('sets statement_timeout and idle_in_transaction_session_timeout on pooled connections', async () => {
    expect(await setting('statement_timeout')).toBe('300ms');
    expect(await setting('idle_in_transaction_session_timeout')).toBe('4s');
  });

  it('cancels a statement past the limit (57014) without taking the database for dead', async () => {
    const error = await handle.db.execute(sql`select pg_sleep(5)`).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect((error?.cause as { code?: string } | undefined)?.code).toBe('57014');
    // A cancelled statement is the database answering: the breaker stays closed, the next query runs.
    expect(handle.pool!().breaker).toBe('closed');
    expect(await setting('statement_timeout')).toBe('300ms');
  });
});
