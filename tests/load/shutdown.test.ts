import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies, ratings, users } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { resolveTestPostgres } from '../helpers/postgres.ts';
import { seedCatalog } from './fixture.ts';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** A graceful stop must finish well within a container's stop grace period (compose: 30 s). */
const SHUTDOWN_LIMIT_MS = 10_000;
/** Tells the child's connections apart from this test's own pool on the same database. */
const APP_NAME = 'movierec_sigterm_test';

/**
 * `movierec start` as a real child process on a Postgres database: a rating is acknowledged, SIGTERM
 * arrives, and the process stops its receivers, closes its pool and exits 0 in time, with the rating stored.
 */
describe.runIf(DB_KINDS.includes('postgres'))('SIGTERM shuts movierec start down gracefully', () => {
  let tdb: TestDatabase;
  let home: string;
  let admin: postgres.Sql;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    await seedCatalog(tdb.db, { ratings: 3_000 });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-sigterm-'));
    admin = postgres((await resolveTestPostgres()).url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await tdb?.destroy();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('exits 0 within the limit, with the acknowledged rating stored and no connection left', {
    timeout: 120_000,
  }, async () => {
    const [movie] = await tdb.db.select({ id: movies.id }).from(movies).limit(1);
    const dbName = new URL(tdb.url!).pathname.slice(1);
    const child = spawn(process.execPath, ['bin/movierec.js', 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: `${tdb.url}?application_name=${APP_NAME}`,
        MOVIEREC_HOME: home,
        LOG_LEVEL: 'info',
        USER: 'sigterm',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const waitFor = async (what: () => boolean, ms: number, label: string) => {
      const until = Date.now() + ms;
      while (!what()) {
        if (Date.now() > until)
          throw new Error(`timed out waiting for ${label}\nstdout: ${stdout}\nstderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor(() => stderr.includes('adapter started'), 60_000, 'start-up');
      child.stdin.write(`/rate #${movie!.id} 4.5\n`);
      await waitFor(() => /Rated/.test(stdout), 60_000, 'the rating to be acknowledged');
      const [open] =
        await admin`select count(*)::int as n from pg_stat_activity where datname = ${dbName} and application_name = ${APP_NAME}`;
      expect(open!.n).toBeGreaterThan(0);

      const t0 = Date.now();
      child.kill('SIGTERM');
      const result = await Promise.race([
        exited,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), SHUTDOWN_LIMIT_MS)),
      ]);
      expect(result, `stderr: ${stderr}`).toEqual({ code: 0, signal: null });
      expect(Date.now() - t0).toBeLessThan(SHUTDOWN_LIMIT_MS);
      expect(stderr).toContain('shutting down');
      const [left] =
        await admin`select count(*)::int as n from pg_stat_activity where datname = ${dbName} and application_name = ${APP_NAME}`;
      expect(left!.n).toBe(0);
      const stored = await tdb.db
        .select({ rating: ratings.rating })
        .from(ratings)
        .innerJoin(users, eq(users.id, ratings.userId))
        .where(and(eq(users.externalId, 'console:sigterm'), eq(ratings.movieId, movie!.id)));
      expect(stored).toEqual([{ rating: 4.5 }]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
