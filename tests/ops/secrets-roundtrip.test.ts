import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { seedCatalog } from '../load/fixture.ts';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Values that must never appear in any output, whatever the log level. */
const SENTINELS = {
  DISCORD_TOKEN: 'SENTINEL-discord-4b1d',
  SLACK_BOT_TOKEN: 'xoxb-SENTINEL-slack-77aa',
  SLACK_SIGNING_SECRET: 'SENTINEL-signing-0c3e',
  SLACK_APP_TOKEN: 'xapp-SENTINEL-app-91f0',
  TMDB_API_KEY: 'SENTINEL-tmdb-5e2a',
  TMDB_READ_TOKEN: 'SENTINEL-tmdb-read-d8c4',
};
const DB_PASSWORD = 'SENTINEL-dbpass-6a7b';

function movierec(args: string[], env: Record<string, string>, home: string) {
  return spawnSync(process.execPath, ['bin/movierec.js', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      MOVIEREC_HOME: home,
      LOG_LEVEL: 'trace',
      TMDB_API_URL: 'http://127.0.0.1:9/',
      ...SENTINELS,
      ...env,
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

function expectNoSecret(output: string) {
  for (const secret of [...Object.values(SENTINELS), DB_PASSWORD]) expect(output).not.toContain(secret);
  expect(output).not.toMatch(/SENTINEL/);
}

/**
 * Full `movierec ask` round trips with sentinel secrets in every configured token and in the database
 * password, logging at trace level: nothing secret in stdout or stderr, in success and in failure.
 */
describe.runIf(DB_KINDS.includes('postgres'))('no secret in any output of a full ask round trip', () => {
  let tdb: TestDatabase;
  let home: string;
  let url: string;
  let movieId: number;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    await seedCatalog(tdb.db, { ratings: 3_000 });
    [{ id: movieId }] = (await tdb.db.select({ id: movies.id }).from(movies).limit(1)) as [{ id: number }];
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-secrets-'));
    // The local server trusts loopback connections, so the password is sent but not needed.
    const u = new URL(tdb.url!);
    u.password = DB_PASSWORD;
    url = u.toString();
  });
  afterAll(async () => {
    await tdb?.destroy();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('recommend and rate at trace level', () => {
    let logged = '';
    for (const message of ['/recommend', `/rate #${movieId} 4`, '/profile']) {
      const run = movierec(['ask', '--user', 'sentinel', message], { DATABASE_URL: url }, home);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(0);
      expectNoSecret(run.stdout + run.stderr);
      logged += run.stderr;
    }
    // The first ask trains and stores the model, so there were log lines to leak into.
    expect(logged).toContain('model trained');
  });

  it('an unreachable database names the server without its password', () => {
    const down = new URL(url);
    down.port = '9';
    const run = movierec(
      ['ask', '--user', 'sentinel', '/recommend'],
      { DATABASE_URL: down.toString() },
      home,
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/127\.0\.0\.1/);
    expectNoSecret(run.stdout + run.stderr);
  });
});
