import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies, ratings, users } from '../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from './helpers/db.ts';

describe.each(DB_KINDS)('schema round trips on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('stores a movie with arrays and reads it back', async () => {
    const [row] = await t.db
      .insert(movies)
      .values({ title: 'Matrix, The', year: 1999, genres: ['Action', 'Sci-Fi'], source: 'manual' })
      .returning();
    const [back] = await t.db.select().from(movies).where(eq(movies.id, row!.id));
    expect(back).toMatchObject({ title: 'Matrix, The', year: 1999, genres: ['Action', 'Sci-Fi'], cast: [] });
  });

  it('rejects out-of-range and non-half stars at the database level', async () => {
    const [u] = await t.db
      .insert(users)
      .values({ externalId: 'console:range', platform: 'console', tenant: 'local' })
      .returning();
    const [m] = await t.db.insert(movies).values({ title: 'Range', source: 'manual' }).returning();
    for (const bad of [0, 5.5, 3.3, -1]) {
      await expect(
        t.db.insert(ratings).values({ userId: u!.id, movieId: m!.id, rating: bad, source: 'command' }),
      ).rejects.toThrow();
    }
    const count = await t.db.select({ n: sql<number>`count(*)::int` }).from(ratings);
    expect(count[0]!.n).toBe(0);
  });

  it('migrating again is a no-op', async () => {
    await t.migrate();
    const rows = await t.db.select().from(movies).where(eq(movies.title, 'Matrix, The'));
    expect(rows).toHaveLength(1);
  });
});
