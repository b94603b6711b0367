import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/client.ts';
import { movies } from '../../src/db/schema.ts';
import {
  createRecommenderService,
  MODEL_CHANNEL,
  type RecommenderService,
} from '../../src/recommend/service.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const logger = pino({ level: 'silent' });
/** Long enough that within a test only a notification can make a service look for a newer model. */
const HOUR_MS = 60 * 60 * 1000;
/** Bound on waiting for the notified model (a load is well under a second; the machine is shared). */
const NOTIFY_WAIT_MS = 30_000;

async function waitFor(condition: () => Promise<boolean>, ms: number, label: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(DB_KINDS)('models announced with NOTIFY on %s', (kind) => {
  let handle: TestDatabase;
  /** The reader's own database handle: on Postgres a second pool, as another process would have. */
  let other: DatabaseHandle;
  const services: RecommenderService[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    other = kind === 'postgres' ? await openDatabase({ url: handle.url, maxConnections: 2 }) : handle;
    await handle.db.insert(movies).values([
      {
        title: 'Alien',
        year: 1979,
        genres: ['Horror', 'Sci-Fi'],
        source: 'manual',
        imdbRating: 8.5,
        imdbVotes: 900_000,
      },
      {
        title: 'Heat',
        year: 1995,
        genres: ['Crime', 'Thriller'],
        source: 'manual',
        imdbRating: 8.3,
        imdbVotes: 700_000,
      },
      {
        title: 'Notting Hill',
        year: 1999,
        genres: ['Comedy', 'Romance'],
        source: 'manual',
        imdbRating: 7.2,
        imdbVotes: 300_000,
      },
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled(services.map((s) => s.close()));
    if (other && other !== handle) await other.close();
    await handle?.destroy();
  });

  it('a reader polling once an hour serves the model another service stored, soon after it is stored', {
    timeout: 120_000,
  }, async () => {
    // The writer's clock stamps its models: distinct versions without sleeping between trainings.
    let clock = Date.parse('2031-01-01T00:00:00Z');
    const writer = createRecommenderService({
      db: handle.db,
      logger,
      listen: handle.listen,
      pollIntervalMs: HOUR_MS,
      now: () => clock,
    });
    const reader = createRecommenderService({
      db: other.db,
      logger,
      listen: other.listen,
      pollIntervalMs: HOUR_MS,
    });
    services.push(writer, reader);
    expect(await reader.listening()).toBe(true);
    const first = (await writer.current()).version;
    expect((await reader.current()).version).toBe(first);

    clock += 1000;
    await writer.retrain();
    const newer = (await writer.current()).version;
    expect(newer).not.toBe(first);
    // The reader's hour-long poll is not due: only the notification can bring it the new model.
    await waitFor(
      async () => (await reader.current()).version === newer,
      NOTIFY_WAIT_MS,
      'the notified model',
    );
  });

  it('UNLISTENs on close: no session is left listening', async () => {
    const service = createRecommenderService({ db: other.db, logger, listen: other.listen });
    expect(await service.listening()).toBe(true);
    expect(await listeningSessions()).toBeGreaterThan(0);
    await Promise.all([...services, service].map((s) => s.close()));
    expect(await listeningSessions()).toBe(0);
    await expect(service.current()).rejects.toThrow(/closed/);
  });

  /** PGlite is one session (its own channels); on the server, sessions whose last statement was a LISTEN. */
  async function listeningSessions(): Promise<number> {
    const query =
      kind === 'pglite'
        ? sql`select count(*)::int as n from pg_listening_channels() c where c = ${MODEL_CHANNEL}`
        : sql`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and query ilike 'listen %' and pid <> pg_backend_pid()`;
    const rows = (await handle.db.execute(query)) as unknown as { n: number }[] | { rows: { n: number }[] };
    const list = Array.isArray(rows) ? rows : rows.rows;
    return Number(list[0]?.n ?? 0);
  }

  it('without listen it polls as before and reports it is not listening', async () => {
    const service = createRecommenderService({ db: handle.db, logger });
    expect(await service.listening()).toBe(false);
    await service.close();
  });
});
