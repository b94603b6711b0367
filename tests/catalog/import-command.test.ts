import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/catalog/sql-rows.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { removeFixtureDirs, SMALL_DATASET, SMALL_RATINGS, writeMovieLensDir } from './fixtures.ts';
import { IMDB_FIXTURE_DIR } from './imdb-fixture.ts';

const CLI = fileURLToPath(new URL('../../bin/movierec.js', import.meta.url));
const run = promisify(execFile);

afterAll(removeFixtureDirs);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function movierec(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-cli-'));
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, MOVIEREC_HOME: home, LOG_LEVEL: 'warn', ...env },
      cwd: home,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

describe('movierec import (errors)', () => {
  it('rejects a malformed line with file, line number and a non-zero exit', async () => {
    const dir = writeMovieLensDir({ ...SMALL_DATASET, 'ratings.csv': `${SMALL_RATINGS}\n4,1,nine,5` });
    const result = await movierec(['import', 'movielens', '--from', dir], {});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ratings.csv line 8: rating "nine" is not a number');
  });

  it('fails fast with "are you offline?" when the download cannot connect', async () => {
    const result = await movierec(['import', 'movielens'], {
      MOVIELENS_URL: 'http://127.0.0.1:9/ml-latest-small.zip',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/could not download .* are you offline\? Use --from DIR/);
  });

  it('import imdb without --from fails fast with "are you offline?" when IMDb cannot be reached', async () => {
    const result = await movierec(['import', 'imdb'], { IMDB_DATASETS_URL: 'http://127.0.0.1:9' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /could not download http:\/\/127\.0\.0\.1:9\/title\.basics\.tsv\.gz .* are you offline\?/,
    );
  });

  it('names the sources it knows', async () => {
    const result = await movierec(['import', 'letterboxd'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/known sources are movielens, imdb/);
  });

  it('rejects a --min-votes that is not a whole number', async () => {
    const result = await movierec(['import', 'imdb', '--from', IMDB_FIXTURE_DIR, '--min-votes', 'many'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--min-votes must be a whole number, not "many"');
  });
});

describe.each(DB_KINDS.filter((k) => k === 'postgres'))('movierec import movielens --from on %s', (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('prints one summary line on stdout and leaves the same counts when run twice', async () => {
    const dir = writeMovieLensDir(SMALL_DATASET);
    for (let i = 0; i < 2; i++) {
      const result = await movierec(['import', 'movielens', '--from', dir], { DATABASE_URL: t.url });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^imported 6 movies, 3 users, 6 ratings, 4 tags in \d+\.\d s\n$/);
      expect(result.stderr).toContain('ratings: 6/6');
    }
    const [row] = await queryRows<{ movies: number; ratings: number }>(
      t.db,
      sql`select (select count(*)::int from movies) as movies, (select count(*)::int from ratings) as ratings`,
    );
    expect(row).toEqual({ movies: 6, ratings: 6 });
  });
});

describe.each(DB_KINDS.filter((k) => k === 'postgres'))('movierec import imdb --from on %s', (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('imports the fixture once and changes nothing the second time', async () => {
    const first = await movierec(['import', 'imdb', '--from', IMDB_FIXTURE_DIR], { DATABASE_URL: t.url });
    expect(first.code).toBe(0);
    // An empty catalog: the 16 films with >= 1,000 votes are all new.
    expect(first.stdout).toMatch(
      /^imported 16 of 19 IMDb feature films \(at least 1000 votes or in the catalog\): 16 new, 0 updated, 0 matched by title in \d+\.\d s\n$/,
    );
    expect(first.stderr).toContain('title.principals');
    const second = await movierec(['import', 'imdb', '--from', IMDB_FIXTURE_DIR], { DATABASE_URL: t.url });
    expect(second.stdout).toMatch(/: 0 new, 0 updated, 0 matched by title/);
    const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from movies`);
    expect(row!.n).toBe(16);
  });
});
