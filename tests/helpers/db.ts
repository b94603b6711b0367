import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { users } from '../../src/db/schema.ts';
import { resolveTestPostgres } from './postgres.ts';

export type DbKind = 'pglite' | 'postgres';

export interface TestDatabase extends DatabaseHandle {
  /** Connection URL when on the server (a database of its own), undefined on PGlite. */
  url: string | undefined;
  /** Closes and, on the server, drops the database. */
  destroy(): Promise<void>;
}

const pgTarget = await resolveTestPostgres();

/** The database kinds this run tests: PGlite always, the Postgres server when reachable. */
export const DB_KINDS: DbKind[] = pgTarget.url ? ['pglite', 'postgres'] : ['pglite'];

let pgliteTemplate: Promise<Blob> | undefined;

/** A migrated PGlite dump made once per worker; each test database starts from it (≈1 s, not 5). */
function migratedPgliteDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const handle = await openDatabase({ memory: true });
    await handle.migrate();
    const { PGlite } = await import('@electric-sql/pglite');
    const client = (handle.db as unknown as { $client: InstanceType<typeof PGlite> }).$client;
    const dump = await client.dumpDataDir('none');
    await handle.close();
    return dump;
  })();
  return pgliteTemplate;
}

/** A fresh, migrated, empty database of the given kind, isolated from every other test. */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ memory: true, loadDataDir: await migratedPgliteDump() });
    return { ...handle, url: undefined, destroy: () => handle.close() };
  }
  if (!pgTarget.url) throw new Error(`Postgres server not available: ${pgTarget.reason}`);
  const name = `movierec_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(pgTarget.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = withDatabase(pgTarget.url, name);
  const handle = await openDatabase({ url, maxConnections: 5 });
  await handle.migrate();
  return {
    ...handle,
    url,
    async destroy() {
      await handle.close();
      const dropper = postgres(pgTarget.url!, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Inserts one user per name (`<platform>:<tenant>:<name>`) and returns their ids in order. */
export async function insertUsers(
  db: Database,
  platform: 'console' | 'discord' | 'slack',
  tenant: string,
  names: string[],
): Promise<number[]> {
  const rows = await db
    .insert(users)
    .values(names.map((name) => ({ externalId: `${platform}:${tenant}:${name}`, platform, tenant })))
    .returning({ id: users.id });
  return rows.map((r) => r.id);
}
