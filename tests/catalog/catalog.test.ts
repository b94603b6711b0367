import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog, toItemMeta } from '../../src/catalog/catalog.ts';
import { importMovieLens } from '../../src/catalog/movielens-import.ts';
import { movies, ratings, users } from '../../src/db/schema.ts';
import { readDataset } from '../../src/recommend/service.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { removeFixtureDirs, SMALL_DATASET, writeMovieLensDir } from './fixtures.ts';

afterAll(removeFixtureDirs);

describe.each(DB_KINDS)('loadCatalog on %s', (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('is empty for an empty database', async () => {
    expect(await loadCatalog(t.db)).toEqual({ movies: new Map(), list: [] });
  });

  it('reads in pages: any page size gives the same catalog, in id order', async () => {
    await t.db.insert(movies).values(
      Array.from({ length: 7 }, (_, i) => ({
        title: `Film ${i}`,
        cast: ['Shared Actor', `Actor ${i}`],
        source: 'manual' as const,
      })),
    );
    const whole = await loadCatalog(t.db);
    expect(whole.list.map((m) => m.title)).toEqual(Array.from({ length: 7 }, (_, i) => `Film ${i}`));
    for (const pageRows of [1, 2, 3, 7, 8]) expect(await loadCatalog(t.db, pageRows)).toEqual(whole);
  });

  it('reads name and tag lists exactly as stored, whatever characters they hold', async () => {
    const odd = [
      'Smith, John',
      "Conan O'Brien",
      'Say "Hi"',
      '{Braces}',
      'Back\\slash',
      'Zoë Kravitz',
      'NULL',
    ];
    await t.db.insert(movies).values([
      {
        title: 'Odd',
        cast: odd,
        directors: ['Only One'],
        writers: [],
        tags: ['a,b', 'x y'],
        source: 'manual',
      },
      { title: 'Empty', source: 'manual' },
    ]);
    const { list } = await loadCatalog(t.db);
    expect(
      list.map((m) => ({ cast: m.cast, directors: m.directors, writers: m.writers, tags: m.tags })),
    ).toEqual([
      { cast: odd, directors: ['Only One'], writers: [], tags: ['a,b', 'x y'] },
      { cast: [], directors: [], writers: [], tags: [] },
    ]);
    const { items } = await readDataset(t.db);
    expect(items.map((i) => i.cast)).toEqual([odd, []]);
  });

  it('returns every movie with its rating count and mean', async () => {
    const [a, b] = await t.db
      .insert(movies)
      .values([
        { title: 'Rated', year: 2000, genres: ['Drama'], directors: ['Someone'], source: 'manual' },
        { title: 'Unrated', source: 'starter', imdbRating: 7.5, imdbVotes: 1000 },
      ])
      .returning();
    const [u1, u2] = await t.db
      .insert(users)
      .values([
        { externalId: 'console:a', platform: 'console', tenant: 'local' },
        { externalId: 'console:b', platform: 'console', tenant: 'local' },
      ])
      .returning();
    await t.db.insert(ratings).values([
      { userId: u1!.id, movieId: a!.id, rating: 4, source: 'command' },
      { userId: u2!.id, movieId: a!.id, rating: 2.5, source: 'command' },
    ]);
    const catalog = await loadCatalog(t.db);
    expect(catalog.list.map((m) => m.id)).toEqual([a!.id, b!.id]);
    expect(catalog.movies.get(a!.id)).toMatchObject({ title: 'Rated', ratingCount: 2, ratingMean: 3.25 });
    expect(catalog.movies.get(b!.id)).toMatchObject({ title: 'Unrated', ratingCount: 0, ratingMean: 0 });
    expect(toItemMeta(catalog.movies.get(a!.id)!)).toEqual({
      id: a!.id,
      title: 'Rated',
      year: 2000,
      genres: ['Drama'],
      tags: [],
      directors: ['Someone'],
      cast: [],
      writers: [],
      runtime: null,
      overview: null,
      imdbRating: null,
      imdbVotes: null,
    });
    expect(toItemMeta(catalog.movies.get(b!.id)!)).toMatchObject({ imdbRating: 7.5, imdbVotes: 1000 });
  });

  it('sees imported MovieLens movies and ratings', async () => {
    await importMovieLens(t.db, writeMovieLensDir(SMALL_DATASET));
    const catalog = await loadCatalog(t.db);
    expect(catalog.list).toHaveLength(6);
    const toyStory = catalog.list.find((m) => m.movielensId === 1)!;
    expect(toyStory).toMatchObject({ title: 'Toy Story', ratingCount: 2, ratingMean: 3.25, tags: ['pixar'] });
    expect(toyStory.createdAt).toBeInstanceOf(Date);
  });
});
