import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionEvent,
  buildCore,
  type CoreUnderTest,
  cardMovieIds,
  commandEvent,
  platformUser,
  ratingAction,
} from '../../bench/core-driver.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { ratings, users } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { quietLogger, seedCatalog } from './fixture.ts';

const PEOPLE = 20;

/**
 * Two bot instances, each with its own connection pool and model service, on one database; every
 * platform event is delivered to both at the same moment (a retry landing on another process). Each
 * event must be handled by exactly one, and each rating stored once.
 */
describe.runIf(DB_KINDS.includes('postgres'))('two core instances on one Postgres database', () => {
  let tdb: TestDatabase;
  let second: DatabaseHandle;
  let a: CoreUnderTest;
  let b: CoreUnderTest;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    await seedCatalog(tdb.db);
    second = await openDatabase({ url: tdb.url!, maxConnections: 5 });
    a = buildCore(tdb.db, quietLogger());
    b = buildCore(second.db, quietLogger());
    await a.service.current();
    await b.service.current();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
    await tdb?.destroy();
  });

  it('handles each duplicated delivery once and stores each rating once', async () => {
    let ratedEvents = 0;
    await Promise.all(
      Array.from({ length: PEOPLE }, async (_, p) => {
        const person = platformUser('slack', 'T-dup', `U${p}`);
        for (let round = 0; round < 3; round++) {
          const shown = await a.core.handle(commandEvent(person, 'recommend'));
          const movieId = cardMovieIds(shown)[0]!;
          const select = ratingAction(shown, movieId)!;
          const delivery = `Ev-${p}-${round}`;
          const event = actionEvent(person, select.id, '4', delivery);
          const [fromA, fromB] = await Promise.all([
            a.core.handle(event),
            b.core.handle(structuredClone(event)),
          ]);
          const handled = [fromA, fromB].filter((r) => r.length > 0);
          expect(handled).toHaveLength(1);
          expect(handled[0]![0]!.text).toMatch(/^Rated/);
          ratedEvents++;
        }
      }),
    );
    const rows = await tdb.db
      .select({ movieId: ratings.movieId })
      .from(ratings)
      .innerJoin(users, eq(users.id, ratings.userId))
      .where(eq(users.tenant, 'T-dup'));
    expect(rows).toHaveLength(ratedEvents);
    expect(ratedEvents).toBe(PEOPLE * 3);
  });
});
