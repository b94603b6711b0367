import { count, eq, inArray, like, sql } from 'drizzle-orm';
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
import type { Reply } from '../../src/bot/types.ts';
import {
  cards,
  marks,
  movies,
  processedEvents,
  ratings,
  reactionRatings,
  recommendationLog,
  sessions,
  users,
} from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { quietLogger, seedCatalog } from '../load/fixture.ts';

/** Strings that break naive SQL, markdown or shell handling; each must be stored and echoed literally. */
const INJECTIONS = [
  "Robert'); DROP TABLE movies;--",
  "' OR '1'='1",
  '%_\\ LIKE wildcards',
  '$1 $$ dollar quotes $$',
];

const allText = (replies: Reply[]) =>
  replies.map((r) => [r.text, ...(r.cards ?? []).map((c) => `${c.title} ${c.reason}`)].join('\n')).join('\n');

/** Rates the top recommendation through its card select; returns the movie id. */
async function rateTopPick(cut: CoreUnderTest, person: SimUser, stars = '5'): Promise<number> {
  const shown = await cut.core.handle(commandEvent(person, 'recommend'));
  const movieId = cardMovieIds(shown)[0]!;
  const ack = await cut.core.handle(actionEvent(person, ratingAction(shown, movieId)!.id, stars));
  expect(ack[0]?.text).toMatch(/^Rated/);
  return movieId;
}

describe.each(DB_KINDS)('security through the core on %s', (kind) => {
  let tdb: TestDatabase;
  let cut: CoreUnderTest;
  const injectedIds: number[] = [];

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    await seedCatalog(tdb.db, { ratings: 3_000 });
    const rows = await tdb.db
      .insert(movies)
      .values(
        INJECTIONS.map((title, i) => ({
          title,
          year: 2001 + i,
          genres: ['Drama'],
          source: 'manual' as const,
        })),
      )
      .returning({ id: movies.id });
    injectedIds.push(...rows.map((r) => r.id));
    cut = buildCore(tdb.db, quietLogger());
    await cut.service.current();
  });
  afterAll(async () => {
    await cut?.close();
    await tdb?.destroy();
  });

  it('keeps tenants apart: the same user id in another guild or a Slack team sees none of it', async () => {
    const inG1 = platformUser('discord', 'g1', 'alice');
    const inG2 = platformUser('discord', 'g2', 'alice');
    const inSlack = platformUser('slack', 'g1', 'alice');
    const rated = await rateTopPick(cut, inG1);
    const title = (await tdb.db.select({ t: movies.title }).from(movies).where(eq(movies.id, rated)))[0]!.t;

    const own = allText(await cut.core.handle(commandEvent(inG1, 'profile')));
    expect(own).toContain(title);
    for (const other of [inG2, inSlack]) {
      const seen = allText(await cut.core.handle(commandEvent(other, 'profile')));
      expect(seen).not.toContain(title);
      // The movie alice rated in g1 is still a candidate for the other alices.
      const recs = await cut.core.handle(commandEvent(other, 'recommend'));
      expect(cardMovieIds(recs).length).toBeGreaterThan(0);
    }
    const tenants = await tdb.db
      .select({ tenant: users.tenant, platform: users.platform })
      .from(users)
      .where(like(users.externalId, '%:alice'));
    expect(tenants.map((t) => `${t.platform}:${t.tenant}`).sort()).toEqual([
      'discord:g1',
      'discord:g2',
      'slack:g1',
    ]);
  });

  it('purging a guild removes its users and everything they stored, and nothing of other tenants', async () => {
    const members = ['bob', 'carol'].map((u) => platformUser('discord', 'g-purge', u));
    const bystanders = [platformUser('discord', 'g-keep', 'bob'), platformUser('slack', 'g-purge', 'bob')];
    for (const p of [...members, ...bystanders]) await rateTopPick(cut, p, '4');
    await cut.core.handle(commandEvent(members[0]!, 'prefs', 'comedy no horror'));
    const purged = await cut.core.purgeTenant('discord', 'g-purge');
    expect(purged.users).toBe(2);

    const left = await tdb.db
      .select({ key: users.externalId })
      .from(users)
      .where(
        inArray(
          users.externalId,
          [...members, ...bystanders].map((p) => p.userKey),
        ),
      );
    expect(left.map((r) => r.key).sort()).toEqual(bystanders.map((p) => p.userKey).sort());
    const keys = members.map((p) => `${p.userKey}|%`);
    for (const k of keys) {
      const [events] = await tdb.db
        .select({ n: count() })
        .from(processedEvents)
        .where(like(processedEvents.eventKey, k));
      expect(events!.n).toBe(0);
    }
    const [tenantCards] = await tdb.db
      .select({ n: count() })
      .from(cards)
      .where(eq(cards.tenant, 'discord:g-purge'));
    expect(tenantCards!.n).toBe(0);
  });

  it('/forget-me leaves zero rows about the user', async () => {
    const person = platformUser('slack', 'T-forget', 'dave');
    const movieId = await rateTopPick(cut, person, '4.5');
    const shown = await cut.core.handle(commandEvent(person, 'recommend'));
    // A list page has one "pick a movie" select; picking a film answers with its card and buttons.
    const pick = shown.flatMap((r) => r.actions ?? []).find((a) => a.options?.length)!;
    const picked = await cut.core.handle(actionEvent(person, pick.id, pick.options![1]!.value));
    const watch = picked
      .flatMap((r) => r.cards ?? [])
      .flatMap((c) => c.actions)
      .find((a) => a.id.includes(':watch:'))!;
    await cut.core.handle(actionEvent(person, watch.id));
    await cut.core.handle(commandEvent(person, 'prefs', 'sci-fi from the 90s'));
    const single = shown.flatMap((r) => r.cards ?? []).find((c) => c.movieId !== movieId)!;
    await cut.core.messagePosted(
      { text: 'card', cards: [single], rateByReaction: true },
      'slack:C1:1700000000.000100',
      {
        key: 'slack:T-forget:C1',
        platform: 'slack',
        tenant: 'T-forget',
      },
    );
    await cut.core.handle({
      ...commandEvent(person, 'x'),
      type: 'reaction',
      messageKey: 'slack:C1:1700000000.000100',
      emoji: '4️⃣',
      added: true,
    });
    const [user] = await tdb.db.select().from(users).where(eq(users.externalId, person.userKey));
    const rowCounts = () =>
      Promise.all([
        tdb.db.select({ n: count() }).from(users).where(eq(users.externalId, person.userKey)),
        tdb.db.select({ n: count() }).from(ratings).where(eq(ratings.userId, user!.id)),
        tdb.db.select({ n: count() }).from(marks).where(eq(marks.userId, user!.id)),
        tdb.db.select({ n: count() }).from(sessions).where(eq(sessions.userId, user!.id)),
        tdb.db.select({ n: count() }).from(reactionRatings).where(eq(reactionRatings.userId, user!.id)),
        tdb.db.select({ n: count() }).from(recommendationLog).where(eq(recommendationLog.userId, user!.id)),
        tdb.db
          .select({ n: count() })
          .from(processedEvents)
          .where(like(processedEvents.eventKey, `${person.userKey}|%`)),
      ]).then((all) => all.map((c) => c[0]!.n));
    // Every kind of row exists first, so zero afterwards means deleted, not never written.
    const before = await rowCounts();
    expect(
      before.every((n) => n > 0),
      `rows before: ${before}`,
    ).toBe(true);

    const ask = await cut.core.handle(commandEvent(person, 'forget-me'));
    expect(allText(ask)).toMatch(/delete/i);
    const done = await cut.core.handle(commandEvent(person, 'forget-me', 'yes'));
    expect(done.some((r) => r.data?.forgotten === true)).toBe(true);
    expect(await rowCounts()).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('stores and returns injection strings literally (search, rate, display name) and the tables survive', async () => {
    const [before] = await tdb.db.select({ n: count() }).from(movies);
    const person: SimUser = platformUser('discord', 'g-inj', "x'); drop table users;--");
    for (const [i, title] of INJECTIONS.entries()) {
      const found = await cut.core.handle(commandEvent(person, 'search', title));
      expect(cardMovieIds(found)).toContain(injectedIds[i]);
      const rated = await cut.core.handle(commandEvent(person, 'rate', `#${injectedIds[i]} 3.5`));
      expect(rated[0]?.text).toContain(title);
      // Not found: echoed back as text, never executed.
      const miss = await cut.core.handle(commandEvent(person, 'rate', `${title} zzqx 4`));
      expect(miss[0]?.data?.outcome).toBe('user_error');
    }
    const [after] = await tdb.db.select({ n: count() }).from(movies);
    expect(after!.n).toBe(before!.n);
    const [stored] = await tdb.db.select().from(users).where(eq(users.externalId, person.userKey));
    expect(stored?.externalId).toBe("discord:g-inj:x'); drop table users;--");
    const titles = await tdb.db
      .select({ title: movies.title })
      .from(ratings)
      .innerJoin(movies, eq(movies.id, ratings.movieId))
      .where(eq(ratings.userId, stored!.id));
    expect(titles.map((t) => t.title).sort()).toEqual([...INJECTIONS].sort());
    const [tables] = await tdb.db
      .select({ n: sql<number>`count(*)::int` })
      .from(sql`information_schema.tables`)
      .where(sql`table_name in ('users', 'movies', 'ratings')`);
    expect(tables!.n).toBeGreaterThanOrEqual(3);
  });
});
