import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backgroundDatabase, type Database, type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const pidOf = async (db: Pick<Database, 'execute'>) => {
  const rows = (await db.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[];
  return rows[0]!.pid;
};

/**
 * Imports write on connections of their own (issue 16: bulk work must not take the request pool's
 * connections): with the request pool's only connection held, a background write still runs, on
 * another backend, and the request pool is never used for it.
 */
describe.runIf(DB_KINDS.includes('postgres'))('the background pool (Postgres)', () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    handle = await openDatabase({ url: tdb.url, maxConnections: 1 });
  });
  afterAll(async () => {
    await handle?.close();
    await tdb?.destroy();
  });

  it('runs background work while every request connection is busy, on a connection of its own', async () => {
    const background = backgroundDatabase(handle.db);
    expect(background).not.toBe(handle.db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let requestPid = 0;
    let holding!: () => void;
    const holdingNow = new Promise<void>((resolve) => (holding = resolve));
    const transaction = handle.db.transaction(async (tx) => {
      requestPid = await pidOf(tx);
      holding();
      await held;
    });
    await holdingNow;
    // The request pool (1 connection) is taken; this would wait for it if it were not a pool of its own.
    const backgroundPid = await background.transaction(async (tx) => pidOf(tx));
    expect(backgroundPid).not.toBe(requestPid);
    expect(handle.pool!().inFlight).toBe(1);
    release();
    await transaction;
  });
});

describe('the background pool elsewhere', () => {
  it('is the database itself for a database without one (PGlite has one connection for everything)', () => {
    const pglite = {} as Database;
    expect(backgroundDatabase(pglite)).toBe(pglite);
  });
});
