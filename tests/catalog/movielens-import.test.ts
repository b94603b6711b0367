import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockCatalogWrites } from '../../src/catalog/catalog-lock.ts';
import { importMovieLens } from '../../src/catalog/movielens-import.ts';
import { queryRows } from '../../src/catalog/sql-rows.ts';
import { ensureStarterCatalog } from '../../src/catalog/starter.ts';
import { movies } from '../../src/db/schema.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { describeWithMovieLens, ML_LATEST_SMALL } from '../helpers/shared-data.ts';
import { removeFixtureDirs, SMALL_DATASET, SMALL_RATINGS, writeMovieLensDir } from './fixtures.ts';

afterAll(removeFixtureDirs);

async function counts(t: TestDatabase) {
  const [row] = await queryRows<{ movies: number; users: number; ratings: number }>(
    t.db,
    sql`select (select count(*)::int from movies) as movies, (select count(*)::int from users) as users,
               (select count(*)::int from ratings) as ratings`,
  );
  return row!;
}

describe.each(DB_KINDS)('importMovieLens on %s', (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('stores movies, users and ratings, and re-importing changes nothing', async () => {
    const dir = writeMovieLensDir(SMALL_DATASET);
    const first = await importMovieLens(t.db, dir);
    expect(first).toMatchObject({ movies: 6, users: 3, ratings: 6, tags: 4, mergedMovies: 0 });
    expect(await counts(t)).toEqual({ movies: 6, users: 3, ratings: 6 });

    const matrix = await queryRows<Record<string, unknown>>(
      t.db,
      sql`select title, year, genres, tags, imdb_id, tmdb_id, source from movies where movielens_id = 2`,
    );
    expect(matrix).toEqual([
      {
        title: 'The Matrix',
        year: 1999,
        genres: ['Action', 'Sci-Fi', 'Thriller'],
        tags: ['cyberpunk', 'philosophy, sort of'],
        imdb_id: 'tt0133093',
        tmdb_id: 603,
        source: 'movielens',
      },
    ]);
    const [babylon] = await queryRows<{ tmdb_id: number | null; genres: string[] }>(
      t.db,
      sql`select tmdb_id, genres from movies where movielens_id = 5`,
    );
    expect(babylon).toEqual({ tmdb_id: 13916, genres: [] });

    const rated = await queryRows<{
      external_id: string;
      platform: string;
      tenant: string;
      rating: number;
      source: string;
      epoch: number;
    }>(
      t.db,
      sql`select u.external_id, u.platform, u.tenant, r.rating, r.source, extract(epoch from r.rated_at)::int as epoch
          from ratings r join users u on u.id = r.user_id join movies m on m.id = r.movie_id
          where m.movielens_id = 3`,
    );
    expect(rated).toEqual([
      {
        external_id: 'movielens:1',
        platform: 'movielens',
        tenant: 'movielens',
        rating: 3.5,
        source: 'import',
        epoch: 964982224,
      },
    ]);

    const snapshot = await queryRows(
      t.db,
      sql`select movielens_id, title, genres, tags from movies order by movielens_id`,
    );
    const second = await importMovieLens(t.db, dir);
    expect(second).toEqual(first);
    expect(await counts(t)).toEqual({ movies: 6, users: 3, ratings: 6 });
    expect(
      await queryRows(t.db, sql`select movielens_id, title, genres, tags from movies order by movielens_id`),
    ).toEqual(snapshot);
  });

  it('updates changed ratings on re-import', async () => {
    await importMovieLens(t.db, writeMovieLensDir(SMALL_DATASET));
    const changed = SMALL_RATINGS.replace('1,2,5.0,964981247', '1,2,1.5,964999999');
    await importMovieLens(t.db, writeMovieLensDir({ ...SMALL_DATASET, 'ratings.csv': changed }));
    const [row] = await queryRows<{ rating: number; epoch: number }>(
      t.db,
      sql`select r.rating, extract(epoch from r.rated_at)::int as epoch from ratings r
          join users u on u.id = r.user_id join movies m on m.id = r.movie_id
          where u.external_id = 'movielens:1' and m.movielens_id = 2`,
    );
    expect(row).toEqual({ rating: 1.5, epoch: 964999999 });
    expect(await counts(t)).toEqual({ movies: 6, users: 3, ratings: 6 });
  });

  it('merges into existing rows with the same IMDb id, or a starter row with a matching title and year', async () => {
    await t.db.insert(movies).values([
      {
        title: 'The Matrix',
        year: 1999,
        genres: ['Action'],
        directors: ['Lana Wachowski'],
        runtime: 136,
        source: 'starter',
      },
      { title: 'Toy Story', year: 1995, imdbId: 'tt0114709', source: 'manual' },
      { title: 'Babylon 5', year: 1994, source: 'starter' },
      { title: 'City of Lost Children', year: 1996, runtime: 112, source: 'starter' },
    ]);
    const result = await importMovieLens(t.db, writeMovieLensDir(SMALL_DATASET));
    expect(result.mergedMovies).toBe(3);
    // Babylon 5 has no year in MovieLens, so it is not guessed to be the starter row.
    expect(await counts(t)).toMatchObject({ movies: 7 });
    const rows = await queryRows<Record<string, unknown>>(
      t.db,
      sql`select movielens_id, title, year, genres, directors, runtime, imdb_id, source from movies
          where movielens_id in (1, 2, 3) order by movielens_id`,
    );
    expect(rows).toEqual([
      {
        movielens_id: 1,
        title: 'Toy Story',
        year: 1995,
        genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'],
        directors: [],
        runtime: null,
        imdb_id: 'tt0114709',
        source: 'manual',
      },
      {
        movielens_id: 2,
        title: 'The Matrix',
        year: 1999,
        genres: ['Action', 'Sci-Fi', 'Thriller'],
        directors: ['Lana Wachowski'],
        runtime: 136,
        imdb_id: 'tt0133093',
        source: 'starter',
      },
      {
        movielens_id: 3,
        title: 'The City of Lost Children (La Cité des enfants perdus)',
        year: 1995,
        genres: ['Adventure', 'Drama', 'Fantasy', 'Mystery', 'Sci-Fi'],
        directors: [],
        runtime: 112,
        imdb_id: 'tt0112682',
        source: 'starter',
      },
    ]);
    const again = await importMovieLens(t.db, writeMovieLensDir(SMALL_DATASET));
    expect(again.mergedMovies).toBe(0);
    expect(await counts(t)).toMatchObject({ movies: 7, ratings: 6 });
  });

  // PGlite has one connection, so there writers are serialised anyway; the server needs the lock.
  it.skipIf(kind !== 'postgres')(
    'makes a starting bot wait for a running import, then skip the starter catalog',
    async () => {
      const logger = createLogger('silent');
      let starter: Promise<number> | undefined;
      await t.db.transaction(async (tx) => {
        await lockCatalogWrites(tx);
        starter = ensureStarterCatalog(t.db, logger);
        // The starter must queue behind this writer instead of seeing an (uncommitted) empty catalog.
        for (let waited = 0; ; waited += 50) {
          const [row] = await queryRows<{ waiting: number }>(
            tx,
            sql`select count(*)::int as waiting from pg_locks
              where locktype = 'advisory' and not granted
                and database = (select oid from pg_database where datname = current_database())`,
          );
          if (row!.waiting > 0) break;
          if (waited > 20_000) throw new Error('ensureStarterCatalog did not wait for the catalog lock');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await tx.insert(movies).values({ title: 'Imported meanwhile', source: 'movielens', movielensId: 1 });
      });
      expect(await starter).toBe(0);
      expect(await counts(t)).toMatchObject({ movies: 1 });
    },
  );

  it('stores nothing when the import fails part-way', async () => {
    await importMovieLens(t.db, writeMovieLensDir(SMALL_DATASET));
    const before = await counts(t);
    const bigger = `${SMALL_RATINGS}\n7,4,4.0,1`;
    const failing = importMovieLens(t.db, writeMovieLensDir({ ...SMALL_DATASET, 'ratings.csv': bigger }), {
      onProgress: (p) => {
        if (p.stage === 'ratings' && p.done > 0) throw new Error('disk full');
      },
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(await counts(t)).toEqual(before);
    expect(await queryRows(t.db, sql`select 1 from users where external_id = 'movielens:7'`)).toEqual([]);
  });

  it('rejects a malformed line with its line number before storing anything', async () => {
    const bad = `${SMALL_RATINGS}\n4,1,3.0\n`;
    await expect(
      importMovieLens(t.db, writeMovieLensDir({ ...SMALL_DATASET, 'ratings.csv': bad })),
    ).rejects.toThrow(/ratings.csv line 8/);
    expect(await counts(t)).toEqual({ movies: 0, users: 0, ratings: 0 });
  });
});

describeWithMovieLens('importMovieLens of ml-latest-small', () => {
  it.each(DB_KINDS)(
    'loads 9,742 movies, 610 users and 100,836 ratings on %s, twice',
    async (kind) => {
      const t = await createTestDatabase(kind);
      try {
        for (let i = 0; i < 2; i++) {
          const result = await importMovieLens(t.db, ML_LATEST_SMALL);
          expect(result).toMatchObject({ movies: 9742, users: 610, ratings: 100_836, tags: 3683 });
          expect(await counts(t)).toEqual({ movies: 9742, users: 610, ratings: 100_836 });
        }
        const [mean] = await queryRows<{ mean: number }>(
          t.db,
          sql`select avg(rating)::float8 as mean from ratings`,
        );
        expect(mean!.mean).toBeCloseTo(3.5016, 3);
      } finally {
        await t.destroy();
      }
    },
    300_000,
  );
});
