import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/catalog/sql-rows.ts';
import { loadConfig } from '../../src/config.ts';
import { movies } from '../../src/db/schema.ts';
import { UserError } from '../../src/errors.ts';
import { syncNewReleases } from '../../src/tmdb/sync.ts';
import { scheduleTmdbSync } from '../../src/tmdb/sync-schedule.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const MATRIX = fixture('movie-603.json');
const NOW_PLAYING = fixture('now-playing.json');
const UPCOMING = fixture('upcoming.json');
const API = 'https://api.themoviedb.org/3';

/** A `/movie/{id}` answer in the recorded shape of movie-603.json, for another film. */
function details(id: number, title: string, date: string, extra: Record<string, unknown> = {}) {
  return {
    ...MATRIX,
    id,
    title,
    original_title: title,
    release_date: date,
    imdb_id: null,
    runtime: 101,
    genres: [
      { id: 878, name: 'Science Fiction' },
      { id: 10751, name: 'Family' },
      { id: 10770, name: 'TV Movie' },
    ],
    keywords: { keywords: [{ id: 1, name: `${title.toLowerCase()} keyword` }] },
    ...extra,
  };
}

const DETAILS: Record<number, object> = {
  900001: details(900001, 'Orbital Drift', '2026-11-20'),
  900002: details(900002, 'The Long Tide', '2026-11-06', { imdb_id: 'tt9000002' }),
  900004: details(900004, 'Pequeña Luz', '2027-01-02', { original_title: 'Pequeña luz de invierno' }),
};

const requests: URL[] = [];
const server = setupServer(
  http.get(`${API}/movie/now_playing`, ({ request }) => {
    requests.push(new URL(request.url));
    return HttpResponse.json(NOW_PLAYING);
  }),
  http.get(`${API}/movie/upcoming`, ({ request }) => {
    requests.push(new URL(request.url));
    return HttpResponse.json(UPCOMING);
  }),
  http.get(`${API}/movie/:id`, ({ params, request }) => {
    requests.push(new URL(request.url));
    const body = DETAILS[Number(params.id)];
    return body
      ? HttpResponse.json(body)
      : HttpResponse.json({ success: false, status_code: 34, status_message: 'Not found.' }, { status: 404 });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});
afterAll(() => server.close());

describe.each(DB_KINDS)('TMDB sync of new and upcoming releases on %s', (kind) => {
  let t: TestDatabase;
  const sync = (options: Parameters<typeof syncNewReleases>[1] = {}) =>
    syncNewReleases(
      {
        db: t.db,
        config: { tmdb: { apiKey: 'v3key', readToken: undefined, apiUrl: undefined } },
        logger: pino({ level: 'silent' }),
        options: { sleep: async () => {} },
      },
      options,
    );

  beforeEach(async () => {
    t = await createTestDatabase(kind);
    await t.db.insert(movies).values([
      { title: 'The Matrix', year: 1999, tmdbId: 603, source: 'movielens' },
      // From `import imdb`: same film as TMDB 900002, known by its IMDb id only.
      { title: 'The Long Tide', year: 2026, imdbId: 'tt9000002', cast: ['Someone Billed'], source: 'imdb' },
    ]);
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('adds the films the catalog lacks with credits and keywords, and links the one it has by IMDb id', async () => {
    const result = await sync({ region: 'gb' });
    // 603, 900001, 900002, 900004 (900003 is adult; 900001 is listed twice).
    expect(result).toEqual({ listed: 4, known: 1, added: 2, updated: 1, deferred: 0, failed: 0 });
    expect(
      requests
        .filter((u) => /now_playing|upcoming/.test(u.pathname))
        .map((u) => u.searchParams.get('region')),
    ).toEqual(['GB', 'GB']);
    expect(requests.some((u) => u.pathname.endsWith('/900003'))).toBe(false);
    const rows = await queryRows<{
      title: string;
      original_title: string | null;
      year: number;
      tmdb_id: number;
      genres: string[];
      directors: string[];
      writers: string[];
      cast: string[];
      tags: string[];
      runtime: number;
      source: string;
    }>(
      t.db,
      sql`select title, original_title, year, tmdb_id, genres, directors, writers, "cast", tags, runtime, source
          from movies order by id`,
    );
    expect(rows).toHaveLength(4);
    const [, tide, orbital, luz] = rows;
    expect(tide).toMatchObject({ tmdb_id: 900002, source: 'imdb', cast: ['Someone Billed'], runtime: 101 });
    expect(tide!.tags).toEqual(['the long tide keyword']);
    expect(orbital).toMatchObject({
      title: 'Orbital Drift',
      year: 2026,
      source: 'tmdb',
      genres: ['Children', 'Sci-Fi'],
      directors: ['Lana Wachowski', 'Lilly Wachowski'],
      tags: ['orbital drift keyword'],
    });
    expect(orbital!.writers).toContain('Lana Wachowski');
    expect(orbital!.cast[0]).toBe('Keanu Reeves');
    expect(luz).toMatchObject({
      title: 'Pequeña Luz',
      original_title: 'Pequeña luz de invierno',
      year: 2027,
    });
  });

  it('is bounded per run and picks up the rest next time, without duplicates', async () => {
    expect(await sync({ maxNew: 1 })).toMatchObject({ added: 1, updated: 0, deferred: 2 });
    expect(requests.filter((u) => /\/movie\/\d+$/.test(u.pathname))).toHaveLength(1);
    expect(await sync({ maxNew: 10 })).toMatchObject({ added: 1, updated: 1, deferred: 0 });
    expect(await sync({ maxNew: 10 })).toMatchObject({ added: 0, updated: 0, known: 4 });
    const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from movies`);
    expect(row!.n).toBe(4);
  });

  it('counts a film whose details fail and adds the others', async () => {
    server.use(
      http.get(`${API}/movie/900004`, () =>
        HttpResponse.json(
          { success: false, status_code: 11, status_message: 'Internal error.' },
          { status: 500 },
        ),
      ),
    );
    expect(await sync()).toMatchObject({ added: 1, updated: 1, failed: 1 });
  });

  it('stops with a clear error when TMDB rejects the key', async () => {
    server.use(
      http.get(`${API}/movie/now_playing`, () =>
        HttpResponse.json(
          { success: false, status_code: 7, status_message: 'Invalid API key' },
          { status: 401 },
        ),
      ),
    );
    const error = await sync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('tmdb-unauthorized');
  });
});

describe('the running bot’s TMDB sync schedule', () => {
  const tmdb = { apiKey: 'v3key', readToken: undefined, apiUrl: undefined };
  const tmdbSync = loadConfig({}).tmdbSync;

  it('is off without a TMDB key or with TMDB_SYNC_HOURS=0, and daily by default', () => {
    expect(tmdbSync).toEqual({ intervalHours: 24, maxNew: 40, region: undefined });
    expect(loadConfig({ TMDB_SYNC_HOURS: '0', TMDB_SYNC_REGION: 'gb' }).tmdbSync).toMatchObject({
      intervalHours: 0,
      region: 'GB',
    });
    const base = { db: {} as never, logger: pino({ level: 'silent' }), onAdded: () => {}, intervalMs: 0 };
    expect(scheduleTmdbSync({ ...base, config: { tmdb: undefined, tmdbSync } })).toBeUndefined();
    expect(
      scheduleTmdbSync({ ...base, config: { tmdb, tmdbSync: { ...tmdbSync, intervalHours: 0 } } }),
    ).toBeUndefined();
  });

  it('adds films, tells the bot, runs one sync at a time and survives a failing run', async () => {
    const t = await createTestDatabase('pglite');
    try {
      let added = 0;
      const schedule = scheduleTmdbSync({
        db: t.db,
        config: { tmdb, tmdbSync: { ...tmdbSync, maxNew: 2 } },
        logger: pino({ level: 'silent' }),
        onAdded: () => added++,
        intervalMs: 0,
      })!;
      const [first, overlapping] = await Promise.all([schedule.runOnce(), schedule.runOnce()]);
      // An empty catalog: the first two listed are fetched; 603 (The Matrix) has no details here (404).
      expect(first).toMatchObject({ added: 1, failed: 1, deferred: 2 });
      expect(overlapping).toBeUndefined();
      expect(added).toBe(1);
      server.use(http.get(`${API}/movie/now_playing`, () => HttpResponse.error()));
      expect(await schedule.runOnce()).toBeUndefined();
      server.resetHandlers();
      expect(await schedule.runOnce()).toMatchObject({ added: 1 });
      expect(added).toBe(2);
      await schedule.stop();
    } finally {
      await t.destroy();
    }
  });
});
