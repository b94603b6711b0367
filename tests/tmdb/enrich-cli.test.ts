import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Each CLI run starts tsx and a database: slow on a busy machine, so generous room. */
const CLI_TIMEOUT_MS = 240_000;

import { movies, tmdbCache } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { movierec } from '../insights/cli.ts';

const MATRIX = JSON.parse(readFileSync(new URL('./fixtures/movie-603.json', import.meta.url), 'utf8'));

describe('movierec enrich (errors)', () => {
  it('says how to configure TMDB and exits non-zero', { timeout: CLI_TIMEOUT_MS }, async () => {
    const result = await movierec(['enrich'], {});
    result.cleanup();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TMDB is not configured: set TMDB_API_KEY or TMDB_READ_TOKEN.');
  });

  it('rejects a bad --limit', { timeout: CLI_TIMEOUT_MS }, async () => {
    const result = await movierec(['enrich', '--limit', 'lots'], { TMDB_API_KEY: 'k' });
    result.cleanup();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--limit must be a positive whole number');
  });
});

// A child process is outside msw's reach, so the fake TMDB here is a real local HTTP server.
describe.each(DB_KINDS.filter((k) => k === 'postgres'))('movierec enrich on %s', (kind) => {
  let t: TestDatabase;
  let server: http.Server;
  let apiUrl: string;
  const paths: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await t.db.insert(movies).values(
      [603, 604, 605].map((tmdbId, i) => ({
        title: `Film ${i}`,
        year: 1999,
        tmdbId,
        source: 'movielens' as const,
      })),
    );
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://fake');
      paths.push(url.pathname);
      const id = Number(/\/3\/movie\/(\d+)$/.exec(url.pathname)?.[1]);
      res.setHeader('content-type', 'application/json');
      if (id === 605) {
        res.statusCode = 404;
        res.end(
          '{"success":false,"status_code":34,"status_message":"The resource you requested could not be found."}',
        );
      } else {
        res.end(JSON.stringify({ ...MATRIX, id }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/3`;
  });
  afterAll(async () => {
    server?.close();
    await t?.destroy();
  });

  it('fills the cache and the movie rows, with the progress bar on stderr and a summary on stdout', {
    timeout: CLI_TIMEOUT_MS,
  }, async () => {
    const env = { DATABASE_URL: t.url, TMDB_READ_TOKEN: 'token', TMDB_API_URL: apiUrl };
    const result = await movierec(['enrich', '--limit', '2'], env);
    result.cleanup();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('TMDB: 2 enriched (2 fetched now), 0 not found, 0 failed, of 2 movies');
    expect(result.stderr).toContain('2/2 movies');
    expect(await t.db.select().from(movies).where(isNotNull(movies.posterUrl))).toHaveLength(2);

    const rest = await movierec(['enrich'], env);
    rest.cleanup();
    expect(rest.stdout).toContain('0 enriched (0 fetched now), 1 not found, 0 failed, of 1 movies');
    expect(await t.db.select().from(tmdbCache)).toHaveLength(3);
    expect(paths).toHaveLength(3);
  });
});
