import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies } from '../../src/db/schema.ts';
import { createRecommenderService, readDataset } from '../../src/recommend/service.ts';
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
});
