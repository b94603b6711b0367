import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, desc, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { modelChunks, models, movies, ratings, users } from '../../src/db/schema.ts';
import { serializeModel } from '../../src/recommend/serialize.ts';
import {
  createRecommenderService,
  loadModelBytes,
  readDataset,
  readTrainingInput,
  storeModel,
} from '../../src/recommend/service.ts';
import { trainHybridState } from '../../src/recommend/train.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const logger = pino({ level: 'silent' });

describe.each(DB_KINDS)('model storage and training reads on %s', (kind) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const movieRows = await handle.db
      .insert(movies)
      .values(
        Array.from({ length: 12 }, (_, i) => ({
          title: `Film ${i}`,
          year: 1990 + i,
          genres: [i % 2 ? 'Drama' : 'Comedy'],
          tags: i % 3 ? [] : ['quiet'],
          source: 'manual' as const,
        })),
      )
      .returning({ id: movies.id });
    const userRows = await handle.db
      .insert(users)
      .values(
        Array.from({ length: 5 }, (_, u) => ({
          externalId: `console:s${u}`,
          platform: 'console' as const,
          tenant: 'local',
        })),
      )
      .returning({ id: users.id });
    const rows = userRows.flatMap((u, ui) =>
      movieRows
        .filter((_, mi) => (mi + ui) % 3 !== 0)
        .map((m, mi) => ({
          userId: u.id,
          movieId: m.id,
          rating: 1 + ((mi + ui) % 9) / 2,
          source: 'command' as const,
          ratedAt: new Date(Date.UTC(2020, 0, 1 + mi, ui, 0, 7)),
        })),
    );
    await handle.db.insert(ratings).values(rows);
  });

  afterAll(async () => {
    await handle?.destroy();
  });

  it('reads the same movies and ratings whatever the page size (keyset pagination)', async () => {
    const whole = await readDataset(handle.db);
    const paged = await readDataset(handle.db, { ratings: 7, movies: 5 });
    const [n] = await handle.db.select({ n: count() }).from(ratings);
    expect(whole.ratings).toHaveLength(n!.n);
    expect(whole.items).toHaveLength(12);
    const key = (r: { user: number; item: number }) => `${r.user}:${r.item}`;
    expect(paged.ratings.map(key).sort()).toEqual(whole.ratings.map(key).sort());
    expect(paged.items.map((i) => i.id)).toEqual(whole.items.map((i) => i.id));
    expect(new Set(paged.ratings.map(key)).size).toBe(paged.ratings.length);
    // Timestamps are whole Unix seconds of rated_at.
    const first = whole.ratings.find((r) => r.timestamp === Date.UTC(2020, 0, 1, 0, 0, 7) / 1000);
    expect(first).toBeDefined();
  });

  it('reads ratings as columns, the same whatever the page size, and trains the same model as records', async () => {
    const whole = await readTrainingInput(handle.db);
    // Pages of 3 grow the columns from their first page's capacity several times.
    const paged = await readTrainingInput(handle.db, { ratings: 3, movies: 5 });
    const [n] = await handle.db.select({ n: count() }).from(ratings);
    for (const name of ['user', 'item', 'rating', 'timestamp'] as const) {
      expect(whole.columns[name]).toHaveLength(n!.n);
      expect(Array.from(paged.columns[name])).toEqual(Array.from(whole.columns[name]));
    }
    const records = await readDataset(handle.db);
    expect(records.ratings.map((r) => [r.user, r.item, r.rating, r.timestamp])).toEqual(
      Array.from(whole.columns.user, (u, k) => [
        u,
        whole.columns.item[k],
        whole.columns.rating[k],
        whole.columns.timestamp[k],
      ]),
    );
    const trainedAt = new Date(Date.UTC(2026, 0, 1));
    // The same model to the bit (apart from the step timings it records).
    const model = (input: Parameters<typeof trainHybridState>[0]) =>
      Buffer.from(serializeModel({ ...trainHybridState(input, { trainedAt }), trainSeconds: {} }));
    expect(model(whole).equals(model(records))).toBe(true);
  });

  it('stores model bytes in slices and reads them back byte for byte', async () => {
    const bytes = randomBytes(10_000);
    const id = await storeModel(handle.db, { bytes: bytes.length }, bytes, 3_000);
    const chunks = await handle.db.select().from(modelChunks).where(eq(modelChunks.modelId, id));
    expect(chunks.map((c) => c.data.length).sort((a, b) => a - b)).toEqual([1_000, 3_000, 3_000, 3_000]);
    const [row] = await handle.db.select({ meta: models.meta }).from(models).where(eq(models.id, id));
    expect(row!.meta['chunks']).toBe(4);
    expect(Buffer.from((await loadModelBytes(handle.db, id, row!.meta))!).equals(bytes)).toBe(true);
    // A missing slice makes the model unreadable rather than truncated.
    await handle.db.delete(modelChunks).where(eq(modelChunks.seq, 2));
    expect(await loadModelBytes(handle.db, id, row!.meta)).toBeNull();
    await handle.db.delete(models).where(eq(models.id, id));
    expect(await handle.db.select().from(modelChunks).where(eq(modelChunks.modelId, id))).toEqual([]);
  });

  it('serves a model stored in many slices to another process, and still reads an unsliced one', async () => {
    const a = createRecommenderService({ db: handle.db, logger, cacheDir: null, chunkBytes: 512 });
    await a.retrain();
    const version = (await a.current()).version;
    const [newest] = await handle.db.select().from(models).orderBy(desc(models.id)).limit(1);
    const stored = await handle.db.select({ n: count() }).from(modelChunks);
    expect(stored[0]!.n).toBeGreaterThan(1);
    const b = createRecommenderService({ db: handle.db, logger, cacheDir: null });
    expect((await b.current()).version).toBe(version);

    // A model stored before slices existed: its bytes in models.data, no `chunks` in meta.
    const bytes = await loadModelBytes(handle.db, newest!.id, newest!.meta);
    const { chunks: _, ...legacyMeta } = newest!.meta;
    await handle.db.update(models).set({ data: bytes!, meta: legacyMeta }).where(eq(models.id, newest!.id));
    await handle.db.delete(modelChunks).where(eq(modelChunks.modelId, newest!.id));
    const c = createRecommenderService({ db: handle.db, logger, cacheDir: null });
    expect((await c.current()).version).toBe(version);
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});

describe('embedded database memory', () => {
  it('creates a new data directory and stores a 24 MB model without growing its WebAssembly heap', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-pglite-heap-'));
    try {
      const handle = await openDatabase({ home });
      expect(fs.existsSync(path.join(home, 'pglite', 'PG_VERSION'))).toBe(true);
      await handle.migrate();
      const { rows } = (await handle.db.execute('show shared_buffers')) as unknown as {
        rows: { shared_buffers: string }[];
      };
      const sb = rows[0];
      expect(sb!.shared_buffers).toBe('16MB');
      const before = handle.memoryBytes!();
      // Sent as one value, 24 MB grew the heap from 128 to 221 MB; in 1 MB slices it does not grow.
      const bytes = randomBytes(24 << 20);
      const id = await storeModel(handle.db, { bytes: bytes.length }, bytes);
      const [row] = await handle.db.select({ meta: models.meta }).from(models).where(eq(models.id, id));
      const back = await loadModelBytes(handle.db, id, row!.meta);
      expect(Buffer.from(back!).equals(bytes)).toBe(true);
      expect(handle.memoryBytes!()).toBe(before);
      await handle.close();
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
