import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { pino } from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import { closeAndAnnounce } from '../../src/bot/commands/vote.ts';
import type { BotCoreDeps } from '../../src/bot/context.ts';
import {
  ANNOUNCE_RETRY_MIN_MS,
  closeDuePolls,
  type PollAnnouncement,
  type PollCloserDeps,
  pollChannel,
  retryPendingAnnouncements,
  startPollCloser,
} from '../../src/bot/poll-closer.ts';
import { queryRows } from '../../src/catalog/sql-rows.ts';
import { type DatabaseHandle, MIGRATIONS_DIR, openDatabase } from '../../src/db/client.ts';
import { marks, movies, polls } from '../../src/db/schema.ts';
import { castVote, createPoll } from '../../src/db/store/polls.ts';
import { quietLogger } from '../contract/fixture.ts';
import { createTestDatabase, DB_KINDS, type DbKind, insertUsers, type TestDatabase } from '../helpers/db.ts';
import { resolveTestPostgres } from '../helpers/postgres.ts';

const T0 = new Date('2026-11-25T20:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe.each(DB_KINDS)('poll closer (%s)', (kind) => {
  let db: TestDatabase;
  let movieIds: number[];
  let userIds: number[];
  const logger = quietLogger();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    movieIds = (
      await db.db
        .insert(movies)
        .values(
          ['Alien', 'Heat', 'Clueless', 'Fargo'].map((title, i) => ({
            title,
            year: 1979 + i * 5,
            genres: ['Drama'],
            source: 'manual' as const,
          })),
        )
        .returning({ id: movies.id })
    ).map((r) => r.id);
    userIds = await insertUsers(db.db, 'discord', 'g1', ['ana', 'ben', 'cy', 'dee']);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const deps = (now: Date, over: Partial<PollCloserDeps> = {}): PollCloserDeps => ({
    db: db.db,
    logger,
    catalog: createCatalogSource(db.db),
    platforms: ['discord', 'console'],
    now: () => now,
    ...over,
  });
  const newPoll = (closesAt: Date, channel = 'discord:g1:c1') =>
    createPoll(db.db, {
      tenant: `${channel.split(':')[0]}:${channel.split(':')[1]}`,
      channel,
      createdBy: userIds[0]!,
      memberIds: userIds,
      movieIds,
      strategy: 'average',
      closesAt,
    });
  const seenBy = async (movieId: number) =>
    (
      await db.db
        .select({ userId: marks.userId })
        .from(marks)
        .where(and(eq(marks.movieId, movieId), eq(marks.kind, 'seen')))
    )
      .map((r) => r.userId)
      .sort((a, b) => a - b);
  const clearMarks = () => db.db.delete(marks);
  /** Every poll so far closed and announced, so a test sees only its own. */
  const settleAll = () => db.db.update(polls).set({ closed: true, announcedAt: T0, announceAfter: null });
  const pollRow = async (id: string) => (await db.db.select().from(polls).where(eq(polls.id, id)))[0]!;
  /** A closer whose clock the test sets; it never ticks by itself within a test. */
  const closerAt = (clock: { now: Date }, post: (a: PollAnnouncement) => Promise<boolean>, over = {}) =>
    startPollCloser({ ...deps(T0), now: () => clock.now, intervalMs: 24 * 3600_000, post, ...over });

  it('closes a due poll once, announces the winner in its channel and marks it seen for the voters only', async () => {
    await clearMarks();
    const poll = await newPoll(minutes(10));
    await castVote(db.db, poll.id, userIds[0]!, movieIds[1]!);
    await castVote(db.db, poll.id, userIds[1]!, movieIds[1]!);
    await castVote(db.db, poll.id, userIds[2]!, movieIds[2]!);
    // Not yet due: nothing happens.
    expect(await closeDuePolls(deps(minutes(9)))).toEqual([]);
    const [announced, ...more] = await closeDuePolls(deps(minutes(10)));
    expect(more).toEqual([]);
    expect(announced!.pollId).toBe(poll.id);
    expect(announced!.channel).toEqual({ key: 'discord:g1:c1', platform: 'discord', tenant: 'g1' });
    const reply = announced!.reply;
    expect(reply.ephemeral).toBeUndefined();
    expect(reply.text).toMatch(/Time's up! Movie night is \*\*Heat \(1984\)\*\* with 2 votes of 3\./);
    expect(reply.text).toMatch(/Marked as seen for the 3 of you who voted/);
    expect(reply.cards?.map((c) => c.title)).toEqual(['Heat']);
    expect(reply.rateByReaction).toBe(true);
    const [row] = await db.db.select().from(polls).where(eq(polls.id, poll.id));
    expect(row).toMatchObject({ closed: true, winner: movieIds[1] });
    // dee was a member but did not vote: not marked.
    expect(await seenBy(movieIds[1]!)).toEqual(userIds.slice(0, 3).sort((a, b) => a - b));
    // Later passes find nothing to close or announce.
    expect(await closeDuePolls(deps(minutes(60)))).toEqual([]);
  });

  it('says how a tie was broken, and what happens when nobody voted', async () => {
    await clearMarks();
    const tied = await newPoll(minutes(1));
    await castVote(db.db, tied.id, userIds[0]!, movieIds[3]!);
    await castVote(db.db, tied.id, userIds[1]!, movieIds[2]!);
    const empty = await newPoll(minutes(2));
    const out = await closeDuePolls(deps(minutes(5)));
    expect(out.map((a) => a.pollId)).toEqual([tied.id, empty.id]);
    const [tieText, emptyText] = out.map((a) => a.reply.text);
    // The tie goes to the pick the group ranked higher (Clueless is pick 3, Fargo pick 4).
    expect(tieText).toMatch(
      /It's a tie between \*\*Clueless \(1989\)\*\* and \*\*Fargo \(1994\)\*\* \(1 vote each\); .* movie night is \*\*Clueless \(1989\)\*\*/,
    );
    expect(out[0]!.reply.data).toMatchObject({ winner: movieIds[2], tied: [movieIds[2], movieIds[3]] });
    expect(emptyText).toMatch(
      /Nobody voted, so the group's top pick wins: movie night is \*\*Alien \(1979\)\*\*/,
    );
    expect(emptyText).not.toMatch(/Marked as seen/);
    expect(out[1]!.reply.data).toMatchObject({ winner: movieIds[0], byDefault: true, voters: 0 });
    expect(await seenBy(movieIds[0]!)).toEqual([]);
  });

  it('leaves polls of platforms it cannot announce on to the process that can', async () => {
    const slackPoll = await newPoll(minutes(1), 'slack:T1:C1');
    expect(await closeDuePolls(deps(minutes(5)))).toEqual([]);
    const [a] = await closeDuePolls(deps(minutes(5), { platforms: ['slack'] }));
    expect(a!.pollId).toBe(slackPoll.id);
    expect(a!.channel).toEqual({ key: 'slack:T1:C1', platform: 'slack', tenant: 'T1' });
    expect(pollChannel({ channel: 'console:local:ana', tenant: 'console:local' })).toEqual({
      key: 'console:local:ana',
      platform: 'console',
      tenant: 'local',
    });
  });

  it('two closers racing (a second process on the server) close and announce each poll once', async () => {
    await clearMarks();
    const due = await Promise.all(Array.from({ length: 6 }, (_, i) => newPoll(minutes(i))));
    for (const p of due) await castVote(db.db, p.id, userIds[3]!, movieIds[0]!);
    // On the server the second closer is a separate connection pool, as another bot process would have.
    const other = db.url ? await openDatabase({ url: db.url, maxConnections: 3 }) : undefined;
    try {
      const [a, b] = await Promise.all([
        closeDuePolls(deps(minutes(30))),
        closeDuePolls(deps(minutes(30), other ? { db: other.db } : {})),
      ]);
      const ids = [...a, ...b].map((x) => x.pollId).sort();
      expect(ids).toEqual(due.map((p) => p.id).sort());
      // Each poll's voter was marked once (one row per user and movie), and every poll is closed.
      expect(await seenBy(movieIds[0]!)).toEqual([userIds[3]]);
      const rows = await db.db
        .select({ closed: polls.closed })
        .from(polls)
        .where(
          inArray(
            polls.id,
            due.map((p) => p.id),
          ),
        );
      expect(rows.every((r) => r.closed)).toBe(true);
    } finally {
      await other?.close();
    }
  });

  it('finds due polls through the partial index', async () => {
    // Tiny tables favour a sequential scan; forbid it to see whether the index can serve the query.
    const plan = await db.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return tx.execute(
        sql`explain select * from polls where closed = false and closes_at <= now() order by closes_at limit 50`,
      );
    });
    const rows = (Array.isArray(plan) ? plan : (plan as { rows: unknown[] }).rows) as Record<
      string,
      string
    >[];
    expect(rows.map((r) => Object.values(r)[0]).join('\n')).toContain('polls_open_closes_at_idx');
  });

  it('the timer closes polls due at start-up, then the next one at its closing time, and stops cleanly', async () => {
    await clearMarks();
    await settleAll();
    const overdue = await newPoll(minutes(-5));
    const soon = await newPoll(minutes(1));
    // A clock that runs: T0 + 1 minute comes 150 ms (real time) after start.
    const start = Date.now();
    const clock = () => new Date(T0.getTime() + 60_000 - 150 + (Date.now() - start));
    const posted: PollAnnouncement[] = [];
    let resolveSecond!: () => void;
    const second = new Promise<void>((r) => {
      resolveSecond = r;
    });
    const closer = startPollCloser({
      ...deps(T0),
      now: clock,
      // Long enough that only the precise timer can close `soon` within this test.
      intervalMs: 10 * 60_000,
      post: async (a) => {
        posted.push(a);
        if (posted.length === 2) resolveSecond();
        return true;
      },
    });
    try {
      await second;
      expect(posted.map((a) => a.pollId)).toEqual([overdue.id, soon.id]);
      await closer.runOnce(); // joins the pass that posted the second result
      expect(await closer.runOnce()).toBe(0);
      expect(posted).toHaveLength(2);
    } finally {
      await closer.stop();
    }
    expect(await closer.runOnce()).toBe(0);
  });
  it('a failed post is retried on a later pass, after its backoff, and then marked announced', async () => {
    await settleAll();
    const poll = await newPoll(minutes(1));
    await castVote(db.db, poll.id, userIds[0]!, movieIds[1]!);
    const clock = { now: minutes(2) };
    const tries: PollAnnouncement[] = [];
    const closer = closerAt(clock, async (a) => {
      tries.push(a);
      return tries.length > 1; // the first post fails (429 retries used up, network, ...)
    });
    try {
      await closer.runOnce();
      expect(tries.map((a) => a.pollId)).toEqual([poll.id]);
      expect(await pollRow(poll.id)).toMatchObject({
        closed: true,
        announcedAt: null,
        announceAfter: new Date(minutes(2).getTime() + ANNOUNCE_RETRY_MIN_MS),
      });
      clock.now = minutes(3); // still backing off
      await closer.runOnce();
      expect(tries).toHaveLength(1);
      clock.now = minutes(4);
      expect(await closer.runOnce()).toBe(0); // nothing closed, one announcement retried
      expect(tries.map((a) => a.pollId)).toEqual([poll.id, poll.id]);
      expect(tries[1]!.reply.text).toMatch(
        /Time's up! Movie night is \*\*Heat \(1984\)\*\* with 1 vote of 1\./,
      );
      expect(await pollRow(poll.id)).toMatchObject({ announcedAt: minutes(4), announceAfter: null });
      clock.now = minutes(30);
      await closer.runOnce();
      expect(tries).toHaveLength(2);
    } finally {
      await closer.stop();
    }
  });

  it('a process that dies after settling: a new closer announces the poll once, after the claim lapses', async () => {
    await settleAll();
    const poll = await newPoll(minutes(1));
    // The first process settles the poll, then dies before posting.
    expect((await closeDuePolls(deps(minutes(2)))).map((a) => a.pollId)).toEqual([poll.id]);
    const clock = { now: minutes(2) };
    const posted: PollAnnouncement[] = [];
    const restarted = closerAt(clock, async (a) => {
      posted.push(a);
      return true;
    });
    try {
      await restarted.runOnce();
      expect(posted).toEqual([]); // the dead process's claim still holds
      clock.now = minutes(4);
      await restarted.runOnce();
      clock.now = minutes(20);
      await restarted.runOnce();
      expect(posted.map((a) => a.pollId)).toEqual([poll.id]);
      expect(posted[0]!.channel.key).toBe('discord:g1:c1');
      expect((await pollRow(poll.id)).announcedAt).toEqual(minutes(4));
    } finally {
      await restarted.stop();
    }
  });

  it('two closers racing (a second process on the server) post each pending announcement once', async () => {
    await settleAll();
    const pending = await Promise.all(Array.from({ length: 5 }, (_, i) => newPoll(minutes(i))));
    expect(await closeDuePolls(deps(minutes(5)))).toHaveLength(5); // settled, never posted
    const other = db.url ? await openDatabase({ url: db.url, maxConnections: 3 }) : undefined;
    try {
      const later = deps(minutes(30));
      const [a, b] = await Promise.all([
        retryPendingAnnouncements(later),
        retryPendingAnnouncements(other ? { ...later, db: other.db } : later),
      ]);
      const ids = [...a, ...b].map((x) => x.pollId).sort();
      expect(ids).toEqual(pending.map((p) => p.id).sort());
      // Claimed: nobody retries them before the backoff has passed.
      expect(await retryPendingAnnouncements(deps(minutes(31)))).toEqual([]);
    } finally {
      await other?.close();
    }
  });

  it('polls closed by /vote or /movienight close are announced in that reply, never again by the closer', async () => {
    await settleAll();
    const poll = await newPoll(minutes(1));
    await castVote(db.db, poll.id, userIds[0]!, movieIds[2]!);
    const catalog = createCatalogSource(db.db);
    const coreDeps: BotCoreDeps = {
      db: db.db,
      logger,
      catalog,
      recommender: {
        current: () => Promise.reject(new Error('not used by closing a poll')),
        catalogChanged: () => {},
      },
    };
    const [reply] = await closeAndAnnounce(
      { deps: coreDeps, view: await catalog.current(), now: minutes(2) },
      poll,
      'time-up',
    );
    expect(reply!.text).toMatch(/Movie night is \*\*Clueless \(1989\)\*\*/);
    expect(await pollRow(poll.id)).toMatchObject({
      closed: true,
      announcedAt: minutes(2),
      announceAfter: null,
    });
    const clock = { now: minutes(2) };
    const posted: PollAnnouncement[] = [];
    const closer = closerAt(clock, async (a) => {
      posted.push(a);
      return true;
    });
    try {
      for (const m of [2, 5, 15, 59]) {
        clock.now = minutes(m);
        await closer.runOnce();
      }
      expect(posted).toEqual([]);
    } finally {
      await closer.stop();
    }
  });

  it('gives up on an announcement an hour after the poll closed, and says so once', async () => {
    await settleAll();
    const poll = await newPoll(minutes(1));
    await closeDuePolls(deps(minutes(2))); // settled; the post never happens
    const warnings: Record<string, unknown>[] = [];
    const spy = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    const clock = { now: minutes(62) };
    const posted: PollAnnouncement[] = [];
    const post = async (a: PollAnnouncement) => {
      posted.push(a);
      return true;
    };
    const [one, two] = [closerAt(clock, post, { logger: spy }), closerAt(clock, post, { logger: spy })];
    try {
      await Promise.all([one.runOnce(), two.runOnce()]);
      clock.now = minutes(90);
      await Promise.all([one.runOnce(), two.runOnce()]);
      expect(posted).toEqual([]);
      expect(warnings.filter((w) => w.pollId === poll.id)).toHaveLength(1);
      expect(warnings.find((w) => w.pollId === poll.id)!.msg).toMatch(/gave up/);
      expect(await pollRow(poll.id)).toMatchObject({ closed: true, announcedAt: null, announceAfter: null });
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});

/** The migrations up to and including `lastTag`, in a folder of their own, as an older release had them. */
function migrationsUpTo(lastTag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-migrations-'));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThanOrEqual(0);
  journal.entries = journal.entries.slice(0, last + 1);
  fs.mkdirSync(path.join(dir, 'meta'));
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries)
    fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

/** An empty database of `kind` (not migrated), and how to drop it. */
async function emptyDatabase(kind: DbKind): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ memory: true });
    return { handle, drop: () => handle.close() };
  }
  const { url } = await resolveTestPostgres();
  const name = `movierec_test_mig_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url!);
  target.pathname = `/${name}`;
  const handle = await openDatabase({ url: target.toString(), maxConnections: 2 });
  return {
    handle,
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

describe.each(DB_KINDS)('poll_announced migration (%s)', (kind) => {
  it('marks polls closed before it as announced, so the closer never announces them again', async () => {
    const { handle, drop } = await emptyDatabase(kind);
    const old = migrationsUpTo('0004_model_chunks');
    try {
      const folder = { migrationsFolder: old };
      if (handle.kind === 'pglite') await migratePglite(handle.db as unknown as PgliteDatabase, folder);
      else await migratePostgres(handle.db as unknown as PostgresJsDatabase, folder);
      // Raw SQL: the schema of today has columns this older database does not (writers, …).
      const [movie] = await queryRows<{ id: number }>(
        handle.db,
        sql`insert into movies (title, year, genres, source) values ('Heat', 1995, '{Crime}', 'manual') returning id`,
      );
      const [user] = await queryRows<{ id: number }>(
        handle.db,
        sql`insert into users (external_id, platform, tenant) values ('discord:g1:ana', 'discord', 'g1') returning id`,
      );
      // Rows as the release before this migration wrote them (no announcement columns yet).
      for (const [id, closed] of [
        ['old-closed', true],
        ['old-open', false],
      ] as const)
        await handle.db.execute(sql`insert into polls
          (id, tenant, channel, created_by, member_ids, movie_ids, strategy, closes_at, closed, winner)
          values (${id}, 'discord:g1', 'discord:g1:c1', ${user!.id}, array[${user!.id}]::int[],
            array[${movie!.id}]::int[], 'average', ${T0.toISOString()}::timestamptz, ${closed},
            ${closed ? movie!.id : null})`);
      await handle.migrate();
      const rows = await handle.db
        .select({ id: polls.id, announcedAt: polls.announcedAt, announceAfter: polls.announceAfter })
        .from(polls)
        .orderBy(polls.id);
      expect(rows.map((r) => [r.id, r.announcedAt !== null, r.announceAfter])).toEqual([
        ['old-closed', true, null],
        ['old-open', false, null],
      ]);
      const closerDeps: PollCloserDeps = {
        db: handle.db,
        logger: quietLogger(),
        catalog: createCatalogSource(handle.db),
        platforms: ['discord'],
        now: () => minutes(5),
      };
      expect(await retryPendingAnnouncements(closerDeps)).toEqual([]);
      // The poll still open is closed and announced by the closer as any other.
      expect((await closeDuePolls(closerDeps)).map((a) => a.pollId)).toEqual(['old-open']);
    } finally {
      fs.rmSync(old, { recursive: true, force: true });
      await drop();
    }
  });
});
