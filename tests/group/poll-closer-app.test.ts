import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, startAdapters } from '../../src/app.ts';
import type { ChannelRef, PlatformAdapter, Reply } from '../../src/bot/types.ts';
import { loadConfig } from '../../src/config.ts';
import { marks, movies, polls } from '../../src/db/schema.ts';
import { castVote, createPoll } from '../../src/db/store/polls.ts';
import { getOrCreateUser } from '../../src/db/store/users.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

/** A platform adapter that records what the poll closer posts through it. */
function recordingAdapter(clock: () => Date) {
  const posts: { channel: ChannelRef; reply: Reply; at: Date }[] = [];
  let notify: () => void = () => {};
  const adapter: PlatformAdapter = {
    platform: 'discord',
    async start() {},
    async stop() {},
    async postToChannel(channel, reply) {
      posts.push({ channel, reply, at: clock() });
      notify();
      return true;
    },
  };
  const firstPost = new Promise<void>((resolve) => {
    notify = resolve;
  });
  return { adapter, posts, firstPost };
}

const quiet = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

describe.each(DB_KINDS)('movie-night polls close on time across a restart of the bot (%s)', (kind) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-polls-'));
  let tdb: TestDatabase | undefined;
  afterAll(async () => {
    await tdb?.destroy();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('a poll open when the bot stops is closed at its time by the next process and announced once', {
    timeout: 180_000,
  }, async () => {
    if (kind === 'postgres') tdb = await createTestDatabase('postgres');
    const config = loadConfig({ MOVIEREC_HOME: home, ...(tdb?.url ? { DATABASE_URL: tdb.url } : {}) });

    // First process: a poll is started and two of three members vote; the bot stops before it closes.
    const app1 = await createApp(config, quiet);
    const db1 = app1.database.db;
    const picks = (await db1.select({ id: movies.id }).from(movies).orderBy(movies.id).limit(4)).map(
      (m) => m.id,
    );
    const members = await Promise.all(
      ['ana', 'ben', 'cy'].map((u) => getOrCreateUser(db1, `discord:g1:${u}`)),
    );
    const closesAt = new Date(Date.now() + 10 * 60_000);
    const poll = await createPoll(db1, {
      tenant: 'discord:g1',
      channel: 'discord:g1:c1',
      createdBy: members[0]!.id,
      memberIds: members.map((m) => m.id),
      movieIds: picks,
      strategy: 'average',
      closesAt,
    });
    await castVote(db1, poll.id, members[0]!.id, picks[2]!);
    await castVote(db1, poll.id, members[1]!.id, picks[2]!);
    const first = recordingAdapter(() => new Date());
    const running1 = await startAdapters(app1, {
      adapters: [first.adapter],
      pollCloser: { intervalMs: 60_000 },
    });
    expect(await running1.pollCloser.runOnce()).toBe(0);
    await running1.stop();
    expect(first.posts).toEqual([]);

    // Second process on the same database, its clock 150 ms before the closing time. The interval is
    // a minute, so only the timer set for the poll's closing time can close it during this test.
    const started = Date.now();
    const clock = () => new Date(closesAt.getTime() - 150 + (Date.now() - started));
    const second = recordingAdapter(clock);
    const app2 = await createApp(config, quiet);
    const running2 = await startAdapters(app2, {
      adapters: [second.adapter],
      pollCloser: { now: clock, intervalMs: 60_000 },
    });
    try {
      await second.firstPost;
      await running2.pollCloser.runOnce();
      expect(second.posts).toHaveLength(1);
      const [post] = second.posts;
      expect(post!.channel).toEqual({ key: 'discord:g1:c1', platform: 'discord', tenant: 'g1' });
      expect(post!.reply.text).toMatch(/Time's up! Movie night is .* with 2 votes of 2\./);
      expect(post!.reply.data).toMatchObject({ pollId: poll.id, winner: picks[2], voters: 2 });
      // Not before its time.
      expect(post!.at.getTime()).toBeGreaterThanOrEqual(closesAt.getTime());
      const db2 = app2.database.db;
      const [row] = await db2.select().from(polls).where(eq(polls.id, poll.id));
      expect(row).toMatchObject({ closed: true, winner: picks[2] });
      const seen = await db2
        .select({ userId: marks.userId })
        .from(marks)
        .where(
          and(
            eq(marks.movieId, picks[2]!),
            inArray(
              marks.userId,
              members.map((m) => m.id),
            ),
          ),
        );
      expect(seen.map((s) => s.userId).sort()).toEqual([members[0]!.id, members[1]!.id].sort());
    } finally {
      await running2.stop();
    }
  });
});
