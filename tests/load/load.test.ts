import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionEvent,
  buildCore,
  type CoreUnderTest,
  cardMovieIds,
  commandEvent,
  consoleUser,
  platformUser,
  ratingAction,
  type SimUser,
} from '../../bench/core-driver.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { ratings, users } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { loadSeconds, quietLogger, seedCatalog } from './fixture.ts';

const SIMULATED_USERS = 200;
const POOL_SIZE = 10;

/**
 * 200 simulated people on three platforms hammer the real core against the Postgres server for
 * MOVIEREC_LOAD_SECONDS (10 s by default; 60 s for the full run): /recommend, then rating one of the
 * shown movies through the card's select. Zero errors allowed, and every acknowledged rating must be
 * in the database afterwards with the acknowledged value.
 */
describe.runIf(DB_KINDS.includes('postgres'))('load: 200 users through the core on Postgres', () => {
  let tdb: TestDatabase;
  let cut: CoreUnderTest;
  let pool: DatabaseHandle;
  const seconds = loadSeconds();

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    await seedCatalog(tdb.db);
    // A production-sized pool (the test database's own has 5 connections).
    pool = await openDatabase({ url: tdb.url!, maxConnections: POOL_SIZE });
    cut = buildCore(pool.db, quietLogger());
    await cut.service.current();
  });
  afterAll(async () => {
    await cut?.close();
    await pool?.close();
    await tdb?.destroy();
  });

  it(`serves every request without error for ${seconds} s and keeps every acknowledged rating`, {
    timeout: (seconds + 120) * 1000,
  }, async () => {
    const people: SimUser[] = Array.from({ length: SIMULATED_USERS }, (_, i) =>
      i % 3 === 0
        ? consoleUser(`load-${i}`)
        : platformUser(i % 3 === 1 ? 'discord' : 'slack', `t${i % 7}`, `u${i}`),
    );
    const acknowledged = new Map<string, number>(); // `${userKey}|${movieId}` → stars
    const failures: string[] = [];
    let requests = 0;
    const deadline = Date.now() + seconds * 1000;
    await Promise.all(
      people.map(async (person, p) => {
        let step = 0;
        while (Date.now() < deadline) {
          const shown = await cut.core.handle(commandEvent(person, 'recommend'));
          requests++;
          if (shown.some((r) => r.data?.outcome && r.data.outcome !== 'ok')) {
            failures.push(`recommend: ${shown.map((r) => r.text).join(' / ')}`);
            continue;
          }
          const ids = cardMovieIds(shown);
          expect(ids.length).toBeGreaterThan(0);
          const movieId = ids[step % ids.length]!;
          const select = ratingAction(shown, movieId);
          expect(select).toBeDefined();
          const stars = select!.values[(p + step) % select!.values.length]!;
          step++;
          const ack = await cut.core.handle(actionEvent(person, select!.id, stars));
          requests++;
          if (ack.length === 1 && ack[0]!.text.startsWith('Rated'))
            acknowledged.set(`${person.userKey}|${movieId}`, Number(stars));
          else failures.push(`rate: ${ack.map((r) => r.text).join(' / ')}`);
        }
      }),
    );
    expect(failures.slice(0, 5)).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(SIMULATED_USERS * 2);
    expect(acknowledged.size).toBeGreaterThan(SIMULATED_USERS / 2);

    const stored = await tdb.db
      .select({ key: users.externalId, movieId: ratings.movieId, rating: ratings.rating })
      .from(ratings)
      .innerJoin(users, eq(users.id, ratings.userId))
      .where(and(eq(ratings.source, 'button')));
    const byKey = new Map(stored.map((r) => [`${r.key}|${r.movieId}`, r.rating]));
    const missing = [...acknowledged].filter(([k, v]) => byKey.get(k) !== v);
    expect(missing).toEqual([]);
    expect(stored.length).toBe(acknowledged.size);
    process.stderr.write(
      `load: ${SIMULATED_USERS} users, ${seconds} s, ${requests} requests (${Math.round(requests / seconds)}/s), ${acknowledged.size} ratings acknowledged and stored\n`,
    );
  });
});
