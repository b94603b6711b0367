import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const run = promisify(execFile);
/** Each child process starts tsx, opens the database and loads the catalog; a fresh home also imports the starter catalog and trains. */
const CLI_TEST_TIMEOUT_MS = 600_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `movierec ask` in a child process, the way a user would. */
async function ask(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/movierec.js', 'ask', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', NO_COLOR: '1', ...env },
      maxBuffer: 10 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface AskJson {
  text: string;
  movies: {
    movielensId: number | null;
    title: string;
    year: number | null;
    genres: string[];
    score: number;
    reason: string;
  }[];
}

describe.each(DB_KINDS)('movierec ask (%s)', (kind) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-ask-'));
  let server: TestDatabase | undefined;
  const env = async (): Promise<Record<string, string>> => {
    if (kind === 'pglite') return { MOVIEREC_HOME: home, DATABASE_URL: '' };
    server ??= await createTestDatabase('postgres');
    return { MOVIEREC_HOME: home, DATABASE_URL: server.url! };
  };
  afterAll(async () => {
    await server?.destroy();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it(
    'recommends 10 movies as JSON; a rating changes the list and survives the process',
    async () => {
      const first = await ask(await env(), '--user', 'ana', '--json', '/recommend');
      expect(first.code).toBe(0);
      const cold = JSON.parse(first.stdout) as AskJson;
      expect(cold.movies).toHaveLength(10);
      for (const m of cold.movies) {
        expect(typeof m.title).toBe('string');
        expect(Array.isArray(m.genres)).toBe(true);
        expect(typeof m.score).toBe('number');
        expect(m.reason.length).toBeGreaterThan(0);
      }
      const rated = await ask(await env(), '--user', 'ana', '/rate Alien 5');
      expect(rated.code).toBe(0);
      expect(rated.stdout).toMatch(/Rated Alien \(1979\)/);
      const warm = JSON.parse(
        (await ask(await env(), '--user', 'ana', '--json', '/recommend')).stdout,
      ) as AskJson;
      expect(warm.movies).toHaveLength(10);
      expect(warm.movies.map((m) => m.title)).not.toEqual(cold.movies.map((m) => m.title));
      expect(warm.movies.map((m) => m.title)).not.toContain('Alien');
      // The list says why: "Because you liked Alien" picks, or reasons naming what Alien shares.
      expect(
        warm.movies.some((m) =>
          /Alien|Ridley Scott/.test(`${m.reason} ${(m as { label?: string }).label ?? ''}`),
        ),
      ).toBe(true);
      const profile = await ask(await env(), '--user', 'ana', '--json', '/profile');
      expect(JSON.parse(profile.stdout)).toMatchObject({ ratingCount: 1 });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'exits non-zero with a clear message for unknown titles and bad stars',
    async () => {
      const unknown = await ask(await env(), '--user', 'bo', '/rate Zzyzx Qwvvt Film 4');
      expect(unknown.code).toBe(2);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr).toMatch(/couldn't find "Zzyzx Qwvvt Film"/);
      const stars = await ask(await env(), '--user', 'bo', '/rate Alien 7');
      expect(stars.code).toBe(2);
      expect(stars.stderr).toMatch(/0\.5 to 5/);
      // --json callers read stdout: a user error is a JSON object there, with the same exit code.
      const json = await ask(await env(), '--user', 'bo', '--json', '/rate Alien 7');
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({
        error: 'bad-stars',
        message: expect.stringMatching(/0\.5 to 5/),
      });
      // A one-shot ask cannot take `:5 1`; its cards name a command to run instead.
      const card = await ask(await env(), '--user', 'bo', '/movie Alien');
      expect(card.stdout).not.toMatch(/:5 1/);
      expect(card.stdout).toMatch(/movierec ask "\/rate Alien 5"/);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe('movierec ask input checks', () => {
  it(
    'refuses empty and 10,000-character messages before touching the database',
    async () => {
      const env = { MOVIEREC_HOME: path.join(os.tmpdir(), 'movierec-never-created'), DATABASE_URL: '' };
      const empty = await ask(env, '--user', 'ana', '');
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/Say something/);
      const huge = await ask(env, '--user', 'ana', 'x'.repeat(10_000));
      expect(huge.code).toBe(2);
      expect(huge.stderr).toMatch(/10,000 characters/);
      expect(fs.existsSync(env.MOVIEREC_HOME)).toBe(false);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
