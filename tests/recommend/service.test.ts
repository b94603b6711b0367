import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, desc, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelChunks, models, movies, ratings, users } from '../../src/db/schema.ts';
import { createRecommenderService } from '../../src/recommend/service.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const logger = pino({ level: 'silent' });
const empty = { ratings: [], seen: [], notInterested: [], watchlist: [] };

describe.each(DB_KINDS)('recommender service on %s', (kind) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const db = handle.db;
    await db.insert(movies).values([
      {
        title: 'Alien',
        year: 1979,
        genres: ['Horror', 'Sci-Fi'],
        directors: ['Ridley Scott'],
        source: 'manual',
        imdbRating: 8.5,
        imdbVotes: 900_000,
      },
      {
        title: 'Aliens',
        year: 1986,
        genres: ['Action', 'Sci-Fi'],
        directors: ['James Cameron'],
        source: 'manual',
        imdbRating: 8.4,
        imdbVotes: 700_000,
      },
      {
        title: 'Blade Runner',
        year: 1982,
        genres: ['Sci-Fi', 'Thriller'],
        directors: ['Ridley Scott'],
        source: 'manual',
        imdbRating: 8.1,
        imdbVotes: 800_000,
      },
      {
        title: 'Notting Hill',
        year: 1999,
        genres: ['Comedy', 'Romance'],
        directors: ['Roger Michell'],
        source: 'manual',
        imdbRating: 7.2,
        imdbVotes: 300_000,
      },
      {
        title: 'Love Actually',
        year: 2003,
        genres: ['Comedy', 'Romance'],
        directors: ['Richard Curtis'],
        source: 'manual',
        imdbRating: 7.6,
        imdbVotes: 500_000,
      },
    ]);
  });

  afterAll(async () => {
    await handle?.destroy();
  });

  it('trains and stores a model on first use, and a second service loads it without training', async () => {
    const a = createRecommenderService({ db: handle.db, logger });
    const recA = await a.current();
    expect(recA.recommend(empty, { n: 3 })).toHaveLength(3);
    const [stored] = await handle.db.select({ n: count() }).from(models);
    expect(stored!.n).toBe(1);

    const b = createRecommenderService({ db: handle.db, logger });
    const recB = await b.current();
    expect(recB.version).toBe(recA.version);
    const [after] = await handle.db.select({ n: count() }).from(models);
    expect(after!.n).toBe(1);
    await a.close();
    await b.close();
  });

  it('loads a stored model from the local cache without fetching its bytes again', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-cache-test-'));
    const a = createRecommenderService({ db: handle.db, logger, cacheDir, cacheMinBytes: 0 });
    await a.retrain();
    const version = (await a.current()).version;
    const [before] = await handle.db.select({ n: count() }).from(models);
    // Spoil the stored bytes: only the cached copy can produce the same model now.
    await handle.db.update(modelChunks).set({ data: new Uint8Array([1, 2, 3]) });
    const b = createRecommenderService({ db: handle.db, logger, cacheDir, cacheMinBytes: 0 });
    expect((await b.current()).version).toBe(version);
    const [after] = await handle.db.select({ n: count() }).from(models);
    expect(after!.n).toBe(before!.n);
    // Without the cache the spoilt model is unusable, so the service trains a new one.
    const c = createRecommenderService({ db: handle.db, logger, cacheDir: null });
    expect((await c.current()).version).not.toBe(version);
    await Promise.all([a.close(), b.close(), c.close()]);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('picks up a newer model stored by another process', async () => {
    const reader = createRecommenderService({ db: handle.db, logger, pollIntervalMs: 0 });
    // The writer's clock stamps its model: a version distinct from any trained so far, without a sleep.
    const writer = createRecommenderService({ db: handle.db, logger, now: () => Date.parse('2031-01-01') });
    const before = (await reader.current()).version;
    await writer.retrain();
    const newer = (await writer.current()).version;
    expect(newer).toBe('hybrid@2031-01-01T00:00:00.000Z');
    expect(before).not.toBe(newer);
    expect((await reader.current()).version).toBe(newer);
    await Promise.all([reader.close(), writer.close()]);
  });

  it('catalogChanged() makes the next current() retrain on the changed catalog', async () => {
    // An hour-long poll: only catalogChanged() can make this service look at the catalog again.
    const service = createRecommenderService({ db: handle.db, logger, pollIntervalMs: 3_600_000 });
    await service.current();
    // Models are pruned to the newest few, so a new one shows as a higher newest id, not a higher count.
    const newestModel = async () =>
      (
        await handle.db
          .select({ id: models.id, meta: models.meta })
          .from(models)
          .orderBy(desc(models.id))
          .limit(1)
      )[0]!;
    const stored = (await newestModel()).id;

    const [movie] = await handle.db
      .insert(movies)
      .values({ title: 'Prometheus', year: 2012, genres: ['Sci-Fi'], source: 'manual' })
      .returning({ id: movies.id });
    const [user] = await handle.db
      .insert(users)
      .values({ externalId: 'console:test', platform: 'console', tenant: 'local' })
      .returning({ id: users.id });
    await handle.db
      .insert(ratings)
      .values({ userId: user!.id, movieId: movie!.id, rating: 4, source: 'command' });
    // Without the signal the poll is not due: nothing is retrained.
    await service.current();
    expect((await newestModel()).id).toBe(stored);

    service.catalogChanged();
    await service.current(); // starts retraining in the background; the old model keeps serving
    await service.close(); // waits for that training
    const newest = await newestModel();
    expect(newest.id).toBeGreaterThan(stored);
    expect(newest.meta['catalog']).toMatchObject({ movies: 6, maxId: movie!.id });
    const fresh = createRecommenderService({ db: handle.db, logger });
    expect((await fresh.current()).recommend(empty, { n: 10 }).map((r) => r.item)).toContain(movie!.id);
    expect((await newestModel()).id).toBe(newest.id); // the fresh service loaded that model, trained none
    await fresh.close();
  });

  it('waits out a details-only catalog change (TMDB write-backs) before retraining, then retrains once', async () => {
    let now = Date.now();
    const service = createRecommenderService({
      db: handle.db,
      logger,
      pollIntervalMs: 0,
      detailsRetrainMs: 60_000,
      now: () => now,
    });
    await service.retrain();
    const first = (await service.current()).version;
    const [modelsBefore] = await handle.db.select({ n: count() }).from(models);
    // Enrichment rewrites a movie's details: same movies, newer updated_at.
    await handle.db
      .update(movies)
      .set({ overview: 'A crew meets a perfect organism.', updatedAt: new Date() })
      .where(eq(movies.title, 'Alien'));
    service.catalogChanged();
    expect((await service.current()).version).toBe(first);
    const [modelsDuring] = await handle.db.select({ n: count() }).from(models);
    expect(modelsDuring!.n).toBe(modelsBefore!.n);
    // A fresh process within the delay loads the stored model instead of training in the foreground.
    const other = createRecommenderService({
      db: handle.db,
      logger,
      detailsRetrainMs: 60_000,
      now: () => now,
    });
    expect((await other.current()).version).toBe(first);
    await other.close();

    now += 61_000;
    await service.current(); // stale now: retrains in the background, the old model keeps serving
    await service.close();
    const fresh = createRecommenderService({
      db: handle.db,
      logger,
      detailsRetrainMs: 60_000,
      now: () => now,
    });
    expect((await fresh.current()).version).not.toBe(first);
    await fresh.close();
  });

  it('trains on worker threads the same model as on the calling thread', async () => {
    const serial = createRecommenderService({ db: handle.db, logger, trainThreads: 0 });
    const parallel = createRecommenderService({ db: handle.db, logger, trainThreads: 2 });
    await serial.retrain();
    await parallel.retrain();
    const user = { ...empty, ratings: [{ item: 1, rating: 5, timestamp: 0 }] };
    const a = (await serial.current()).recommend(user, { n: 4 });
    const b = (await parallel.current()).recommend(user, { n: 4 });
    expect(b.map((r) => [r.item, r.score])).toEqual(a.map((r) => [r.item, r.score]));
    expect(b.length).toBeGreaterThan(0);
    await Promise.all([serial.close(), parallel.close()]);
  });
});
