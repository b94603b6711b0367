import { count } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { models, movies, ratings } from '../../src/db/schema.ts';
import { createRecommenderService, type RecommenderService } from '../../src/recommend/service.ts';
import { createTestDatabase, DB_KINDS, insertUsers, type TestDatabase } from '../helpers/db.ts';

const logger = pino({ level: 'silent' });

/**
 * Processes sharing one Postgres database (Discord shards) train one model between them: the holder of
 * the advisory training lock trains, the others wait for it and load what it stored.
 */
describe.skipIf(!DB_KINDS.includes('postgres'))('one training leader on a shared Postgres database', () => {
  let handle: TestDatabase;
  const others: DatabaseHandle[] = [];
  const services: RecommenderService[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase('postgres');
    const rows = await handle.db
      .insert(movies)
      .values(
        Array.from({ length: 30 }, (_, i) => ({
          title: `Film ${i}`,
          year: 1980 + i,
          genres: [i % 2 ? 'Drama' : 'Comedy'],
          source: 'manual' as const,
        })),
      )
      .returning({ id: movies.id });
    const raters = await insertUsers(
      handle.db,
      'console',
      'local',
      Array.from({ length: 20 }, (_, u) => `r${u}`),
    );
    await handle.db
      .insert(ratings)
      .values(
        raters.flatMap((userId, u) =>
          rows
            .filter((_, m) => (u + m) % 3 !== 0)
            .map((r, m) => ({ userId, movieId: r.id, rating: 1 + ((u * m) % 5), source: 'import' as const })),
        ),
      );
  });
  afterAll(async () => {
    await Promise.allSettled(services.map((s) => s.close()));
    for (const o of others) await o.close();
    await handle?.destroy();
  });

  it('three services starting at once on an empty model table train one model and all serve it', {
    timeout: 120_000,
  }, async () => {
    // Each service has its own connection pool, as separate processes would.
    for (let i = 0; i < 3; i++) {
      const db = await openDatabase({ url: handle.url, maxConnections: 3 });
      others.push(db);
      services.push(
        createRecommenderService({
          db: db.db,
          logger,
          listen: db.listen,
          trainingLock: true,
          cacheDir: null,
        }),
      );
    }
    const served = await Promise.all(services.map((s) => s.current()));
    const [stored] = await handle.db.select({ n: count() }).from(models);
    expect(stored!.n).toBe(1);
    expect(new Set(served.map((r) => r.version)).size).toBe(1);
  });
});
