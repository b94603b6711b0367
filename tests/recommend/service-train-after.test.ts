import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { models, movies } from '../../src/db/schema.ts';
import type { HybridRecommender } from '../../src/recommend/hybrid.ts';
import { createRecommenderService, readDataset, readTrainingInput } from '../../src/recommend/service.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const logger = pino({ level: 'silent' });
const empty = { ratings: [], seen: [], notInterested: [], watchlist: [] };

// A starting bot passes its catalog warm-up as `trainAfter` (src/app.ts), so the catalog load and the
// first training do not hold their transient memory at the same time.
describe.each(DB_KINDS)('training after a start-up step on %s', (kind) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    await handle.db.insert(movies).values(
      ['Alien', 'Aliens', 'Heat', 'Ronin'].map((title, i) => ({
        title,
        year: 1979 + i,
        genres: ['Thriller'],
        source: 'manual' as const,
      })),
    );
  });

  afterAll(async () => {
    await handle?.destroy();
  });

  it('does not start training until the step settles, even when it fails', async () => {
    const events: string[] = [];
    let fail: (e: Error) => void = () => {};
    const step = new Promise<void>((_, reject) => {
      fail = reject;
    });
    // The clock is read only by a training here (the database holds no model yet).
    const service = createRecommenderService({
      db: handle.db,
      logger,
      trainAfter: step,
      now: () => {
        events.push('training');
        return Date.UTC(2026, 0, 1);
      },
    });
    try {
      const recommender = service.current();
      // As long as a whole training read: an ungated training would be past its read by now.
      await readDataset(handle.db);
      await readDataset(handle.db);
      events.push('step failed');
      fail(new Error('catalog warm-up failed'));
      expect((await recommender).recommend(empty, { n: 2 })).toHaveLength(2);
      expect(events[0]).toBe('step failed');
      expect(events).toContain('training');
    } finally {
      await service.close();
    }
  });

  it('trains on the held catalog items when they are the database movies, and reads them otherwise', async () => {
    const { items } = await readTrainingInput(handle.db);
    const updatedAtMs = Math.max(
      ...(await handle.db.select({ at: movies.updatedAt }).from(movies)).map((r) => r.at.getTime()),
    );
    // Marked copies: a model trained on them shows the mark, one trained on a read does not.
    const marked = items.map((item) => ({ ...item, title: `held ${item.title}` }));
    const train = async (held: { items: typeof items; updatedAtMs: number }) => {
      await handle.db.delete(models);
      const service = createRecommenderService({ db: handle.db, logger, catalogItems: async () => held });
      try {
        return ((await service.current()) as HybridRecommender).state.items;
      } finally {
        await service.close();
      }
    };
    const used = await train({ items: marked, updatedAtMs });
    expect(used).toHaveLength(items.length);
    expect(used.every((item, i) => item === marked[i])).toBe(true);
    // One film short, or older than the database's newest update: stale, so the service reads.
    for (const stale of [
      { items: marked.slice(1), updatedAtMs },
      { items: marked, updatedAtMs: updatedAtMs - 1 },
    ]) {
      const read = await train(stale);
      expect(read.map((item) => item.title)).toEqual(items.map((item) => item.title));
    }
  });
});
