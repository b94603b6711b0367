import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchCatalog } from '../../src/catalog/catalog-watch.ts';
import { importImdb } from '../../src/catalog/imdb-import.ts';
import { movies } from '../../src/db/schema.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { IMDB_FIXTURE_DIR } from './imdb-fixture.ts';

describe('watchCatalog', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase('pglite');
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('tells a running bot about films an import added, and not about a re-import that added none', async () => {
    await t.db.insert(movies).values({ title: 'Alien', year: 1979, source: 'starter' });
    let changes = 0;
    const watch = watchCatalog({
      db: t.db,
      logger: createLogger('silent'),
      onChange: () => changes++,
      intervalMs: 0,
    });
    expect(await watch.check()).toBe(false);
    await importImdb(t.db, IMDB_FIXTURE_DIR);
    expect(await watch.check()).toBe(true);
    expect(changes).toBe(1);
    await importImdb(t.db, IMDB_FIXTURE_DIR);
    expect(await watch.check()).toBe(false);
    expect(changes).toBe(1);
    watch.stop();
  });
});
