import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { movies, ratings, tmdbCache, users } from '../../src/db/schema.ts';
import { UserError } from '../../src/errors.ts';
import { FOUND_TTL_MS } from '../../src/tmdb/cache.ts';
import { createTmdbEnricher, type TmdbEnricher } from '../../src/tmdb/index.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const MATRIX = fixture('movie-603.json');
const SEARCH = fixture('search-matrix.json');
const API = 'https://api.themoviedb.org/3';
const FAKE_API = 'http://tmdb.fake.test/3';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ0ZXN0In0.c2ln';

/** Every request the fake TMDB saw, so tests can tell a cache hit from a fetch. */
let requests: { url: URL; auth: string | null }[] = [];
const record = (request: Request) => {
  requests.push({ url: new URL(request.url), auth: request.headers.get('authorization') });
};

const okHandlers = (base: string) => [
  http.get(`${base}/movie/:id`, ({ request, params }) => {
    record(request);
    if (params.id === '603') return HttpResponse.json(MATRIX);
    return HttpResponse.json(
      { success: false, status_code: 34, status_message: 'The resource you requested could not be found.' },
      { status: 404 },
    );
  }),
  http.get(`${base}/search/movie`, ({ request }) => {
    record(request);
    return HttpResponse.json(SEARCH);
  }),
];

const server = setupServer(...okHandlers(API), ...okHandlers(FAKE_API));

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

const tmdbConfig = (overrides: Partial<NonNullable<Config['tmdb']>> = {}): Pick<Config, 'tmdb'> => ({
  tmdb: { apiKey: undefined, readToken: TOKEN, apiUrl: undefined, ...overrides },
});

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe.each(DB_KINDS)('TMDB enrichment on %s', (kind) => {
  let t: TestDatabase;
  let matrixId: number;
  let clock: Date;
  let log: ReturnType<typeof captureLogger>;
  const sleeps: number[] = [];

  const makeEnricher = (config = tmdbConfig(), extra: { timeoutMs?: number } = {}): TmdbEnricher =>
    createTmdbEnricher({
      db: t.db,
      config,
      logger: log.logger,
      options: {
        now: () => clock,
        timeoutMs: extra.timeoutMs ?? 2_000,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
    });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.destroy();
  });
  beforeEach(async () => {
    requests = [];
    sleeps.length = 0;
    clock = new Date('2026-01-01T00:00:00Z');
    log = captureLogger();
    await t.db.delete(tmdbCache);
    await t.db.delete(movies);
    await t.db.delete(users);
    const [row] = await t.db
      .insert(movies)
      .values({
        title: 'Matrix, The',
        year: 1999,
        tmdbId: 603,
        genres: ['Action', 'Sci-Fi'],
        tags: ['Hacker', 'philosophy'],
        overview: 'Our own overview',
        source: 'movielens',
      })
      .returning();
    matrixId = row!.id;
  });

  it('returns poster, trailer, people and providers and writes them back into the movie row', async () => {
    const e = await makeEnricher().enrichMovie(matrixId, { region: 'DE' });
    expect(e).toMatchObject({
      tmdbId: 603,
      posterUrl: 'https://image.tmdb.org/t/p/w500/p96dm7sCMn4VYAStA6siNz30G1r.jpg',
      backdropUrl: 'https://image.tmdb.org/t/p/w1280/tlm8UkiQsitc8rSuIAscQDCnP8d.jpg',
      trailerUrl: 'https://www.youtube.com/watch?v=vKQi3bBA1y8',
      providers: ['Netflix'],
      directors: ['Lana Wachowski', 'Lilly Wachowski'],
      runtime: 136,
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url.searchParams.get('append_to_response')).toBe(
      'credits,videos,keywords,watch/providers',
    );
    expect(requests[0]!.auth).toBe(`Bearer ${TOKEN}`);

    const [row] = await t.db.select().from(movies).where(eq(movies.id, matrixId));
    expect(row).toMatchObject({
      posterUrl: e!.posterUrl,
      runtime: 136,
      directors: ['Lana Wachowski', 'Lilly Wachowski'],
      overview: 'Our own overview',
    });
    expect(row!.cast[0]).toBe('Keanu Reeves');
    // keywords join the tags once, case-insensitively ("hacker" was already there as "Hacker")
    expect(row!.tags.filter((tag) => tag.toLowerCase() === 'hacker')).toHaveLength(1);
    expect(row!.tags).toContain('dystopia');
  });

  it('answers from the cache until the entry expires, then fetches again', async () => {
    const enricher = makeEnricher();
    await enricher.enrichMovie(matrixId);
    const again = await makeEnricher().enrichMovie(matrixId, { region: 'US' });
    expect(requests).toHaveLength(1);
    expect(again?.providers[0]).toBe('Amazon Prime Video');

    clock = new Date(clock.getTime() + FOUND_TTL_MS + 1000);
    await makeEnricher().enrichMovie(matrixId);
    expect(requests).toHaveLength(2);
  });

  it('enrichAll removes expired cache rows before refilling', async () => {
    await makeEnricher().enrichMovie(matrixId);
    await t.db
      .insert(tmdbCache)
      .values({ key: 'movie:1', data: null, expiresAt: new Date(clock.getTime() - 1) });
    await makeEnricher().enrichAll();
    const keys = (await t.db.select({ key: tmdbCache.key }).from(tmdbCache)).map((r) => r.key);
    expect(keys).toEqual(['movie:603']);
  });

  it('finds a movie without a TMDB id by title and year, and remembers the id', async () => {
    await t.db.update(movies).set({ tmdbId: null }).where(eq(movies.id, matrixId));
    const e = await makeEnricher().enrichMovie(matrixId);
    expect(e?.tmdbId).toBe(603);
    const search = requests.find((r) => r.url.pathname.endsWith('/search/movie'))!;
    expect(search.url.searchParams.get('query')).toBe('The Matrix');
    expect(search.url.searchParams.get('year')).toBe('1999');
    const [row] = await t.db.select().from(movies).where(eq(movies.id, matrixId));
    expect(row!.tmdbId).toBe(603);
  });

  it('uses TMDB_API_URL and sends a v3 API key as a query parameter, not a header', async () => {
    const e = await makeEnricher(
      tmdbConfig({ readToken: undefined, apiKey: 'v3key', apiUrl: FAKE_API }),
    ).enrichMovie(matrixId);
    expect(e?.tmdbId).toBe(603);
    expect(requests[0]!.url.origin).toBe('http://tmdb.fake.test');
    expect(requests[0]!.url.searchParams.get('api_key')).toBe('v3key');
    expect(requests[0]!.auth).toBeNull();
  });

  it('degrades to null on 401 with a log line, and enrichAll stops with a clear error', async () => {
    server.use(
      http.get(`${API}/movie/:id`, () =>
        HttpResponse.json(
          {
            status_code: 7,
            status_message: 'Invalid API key: You must be granted a valid key.',
            success: false,
          },
          { status: 401 },
        ),
      ),
    );
    const enricher = makeEnricher();
    await expect(enricher.enrichMovie(matrixId)).resolves.toBeNull();
    expect(log.lines.join('')).toContain('401');
    const err = await enricher.enrichAll().catch((error: unknown) => error);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('tmdb-unauthorized');
    expect(await t.db.select().from(tmdbCache)).toHaveLength(0);
  });

  it('caches a 404 as "not found" so the next card does not ask again', async () => {
    await t.db.update(movies).set({ tmdbId: 999999 }).where(eq(movies.id, matrixId));
    const enricher = makeEnricher();
    expect(await enricher.enrichMovie(matrixId)).toBeNull();
    expect(await enricher.enrichMovie(matrixId)).toBeNull();
    expect(requests).toHaveLength(1);
  });

  it('waits out a 429 for its Retry-After and then succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/movie/:id`, ({ request }) => {
        record(request);
        calls++;
        if (calls === 1) {
          return HttpResponse.json(
            { status_code: 25, status_message: 'Your request count (41) is over the allowed limit of (40).' },
            { status: 429, headers: { 'Retry-After': '2' } },
          );
        }
        return HttpResponse.json(MATRIX);
      }),
    );
    const e = await makeEnricher().enrichMovie(matrixId);
    expect(e?.trailerUrl).toContain('vKQi3bBA1y8');
    expect(calls).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1_500);
    expect(sleeps[0]).toBeLessThanOrEqual(2_000);
  });

  it('gives up on a 429 that persists, caching nothing so a later call retries', async () => {
    server.use(
      http.get(`${API}/movie/:id`, ({ request }) => {
        record(request);
        return HttpResponse.json({ status_code: 25 }, { status: 429, headers: { 'Retry-After': '1' } });
      }),
    );
    expect(await makeEnricher().enrichMovie(matrixId)).toBeNull();
    expect(requests.length).toBe(3);
    expect(await t.db.select().from(tmdbCache)).toHaveLength(0);
    expect(log.lines.join('')).toContain('rate-limited');
  });

  it('degrades to null when TMDB does not answer in time, or the network fails', async () => {
    server.use(
      http.get(`${API}/movie/:id`, async () => {
        await delay(5_000);
        return HttpResponse.json(MATRIX);
      }),
    );
    const started = Date.now();
    expect(await makeEnricher(tmdbConfig(), { timeoutMs: 200 }).enrichMovie(matrixId)).toBeNull();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(log.lines.join('')).toContain('timeout');

    server.use(http.get(`${API}/movie/:id`, () => HttpResponse.error()));
    expect(await makeEnricher().enrichMovie(matrixId)).toBeNull();
    expect(log.lines.join('')).toContain('network');
  });

  it('is disabled without credentials: null for cards, a UserError for the bulk job', async () => {
    const off = makeEnricher({ tmdb: undefined });
    expect(off.enabled).toBe(false);
    expect(await off.enrichMovie(matrixId)).toBeNull();
    await expect(off.enrichAll()).rejects.toMatchObject({ code: 'tmdb-not-configured' });
    expect(requests).toHaveLength(0);
  });

  it('enrichAll fills the cache most-rated first, reports progress, and skips fresh entries', async () => {
    await t.db.insert(movies).values([
      { title: 'Unknown Film', year: 2001, tmdbId: 424242, source: 'movielens' },
      { title: 'Matrix, The', year: 1960, source: 'manual' },
    ]);
    const seen: number[] = [];
    const summary = await makeEnricher().enrichAll({ onProgress: (p) => seen.push(p.done) });
    expect(summary).toMatchObject({ total: 3, done: 3, enriched: 1, notFound: 2, failed: 0, updated: 1 });
    expect(seen.at(-1)).toBe(3);
    const before = requests.length;
    const second = await makeEnricher().enrichAll();
    expect(second.total).toBe(0);
    expect(requests.length).toBe(before);
  });

  it('enrichAll --limit takes the most-rated movies first', async () => {
    const [popular] = await t.db
      .insert(movies)
      .values({ title: 'Popular Unknown', year: 2001, tmdbId: 424242, source: 'movielens' })
      .returning();
    const [u] = await t.db
      .insert(users)
      .values({ externalId: 'console:ana', platform: 'console', tenant: 'local' })
      .returning();
    await t.db.insert(ratings).values({ userId: u!.id, movieId: popular!.id, rating: 4, source: 'command' });
    const summary = await makeEnricher().enrichAll({ limit: 1 });
    expect(summary).toMatchObject({ total: 1, notFound: 1, enriched: 0 });
    expect(requests.map((r) => r.url.pathname)).toEqual(['/3/movie/424242']);
  });
});
