import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCore, type CoreUnderTest, commandEvent } from '../../bench/core-driver.ts';
import type { CommandEvent } from '../../src/bot/types.ts';
import { users } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { resolveTestPostgres } from '../helpers/postgres.ts';
import { captureLogger } from './log-capture.ts';

/** Stands in for anything a person typed or is called; none of it may reach a log line. */
const SENTINEL = 'Zq7SENTINELx';
const userKey = `discord:g-logs:${SENTINEL}-key`;

/**
 * Failure paths that used to write user text into logs (issue 16, item 3): drizzle's "Failed query …
 * params:" message and `params` field, and a server error's `detail` quoting the offending value.
 * Each test makes a real database error carry the sentinel and logs it through the production logger
 * options (tests/ops/log-capture.ts), then checks the line keeps the code and loses the text.
 */
describe.each(DB_KINDS)('log hygiene on %s', (kind) => {
  let tdb: TestDatabase | undefined;
  let cut: CoreUnderTest | undefined;
  afterEach(async () => {
    await cut?.close();
    cut = undefined;
    if (tdb?.url) await reopen(tdb.url);
    await tdb?.destroy().catch(() => {});
    tdb = undefined;
  });

  // The first PGlite database of a worker builds the migrated template (a minute on a loaded machine).
  it('a unique violation keeps its code and constraint, not the duplicated key or name', {
    timeout: 180_000,
  }, async () => {
    tdb = await createTestDatabase(kind);
    const row = {
      externalId: userKey,
      platform: 'discord' as const,
      tenant: 'g-logs',
      displayName: SENTINEL,
    };
    await tdb.db.insert(users).values(row);
    const error = await tdb.db
      .insert(users)
      .values(row)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeDefined();
    // The raw error does carry the user data: this is what the serializer must keep out.
    expect(JSON.stringify(error) + String((error as Error).message)).toContain(SENTINEL);
    const cap = captureLogger();
    cap.logger.error({ err: error }, 'insert failed');
    const [line] = cap.lines();
    expect(line!.err).toMatchObject({ type: 'DrizzleQueryError', cause: { code: '23505' } });
    expect(JSON.stringify(line!.err)).toContain('users_external_id_unique');
    expect(cap.text()).not.toContain(SENTINEL);
  });

  it('a bad-input error keeps its code, not the value the server quotes in its message', async () => {
    tdb = await createTestDatabase(kind);
    const error = await tdb.db.execute(sql`select ${`${SENTINEL} free text`}::int`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((error as Error).cause && ((error as Error).cause as Error).message)).toContain(SENTINEL);
    const cap = captureLogger();
    cap.logger.warn({ err: error }, 'query failed');
    cap.logger.warn(error as Error, 'error as the first argument');
    expect(cap.lines().map((l) => (l.err as { cause?: { code?: string } }).cause?.code)).toEqual([
      '22P02',
      '22P02',
    ]);
    expect(cap.text()).not.toContain(SENTINEL);
  });

  it('the database failing during /recommend with free text logs no text, name or user key', async () => {
    tdb = await createTestDatabase(kind);
    const cap = captureLogger('debug');
    cut = buildCore(tdb.db, cap.logger);
    // Warm up: the catalog is loaded, so the failing request's first query is the one naming the user.
    await cut.core.handle(
      commandEvent({ userKey: 'discord:g-logs:warm', platform: 'discord', tenant: 'g-logs' }, 'help'),
    );
    await takeDown(tdb);
    const event: CommandEvent = {
      ...commandEvent(
        { userKey, platform: 'discord', tenant: 'g-logs' },
        'recommend',
        `${SENTINEL} cozy heist`,
      ),
      actor: { userKey, platform: 'discord', tenant: 'g-logs', displayName: `${SENTINEL} Name` },
    };
    const replies = await cut.core.handle(event);
    expect(['unavailable', 'error']).toContain(replies[0]?.data?.outcome);
    const failures = cap.lines().filter((l) => (l.level as number) >= 40 && l.err);
    expect(failures.length).toBeGreaterThan(0);
    expect(cap.text()).not.toContain(SENTINEL);
  });
});

/** Makes every further query fail: PGlite closed; on the server, connections refused and cut. */
async function takeDown(tdb: TestDatabase): Promise<void> {
  if (!tdb.url) {
    await tdb.close();
    return;
  }
  const name = new URL(tdb.url).pathname.slice(1);
  const admin = postgres((await resolveTestPostgres()).url!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`alter database ${name} allow_connections false`);
  await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`;
  await admin.end();
}

async function reopen(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = postgres((await resolveTestPostgres()).url!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`alter database ${name} allow_connections true`);
  await admin.end();
}
