import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionEvent,
  buildCore,
  type CoreUnderTest,
  cardMovieIds,
  commandEvent,
  platformUser,
  ratingAction,
  type SimUser,
} from '../../bench/core-driver.ts';
import { withDeadline } from '../../src/bot/deadline.ts';
import type { BotCore } from '../../src/bot/types.ts';
import { ratings, users } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { resolveTestPostgres } from '../helpers/postgres.ts';
import { captureLogger } from '../ops/log-capture.ts';
import { seedCatalog } from './fixture.ts';

const USERS = 30;
/** The request deadline of the core under test (production: REQUEST_DEADLINE_MS, 5 s). */
const DEADLINE_MS = 2_000;
/**
 * No request may wait longer than this, wherever it falls in the outage: the deadline plus a margin
 * for a loaded 2-core machine. A bound, not a timing benchmark (bench/outage.ts measures).
 */
const REPLY_BOUND_MS = DEADLINE_MS + 3_000;
/** How long the database stays unreachable: longer than the bound, so the bound is what is tested. */
const OUTAGE_MS = 8_000;
/** After the outage ends, the core must be answering normally again within this. */
const RECOVERY_MS = 15_000;

/**
 * The database goes away mid-run without touching the shared server: the scratch database stops
 * accepting connections (`allow_connections false`) and every backend serving it is killed with
 * `pg_terminate_backend`. While it is down the bot must answer "try again" (never an internal error);
 * afterwards it must reconnect by itself, and no acknowledged rating may be lost.
 */
describe.runIf(DB_KINDS.includes('postgres'))('fault: Postgres connections killed mid-run', () => {
  let tdb: TestDatabase;
  let admin: postgres.Sql;
  let cut: CoreUnderTest;
  let core: BotCore;
  let dbName: string;
  // Captured, not printed: the outage logs one warning per failed request.
  const logs = captureLogger('warn');

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    dbName = new URL(tdb.url!).pathname.slice(1);
    admin = postgres((await resolveTestPostgres()).url!, { max: 1, onnotice: () => {} });
    await seedCatalog(tdb.db);
    cut = buildCore(tdb.db, logs.logger);
    core = withDeadline(cut.core, { deadlineMs: DEADLINE_MS, logger: logs.logger });
    await cut.service.current();
  });
  afterAll(async () => {
    await admin?.unsafe(`alter database ${dbName} allow_connections true`).catch(() => {});
    await cut?.close();
    await tdb?.destroy();
    await admin?.end();
  });

  async function killBackends(): Promise<number> {
    const rows = await admin`
      select pg_terminate_backend(pid) as killed from pg_stat_activity
      where datname = ${dbName} and pid <> pg_backend_pid()`;
    return rows.length;
  }

  it('answers every request within the deadline while the database is down, recovers by itself, loses no acknowledged rating', {
    timeout: 120_000,
  }, async () => {
    const people: SimUser[] = Array.from({ length: USERS }, (_, i) =>
      platformUser('discord', 'g-fault', `u${i}`),
    );
    const acknowledged = new Map<string, number>();
    const outcomes = { ok: 0, unavailable: 0, error: 0, other: [] as string[] };
    let phase: 'before' | 'down' | 'after' = 'before';
    const okAfter: number[] = [];
    let restoredAt = 0;
    let stop = false;
    /** Reply time of every request sent while the database was down. */
    const downReplyMs: number[] = [];
    const timed = async (event: Parameters<BotCore['handle']>[0]) => {
      const sentIn = phase;
      const t0 = performance.now();
      const replies = await core.handle(event);
      if (sentIn === 'down') downReplyMs.push(performance.now() - t0);
      return replies;
    };

    const classify = (texts: string[], outcome: unknown) => {
      if (outcome === 'unavailable') outcomes.unavailable++;
      else if (outcome === 'error') {
        outcomes.error++;
        outcomes.other.push(texts.join(' / '));
      } else outcomes.ok++;
    };

    const workers = people.map(async (person, p) => {
      let step = 0;
      while (!stop) {
        const shown = await timed(commandEvent(person, 'recommend'));
        const outcome = shown.find((r) => r.data?.outcome)?.data?.outcome;
        classify(
          shown.map((r) => r.text),
          outcome,
        );
        if (outcome === 'unavailable') {
          expect(shown[0]!.text).toMatch(/try again/i);
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        if (phase === 'after' && !outcome) okAfter.push(Date.now() - restoredAt);
        const ids = cardMovieIds(shown);
        const movieId = ids[step % Math.max(1, ids.length)];
        const select = movieId === undefined ? undefined : ratingAction(shown, movieId);
        if (!select) continue;
        const stars = select.values[(p + step++) % select.values.length]!;
        const ack = await timed(actionEvent(person, select.id, stars));
        const ackOutcome = ack.find((r) => r.data?.outcome)?.data?.outcome;
        classify(
          ack.map((r) => r.text),
          ackOutcome,
        );
        if (ack.length === 1 && ack[0]!.text.startsWith('Rated'))
          acknowledged.set(`${person.userKey}|${movieId}`, Number(stars));
      }
    });

    await new Promise((r) => setTimeout(r, 2_000));
    phase = 'down';
    await admin.unsafe(`alter database ${dbName} allow_connections false`);
    const killed = await killBackends();
    const killer = setInterval(() => void killBackends().catch(() => {}), 250);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    clearInterval(killer);
    await admin.unsafe(`alter database ${dbName} allow_connections true`);
    restoredAt = Date.now();
    phase = 'after';
    const until = Date.now() + RECOVERY_MS;
    while (Date.now() < until && okAfter.length < USERS) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000));
    stop = true;
    await Promise.all(workers);

    expect(killed).toBeGreaterThan(0);
    expect(outcomes.unavailable).toBeGreaterThan(0);
    expect(downReplyMs.length).toBeGreaterThan(USERS);
    const slowest = Math.max(...downReplyMs);
    expect(slowest).toBeLessThanOrEqual(REPLY_BOUND_MS);
    expect(outcomes.other).toEqual([]);
    expect(outcomes.error).toBe(0);
    expect(okAfter.length).toBeGreaterThanOrEqual(USERS);

    const stored = await tdb.db
      .select({ key: users.externalId, movieId: ratings.movieId, rating: ratings.rating })
      .from(ratings)
      .innerJoin(users, eq(users.id, ratings.userId))
      .where(eq(ratings.source, 'button'));
    const byKey = new Map(stored.map((r) => [`${r.key}|${r.movieId}`, r.rating]));
    const lost = [...acknowledged].filter(([k, v]) => byKey.get(k) !== v);
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    // What was logged: warnings about the outage, each with its error code and no stack-trace flood
    // on the terminal (they are captured), and no internal errors.
    const lines = logs.lines();
    expect(lines.some((l) => l.msg === 'database unavailable')).toBe(true);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    process.stderr.write(
      `fault: killed ${killed} backends, ${outcomes.unavailable} "try again" replies, ${outcomes.ok} ok, ` +
        `slowest reply while down ${Math.round(slowest)} ms (${downReplyMs.length} requests), ` +
        `recovered in ${Math.min(...okAfter)} ms, ${acknowledged.size} acknowledged ratings all stored\n`,
    );
  });
});
