/**
 * Issue 8: "Enrichment feeds the content model (people, overview keywords)". The enricher writes TMDB's
 * directors, cast and keywords back into the movie row; the next model trained on the catalog must use
 * them, so "more like The Matrix" finds the film that shares its directors and cast.
 */
import { readFileSync } from 'node:fs';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies } from '../../src/db/schema.ts';
import { createRecommenderService } from '../../src/recommend/service.ts';
import { createTmdbEnricher } from '../../src/tmdb/index.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const MATRIX = JSON.parse(readFileSync(new URL('./fixtures/movie-603.json', import.meta.url), 'utf8'));
const server = setupServer(
  http.get('https://api.themoviedb.org/3/movie/603', () => HttpResponse.json(MATRIX)),
);
const logger = pino({ level: 'silent' });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe.each(DB_KINDS)('TMDB details reach the content model on %s', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('after enrichment and a retrain, "more like The Matrix" ranks the film sharing its people first', async () => {
    const base = { source: 'manual' as const, imdbRating: 7.5, imdbVotes: 100_000 };
    const inserted = await t.db
      .insert(movies)
      .values([
        { ...base, title: 'The Matrix', year: 1999, tmdbId: 603, genres: ['Action', 'Sci-Fi'] },
        // Same people as TMDB's Matrix, but another genre: only the people can make it similar.
        {
          ...base,
          title: 'Bound',
          year: 1996,
          genres: ['Crime'],
          directors: ['Lana Wachowski', 'Lilly Wachowski'],
          cast: ['Joe Pantoliano'],
          tags: ['hacker', 'dystopia', 'virtual reality'],
        },
        { ...base, title: 'Speed', year: 1994, genres: ['Action'] },
        { ...base, title: 'Contact', year: 1997, genres: ['Sci-Fi'] },
        { ...base, title: 'Heat', year: 1995, genres: ['Action', 'Crime'] },
      ])
      .returning({ id: movies.id, title: movies.title });
    const id = (title: string) => inserted.find((m) => m.title === title)!.id;

    const service = createRecommenderService({ db: t.db, logger, cacheDir: null });
    const rank = async () => (await service.current()).similar(id('The Matrix'), { n: 4 }).map((r) => r.item);

    await service.retrain();
    const before = await rank();
    expect(before[0]).not.toBe(id('Bound'));

    const enricher = createTmdbEnricher({
      db: t.db,
      config: { tmdb: { apiKey: 'k', readToken: undefined, apiUrl: undefined } },
      logger,
    });
    const details = await enricher.enrichMovie(id('The Matrix'), { region: null });
    expect(details?.directors).toEqual(['Lana Wachowski', 'Lilly Wachowski']);

    await service.retrain();
    const after = await rank();
    expect(after[0]).toBe(id('Bound'));
    await service.close();
  });
});
