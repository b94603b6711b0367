import { threadId } from 'node:worker_threads';
import { eq, sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import type { BotCoreDeps } from '../../src/bot/context.ts';
import { createBotCore } from '../../src/bot/core.ts';
import { type ImportJob, importJobsFor, serializeWrite } from '../../src/bot/import/jobs.ts';
import { runImport } from '../../src/bot/import/run.ts';
import type { BotCore, BotEvent, Reply } from '../../src/bot/types.ts';
import type { Database } from '../../src/db/client.ts';
import * as schema from '../../src/db/schema.ts';
import { ratings, users } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { letterboxdCsv } from './import-fixtures.ts';

/** Films in the test catalog: more than one bulk statement holds, far more than a test could write row by row. */
const FILMS = 6_000;
const SETUP_TIMEOUT_MS = 120_000;

/** The same database, through a drizzle instance that records every statement it sends. */
function countingDb(t: TestDatabase, statements: string[]): Database {
  const client = (t.db as unknown as { $client: never }).$client;
  const logger = { logQuery: (query: string) => statements.push(query) };
  return (t.kind === 'pglite'
    ? drizzlePglite(client, { schema, logger })
    : drizzlePostgres(client, { schema, logger })) as unknown as Database;
}

describe.each(DB_KINDS)('/import on %s', (kind) => {
  let t: TestDatabase;
  let deps: BotCoreDeps;
  let core: BotCore;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await t.db.execute(sql`
      insert into movies (title, year, source)
      select 'Film ' || g, 1900 + g % 100, 'manual' from generate_series(1, ${FILMS}) g`);
    deps = {
      db: t.db,
      logger: pino({ level: 'silent' }),
      catalog: createCatalogSource(t.db),
      recommender: {
        current: () => Promise.reject(new Error('/import does not recommend')),
        catalogChanged: () => {},
      },
    };
    core = createBotCore(deps);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.destroy();
  });

  let seq = 0;
  const importEvent = (user: string, csv: string | null, text = ''): BotEvent => ({
    type: 'command',
    id: `imp-${kind}-${++seq}`,
    actor: { userKey: `discord:G1:${user}`, platform: 'discord', tenant: 'G1' },
    channel: { key: 'discord:G1:C1', platform: 'discord', tenant: 'G1' },
    command: 'import',
    text,
    ...(csv === null ? {} : { attachments: [{ name: 'ratings.csv', content: csv }] }),
  });
  const one = async (event: BotEvent): Promise<Reply> => {
    const replies = await core.handle(event);
    expect(replies).toHaveLength(1);
    return replies[0]!;
  };
  async function userId(user: string): Promise<number> {
    const [row] = await t.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.externalId, `discord:G1:${user}`));
    return row!.id;
  }
  async function ratingsOf(user: string): Promise<Map<string, number>> {
    const rows = await t.db.execute(sql`
      select m.title, r.rating from ${ratings} r join movies m on m.id = r.movie_id
      where r.user_id = ${await userId(user)}`);
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
      title: string;
      rating: number;
    }[];
    return new Map(list.map((r) => [r.title, Number(r.rating)]));
  }

  it(
    'writes a large import in a few set-based statements, not one per rating',
    async () => {
      const rows: [string, number, string][] = [];
      for (let g = 1; g <= FILMS; g++) rows.push([`Film ${g}`, 1900 + (g % 100), String(((g % 10) + 1) / 2)]);
      const statements: string[] = [];
      const view = await deps.catalog.current();
      await one(importEvent('bulk', null, 'status')); // creates the user
      const job = { rows: FILMS, stage: 'queued', done: 0, total: FILMS } as ImportJob;
      const reply = await runImport(
        {
          db: countingDb(t, statements),
          view,
          userId: await userId('bulk'),
          text: letterboxdCsv(rows),
          encodingNote: null,
          logger: deps.logger,
        },
        job,
      );
      expect(reply.data).toMatchObject({
        imported: FILMS,
        total: FILMS,
        inserted: FILMS,
        duplicateRowsMerged: 0,
      });
      // The file was read and matched on an import worker thread, not on this (the bot's) event loop.
      expect(job.parsedOnThread).toEqual(expect.any(Number));
      expect(job.parsedOnThread).not.toBe(threadId);
      // One upsert statement per 5,000 ratings; row by row would have sent at least 6,000.
      expect(statements.length).toBeLessThanOrEqual(3);
      expect(statements.filter((s) => s.includes('unnest')).length).toBeGreaterThanOrEqual(1);
      const stored = await ratingsOf('bulk');
      expect(stored.size).toBe(FILMS);
      expect(stored.get('Film 17')).toBe(4);
    },
    SETUP_TIMEOUT_MS,
  );

  it('runs in the background, refuses a second import of the same user politely and sums up right', async () => {
    const jobs = importJobsFor(deps);
    jobs.replyWaitMs = 0;
    // Hold the write slot, so the first import stays running (at its write) until the test lets it go.
    let release!: () => void;
    const held = serializeWrite(() => new Promise<void>((resolve) => (release = resolve)));
    const rows: [string, number, string][] = [];
    for (let i = 0; i < 3_000; i++)
      rows.push([`Film ${(i % 3) + 1}`, 1900 + ((i % 3) + 1), String((i % 3) + 2)]);
    rows.push(
      ['Film 2', 1902, '5'],
      ['No Such Film', 1990, '3'],
      ['Film 4', 1904, '99'],
      ['Film 5', 1905, 'NaN'],
    );
    const first = await one(importEvent('ana', letterboxdCsv(rows)));
    expect(first.text).toBe(
      'Importing 3,004 rows from your Letterboxd export in the background… Run `/import status` to see how far it is; the summary will be there when it is done.',
    );
    expect(first.ephemeral).toBe(true);

    const second = await one(importEvent('ana', letterboxdCsv([['Film 9', 1909, '1']])));
    expect(second.data).toMatchObject({ outcome: 'user_error', error: 'import-running' });
    expect(second.text).toMatch(/still running; one at a time, please/);
    const status = await one(importEvent('ana', null, 'status'));
    expect(status.data).toMatchObject({ outcome: 'import-running' });
    expect(status.text).toMatch(/^Your import of 3,004 rows is /);

    // Someone else's request is answered meanwhile.
    const other = await one(importEvent('bo', null, 'status'));
    expect(other.text).toBe('You have no import running or recently finished.');

    release();
    await held;
    const summary = await jobs.runningFor(await userId('ana'))!.result;
    expect(summary.text).toBe(
      'Imported 3 of 4 ratings from your Letterboxd export (3 new); 2,998 duplicate rows merged, the last one kept; 1 not in my catalog: No Such Film (1990).\n' +
        'Skipped 1 row rated outside 0.5 to 5 stars in half steps (e.g. 99), 1 row whose rating is not a number (e.g. NaN).',
    );
    // Last row of each film wins: Film 1 rows rate 2, Film 3 rows 4, and Film 2's final row says 5.
    expect(Object.fromEntries(await ratingsOf('ana'))).toEqual({ 'Film 1': 2, 'Film 2': 5, 'Film 3': 4 });
    const later = await one(importEvent('ana', null));
    expect(later.text).toBe(`Your last import: ${summary.text}`);
  });
});
