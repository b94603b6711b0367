import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { createHealthSource } from '../../src/ops/health.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { resolveTestPostgres } from '../helpers/postgres.ts';

/**
 * `/healthz` on the server must not call a busy database dead (issue 16: under ten imports it
 * reported the healthy database down): a full pool is `saturated` and healthy, a database that does
 * not answer is `down`.
 */
describe.runIf(DB_KINDS.includes('postgres'))('health: saturated pool vs dead database', () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  let admin: postgres.Sql;
  let name: string;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    name = new URL(tdb.url!).pathname.slice(1);
    // One pooled connection, so one slow statement fills the pool.
    handle = await openDatabase({ url: tdb.url, maxConnections: 1 });
    admin = postgres((await resolveTestPostgres()).url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin.unsafe(`alter database ${name} allow_connections true`).catch(() => {});
    await handle?.close().catch(() => {});
    await tdb?.destroy();
    await admin?.end();
  });

  it('reports a full pool as saturated (healthy), with the queries waiting', async () => {
    const health = createHealthSource(handle.db, { timeoutMs: 300, database: handle });
    expect((await health.check()).database).toMatchObject({ ok: true, state: 'ok' });
    // The pool's only connection is busy until the test releases the advisory lock it waits on.
    // Advisory locks are per database: hold it from a session on the scratch database.
    const holder = postgres(tdb.url!, { max: 1, onnotice: () => {} });
    await holder`select pg_advisory_lock(4242)`;
    // drizzle queries are lazy: `then` sends it. Wait until the pool counts it in flight.
    const busy = handle.db
      .execute(sql`select pg_advisory_lock(4242), pg_advisory_unlock(4242)`)
      .then(() => undefined);
    while (handle.pool!().inFlight < 1) await new Promise((r) => setImmediate(r));
    const report = await health.check();
    await holder`select pg_advisory_unlock(4242)`;
    await busy;
    await holder.end();
    expect(report.ok).toBe(true);
    expect(report.database.state).toBe('saturated');
    expect(report.database.pool).toMatchObject({ max: 1, breaker: 'closed' });
    expect(report.database.pool!.inFlight).toBeGreaterThanOrEqual(1);
  });

  it('reports a database that refuses connections as down', async () => {
    const health = createHealthSource(handle.db, { timeoutMs: 300, database: handle });
    await admin.unsafe(`alter database ${name} allow_connections false`);
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`;
    const report = await health.check();
    expect(report.ok).toBe(false);
    expect(report.database.state).toBe('down');
    expect(report.database.error).toBeDefined();
  });
});
