import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { isConnectionError } from '../../src/db/connection-errors.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const POOL = 3;

/**
 * Recovery after the server dropped the pool's connections in the middle of their queries (issue 16:
 * after a restart, normal answers took 5–13 s to resume). A server that goes away (`pg_ctl stop`, a
 * crash, `pg_terminate_backend`) sends each busy backend's client a FATAL 57P01 and closes it;
 * postgres.js 3.4.9 keeps that error on the connection object and rejects the connection's first query
 * after it reconnected with it (porsager/postgres#1223 reports the same replay for connections killed
 * while starting up). Each pooled connection then failed one user request after the database was back,
 * and each such failure re-opened the circuit breaker for another cool-down. The breaker's probe now
 * runs one query on every pooled connection before it lets traffic through.
 *
 * The break is real (the server terminates the backends); the cool-down is 0, so the probe runs on the
 * next request and nothing here waits on a clock.
 */
describe.runIf(DB_KINDS.includes('postgres'))('recovery after the server dropped busy connections', () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  let admin: postgres.Sql;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    handle = await openDatabase({
      url: tdb.url,
      maxConnections: POOL,
      limits: { breakerCooldownMs: 0, statementTimeoutMs: 0 },
    });
    admin = postgres(tdb.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end({ timeout: 1 });
    await handle?.close();
    await tdb?.destroy();
  });

  /** Runs one long query on every pooled connection and has the server terminate them mid-query. */
  async function dropBusyConnections(): Promise<unknown[]> {
    const sleepers = Array.from({ length: POOL }, () =>
      handle.db.execute(sql`select pg_sleep(60) as dropped_by_test`).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    const busy = () =>
      admin`select pid from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()
              and state = 'active' and query like '%dropped_by_test%'`;
    // Waits for the server to report all of them running (an event, polled; no sleep decides anything).
    for (let seen = 0; seen < POOL; ) seen = (await busy()).length;
    await admin`select pg_terminate_backend(pid) from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid()
                  and query like '%dropped_by_test%'`;
    return Promise.all(sleepers);
  }

  const codeOf = (error: unknown) =>
    ((error as { cause?: { code?: string } })?.cause ?? (error as { code?: string }))?.code;

  it('after one probe every pooled connection answers: no request gets the dropped connection’s old error', async () => {
    const errors = await dropBusyConnections();
    // Each sleeper was cut off (postgres.js reports CONNECTION_CLOSED and keeps the 57P01 for later).
    expect(errors.map((e) => isConnectionError(e) || isConnectionError((e as Error)?.cause))).toEqual(
      Array(POOL).fill(true),
    );
    expect(handle.pool!().breaker).toBe('open');

    // The next requests, one per pooled connection, all at once: the first runs the probe, the others
    // fail fast while it is out (the breaker's rule); then every connection must answer.
    const first = await Promise.allSettled(
      Array.from({ length: POOL }, () => handle.db.execute(sql`select 1 as ok`)),
    );
    expect(first[0]!.status).toBe('fulfilled');
    expect(handle.pool!().breaker).toBe('closed');
    const next = await Promise.allSettled(
      Array.from({ length: POOL }, () => handle.db.execute(sql`select 1 as ok`)),
    );
    expect(next.map((r) => (r.status === 'rejected' ? codeOf(r.reason) : 'ok'))).toEqual(
      Array(POOL).fill('ok'),
    );
    expect(handle.pool!().breaker).toBe('closed');
  });
});
