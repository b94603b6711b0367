import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import { DB_KINDS } from './helpers/db.ts';
import { DEFAULT_TEST_POSTGRES_URL } from './helpers/postgres.ts';

const serverUrl = process.env.TEST_DATABASE_URL || DEFAULT_TEST_POSTGRES_URL;

describe.skipIf(!DB_KINDS.includes('postgres'))('migrations on the Postgres server', () => {
  it('are applied once when several processes migrate at the same moment', async () => {
    const name = `movierec_migrate_${randomBytes(4).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const handles = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ url: url.toString(), maxConnections: 2 })),
    );
    try {
      await Promise.all(handles.map((h) => h.migrate()));
      const check = postgres(url.toString(), { max: 1, onnotice: () => {} });
      const applied = await check`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const tables =
        await check`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
      await check.end();
      const migrationFiles = (await import('node:fs'))
        .readdirSync('migrations')
        .filter((f) => f.endsWith('.sql'));
      expect(applied[0]!.n).toBe(migrationFiles.length);
      expect(tables[0]!.n).toBeGreaterThan(5);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
