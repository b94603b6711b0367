import { readFileSync } from 'node:fs';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MovieCard } from '../../src/bot/types.ts';
import { movies, tmdbCache } from '../../src/db/schema.ts';
import { createTmdbEnricher, enrichCards } from '../../src/tmdb/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const MATRIX = JSON.parse(readFileSync(new URL('./fixtures/movie-603.json', import.meta.url), 'utf8'));
const API = 'https://api.themoviedb.org/3';

const server = setupServer(http.get(`${API}/movie/:id`, () => HttpResponse.json(MATRIX)));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const tmdbError = (status: number, code: number, message: string, headers?: Record<string, string>) =>
  http.get(`${API}/movie/:id`, () =>
    HttpResponse.json({ success: false, status_code: code, status_message: message }, { status, headers }),
  );

/** The failures the issue names; each must leave the card intact, just without TMDB's fields. */
const FAILURES = {
  '401': tmdbError(401, 7, 'Invalid API key: You must be granted a valid key.'),
  '404': tmdbError(404, 34, 'The resource you requested could not be found.'),
  '429': tmdbError(429, 25, 'Your request count (41) is over the allowed limit of (40).', {
    'Retry-After': '60',
  }),
  timeout: http.get(`${API}/movie/:id`, async () => {
    await delay(3_000);
    return HttpResponse.json(MATRIX);
  }),
};

describe('movie cards with TMDB (PGlite)', () => {
  let t: TestDatabase;
  let card: MovieCard;

  const enrich = () =>
    enrichCards(
      createTmdbEnricher({
        db: t.db,
        config: { tmdb: { apiKey: 'v3key', readToken: undefined, apiUrl: undefined } },
        logger: pino({ level: 'silent' }),
        options: { timeoutMs: 300, sleep: async () => {} },
      }),
      [card],
      { region: 'US', budgetMs: 2_000 },
    );

  beforeAll(async () => {
    t = await createTestDatabase('pglite');
    const [row] = await t.db
      .insert(movies)
      .values({ title: 'Matrix, The', year: 1999, tmdbId: 603, genres: ['Sci-Fi'], source: 'movielens' })
      .returning();
    card = {
      movieId: row!.id,
      title: 'The Matrix',
      year: 1999,
      genres: ['Sci-Fi'],
      directors: [],
      cast: [],
      runtime: null,
      predictedStars: 4.5,
      userRating: null,
      reason: 'Because you rated Alien ★★★★★',
      actions: [{ id: 'seen:1', label: 'Seen it' }],
    };
  });
  afterAll(async () => {
    await t?.destroy();
  });

  for (const [name, handler] of Object.entries(FAILURES)) {
    it(`renders the plain card when TMDB answers ${name}`, async () => {
      await t.db.delete(tmdbCache);
      server.use(handler);
      const [out] = await enrich();
      expect(out).toEqual(card);
    });
  }

  it('shows poster, trailer and where to watch when TMDB answers', async () => {
    await t.db.delete(tmdbCache);
    const [out] = await enrich();
    expect(out).toMatchObject({
      title: 'The Matrix',
      reason: card.reason,
      posterUrl: 'https://image.tmdb.org/t/p/w500/p96dm7sCMn4VYAStA6siNz30G1r.jpg',
      trailerUrl: 'https://www.youtube.com/watch?v=vKQi3bBA1y8',
      providers: ['Amazon Prime Video', 'Max', 'Apple TV (rent)', 'Amazon Video (rent)'],
      directors: ['Lana Wachowski', 'Lilly Wachowski'],
      runtime: 136,
    });
  });
});
