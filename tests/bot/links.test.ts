import { and, eq, inArray, like } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import { createBotCore } from '../../src/bot/core.ts';
import type { BotCore, BotEvent, Platform, Reply } from '../../src/bot/types.ts';
import { marks, movies, polls, ratings, sessions, users } from '../../src/db/schema.ts';
import {
  LINK_CODE_ALPHABET,
  LINK_CODE_TTL_MS,
  newLinkCode,
  normalizeLinkCode,
} from '../../src/db/store/links.ts';
import { recentRaters } from '../../src/db/store/polls.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';

/** Creating a test database and training the fixture model takes minutes on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;

describe('link codes (pure)', () => {
  it('are 8 symbols of an alphabet without look-alikes, shown as two groups of four', () => {
    for (let i = 0; i < 200; i++) {
      const code = newLinkCode();
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
    }
    expect(LINK_CODE_ALPHABET).not.toMatch(/[01ILO]/);
    // Random, not a counter: 200 codes from 31^8 never repeat in practice.
    expect(new Set(Array.from({ length: 200 }, newLinkCode)).size).toBe(200);
  });

  it('are read the way people type them: any case, with or without dash and spaces', () => {
    expect(normalizeLinkCode('abcd-2345')).toBe('ABCD2345');
    expect(normalizeLinkCode(' ab cd 23 45 ')).toBe('ABCD2345');
    expect(normalizeLinkCode('ABCD-234')).toBeNull();
    expect(normalizeLinkCode('ABCD-23456')).toBeNull();
    expect(normalizeLinkCode('OBCD-2345')).toBeNull(); // O is not in the alphabet
    expect(normalizeLinkCode('')).toBeNull();
  });
});

describe.each(DB_KINDS)('one profile across platforms (%s)', (kind) => {
  let t: TestCore;
  let core: BotCore;
  /** The core's clock, moved by the tests (codes expire, guess buckets refill). */
  let clock = Date.UTC(2026, 0, 5, 12, 0, 0);
  let seq = 0;

  beforeAll(async () => {
    t = await createTestCore(kind);
    core = createBotCore({
      db: t.db.db,
      logger: pino({ level: 'silent' }),
      catalog: createCatalogSource(t.db.db),
      recommender: { current: () => t.recommender.current(), catalogChanged: () => {} },
      rateLimitPerMinute: 1000,
      now: () => new Date(clock),
    });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  /** `discord:G1:ana`, `slack:T1:UANA`, `console:ana`: who runs the command. */
  function event(userKey: string, command: string, text = '', extra: Partial<BotEvent> = {}): BotEvent {
    const [platform, tenant, ...rest] = userKey.split(':') as [Platform, string, ...string[]];
    const t2 = platform === 'console' ? 'local' : tenant;
    const channel = platform === 'console' ? `console:local:${tenant}` : `${platform}:${tenant}:C1`;
    return {
      type: 'command',
      id: `link-e${++seq}`,
      actor: { userKey, platform, tenant: t2, displayName: rest.at(-1) ?? tenant },
      channel: { key: channel, platform, tenant: t2 },
      command,
      text,
      ...extra,
    } as BotEvent;
  }
  const run = (userKey: string, command: string, text = '') => core.handle(event(userKey, command, text));
  const press = (userKey: string, actionId: string) => {
    const e = event(userKey, '') as BotEvent & { command?: string };
    return core.handle({ ...e, type: 'action', actionId } as BotEvent);
  };
  const text = (replies: Reply[]) => replies.map((r) => r.text).join('\n');

  async function issue(userKey: string): Promise<string> {
    const replies = await run(userKey, 'link');
    expect(replies.every((r) => r.ephemeral)).toBe(true);
    const code = replies[0]?.data?.linkCode;
    expect(typeof code).toBe('string');
    expect(text(replies)).toContain(String(code));
    return String(code);
  }

  async function userRow(userKey: string) {
    const [row] = await t.db.db.select().from(users).where(eq(users.externalId, userKey));
    return row;
  }

  /** Titles and stars the account sees in /profile's data (its ratings, wherever stored). */
  async function profileRatings(userKey: string): Promise<Record<string, number>> {
    const [reply] = await run(userKey, 'profile');
    expect(reply!.ephemeral).toBe(true);
    const recent = (reply!.data?.recent ?? []) as { title: string; rating: number }[];
    return Object.fromEntries(recent.map((r) => [r.title, r.rating]));
  }

  async function ratingCount(userKey: string): Promise<number> {
    const [reply] = await run(userKey, 'profile');
    return Number(reply!.data?.ratingCount ?? 0);
  }

  /** Sets the time a stored rating was last changed (the database stamps `now()`; tests need an order). */
  async function setRatedAt(userKey: string, title: string, at: string): Promise<void> {
    const u = await userRow(userKey);
    const [m] = await t.db.db.select({ id: movies.id }).from(movies).where(eq(movies.title, title));
    await t.db.db
      .update(ratings)
      .set({ updatedAt: new Date(at) })
      .where(and(eq(ratings.userId, u!.profileId ?? u!.id), eq(ratings.movieId, m!.id)));
  }

  it('links a Discord and a Slack account: ratings, marks and preferences are shared both ways', async () => {
    await run('discord:G1:ana', 'rate', 'Heat 4');
    await run('discord:G1:ana', 'watchlist', 'add Ronin');
    await run('slack:T1:UANA', 'rate', 'Alien 5');
    await run('slack:T1:UANA', 'region', 'DE');
    const code = await issue('discord:G1:ana');
    const [linked] = await run('slack:T1:UANA', 'link', code.toLowerCase());
    expect(linked!.ephemeral).toBe(true);
    expect(linked!.text).toMatch(/Linked/);
    expect(linked!.data).toMatchObject({ linked: true, ratings: 2, ratedOnBoth: 0 });

    expect(await profileRatings('discord:G1:ana')).toEqual({ Heat: 4, Alien: 5 });
    expect(await profileRatings('slack:T1:UANA')).toEqual({ Heat: 4, Alien: 5 });
    // A rating made after linking, on either side, shows on the other at once.
    await run('slack:T1:UANA', 'rate', 'Drive 4.5');
    expect((await profileRatings('discord:G1:ana')).Drive).toBe(4.5);
    // Marks: the watchlist made on Discord is the Slack account's too.
    const [list] = await run('slack:T1:UANA', 'watchlist');
    expect(list!.text).toMatch(/watchlist \(1\)/);
    expect((list!.cards ?? []).map((c) => c.title)).toEqual(['Ronin']);
    // Region (set on Slack only) and prefs set after linking reach both accounts.
    expect((await run('discord:G1:ana', 'region'))[0]!.data?.region).toBe('DE');
    await run('discord:G1:ana', 'prefs', 'I love sci-fi, no horror');
    expect((await userRow('slack:T1:UANA'))!.prefs).toEqual((await userRow('discord:G1:ana'))!.prefs);
    expect((await userRow('slack:T1:UANA'))!.prefs).not.toBeNull();
    // Recommendations for the Discord account skip what was rated on Slack.
    const [recs] = await run('discord:G1:ana', 'recommend');
    const ids = ((recs!.cards ?? []) as { movieId: number }[]).map((c) => c.movieId);
    const [drive] = await t.db.db.select({ id: movies.id }).from(movies).where(eq(movies.title, 'Drive'));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(drive!.id);
    // One person, one set of rating rows: the model does not see them twice.
    const ana = [(await userRow('discord:G1:ana'))!.id, (await userRow('slack:T1:UANA'))!.id];
    const rows = await t.db.db
      .select({ userId: ratings.userId })
      .from(ratings)
      .where(and(eq(ratings.movieId, drive!.id), inArray(ratings.userId, ana)));
    expect(rows).toHaveLength(1);
  });

  it('a code expires after 10 minutes (fake clock), and works up to then', async () => {
    const late = await issue('discord:G2:exp');
    clock += LINK_CODE_TTL_MS + 1000;
    const [refused] = await run('slack:T1:UEXP', 'link', late);
    expect(refused!.data).toMatchObject({ outcome: 'user_error', error: 'link-expired' });
    expect(refused!.text).toMatch(/expired/);
    expect((await userRow('slack:T1:UEXP'))!.profileId).toBeNull();
    expect((await userRow('discord:G2:exp'))!.profileId).toBeNull();

    const inTime = await issue('discord:G2:exp');
    clock += LINK_CODE_TTL_MS - 1000;
    const [ok] = await run('slack:T1:UEXP', 'link', inTime);
    expect(ok!.data).toMatchObject({ linked: true });
  });

  it('a code works once; a second try says it was used and links nothing', async () => {
    const code = await issue('discord:G3:once');
    expect((await run('slack:T1:UONCE', 'link', code))[0]!.data).toMatchObject({ linked: true });
    const [again] = await run('console:once', 'link', code);
    expect(again!.data).toMatchObject({ error: 'link-used' });
    expect(again!.text).toMatch(/already used/);
    expect((await userRow('console:once'))!.profileId).toBeNull();
  });

  it('a new code replaces the previous one', async () => {
    const first = await issue('discord:G3:twice');
    const second = await issue('discord:G3:twice');
    expect((await run('slack:T1:UTWICE', 'link', first))[0]!.data).toMatchObject({ error: 'link-unknown' });
    expect((await run('slack:T1:UTWICE', 'link', second))[0]!.data).toMatchObject({ linked: true });
  });

  it('refuses your own code on the same account, and keeps it usable on the other account', async () => {
    const code = await issue('slack:T2:USELF');
    const [own] = await run('slack:T2:USELF', 'link', code);
    expect(own!.data).toMatchObject({ error: 'link-own-code' });
    expect(own!.text).toMatch(/other/);
    expect((await run('discord:G4:self', 'link', code))[0]!.data).toMatchObject({ linked: true });
  });

  it('refuses two accounts of one server (two people), and accounts already linked', async () => {
    const code = await issue('discord:G5:ann');
    const [same] = await run('discord:G5:bob', 'link', code);
    expect(same!.data).toMatchObject({ error: 'link-same-tenant' });
    expect((await userRow('discord:G5:bob'))!.profileId).toBeNull();
    // Another server of the same platform is fine (one Discord user in two servers is two accounts).
    expect((await run('discord:G6:ann', 'link', code))[0]!.data).toMatchObject({ linked: true });
    const again = await issue('discord:G5:ann');
    expect((await run('discord:G6:ann', 'link', again))[0]!.data).toMatchObject({
      error: 'link-already-linked',
    });
  });

  it('a wrong or malformed code gets a clear answer and links nothing', async () => {
    const [wrong] = await run('slack:T1:UWRONG', 'link', 'ZZZZ-2222');
    expect(wrong!.data).toMatchObject({ error: 'link-unknown' });
    expect(wrong!.text).toMatch(/isn't valid/);
    const [malformed] = await run('slack:T1:UWRONG', 'link', 'hello');
    expect(malformed!.data).toMatchObject({ error: 'link-malformed' });
    expect((await userRow('slack:T1:UWRONG'))!.profileId).toBeNull();
  });

  it('limits code guesses per account (5 per 10 minutes), even a right code waits its turn', async () => {
    const code = await issue('discord:G7:target');
    const guesses: unknown[] = [];
    for (let i = 0; i < 5; i++)
      guesses.push((await run('slack:T3:UGUESS', 'link', `${'2345'}-ABC${i + 2}`))[0]!.data?.error);
    expect(guesses).toEqual(Array(5).fill('link-unknown'));
    const [limited] = await run('slack:T3:UGUESS', 'link', code);
    expect(limited!.data).toMatchObject({ error: 'link-rate-limited' });
    expect(limited!.text).toMatch(/Too many/);
    expect((await userRow('slack:T3:UGUESS'))!.profileId).toBeNull();
    // The bucket refills one guess every 2 minutes.
    clock += 2 * 60_000 + 1000;
    expect((await run('slack:T3:UGUESS', 'link', code))[0]!.data).toMatchObject({ linked: true });
  });

  it('conflicting ratings at link time: the newer one wins, on both accounts', async () => {
    await run('discord:G8:nw', 'rate', 'Heat 2');
    await run('discord:G8:nw', 'rate', 'Ronin 5');
    await run('slack:T4:UNW', 'rate', 'Heat 4.5');
    await run('slack:T4:UNW', 'rate', 'Ronin 1');
    await run('slack:T4:UNW', 'rate', 'Moon 3');
    await setRatedAt('discord:G8:nw', 'Heat', '2025-01-01T00:00:00Z');
    await setRatedAt('slack:T4:UNW', 'Heat', '2025-06-01T00:00:00Z'); // Slack's Heat is newer
    await setRatedAt('discord:G8:nw', 'Ronin', '2025-06-01T00:00:00Z'); // Discord's Ronin is newer
    await setRatedAt('slack:T4:UNW', 'Ronin', '2025-01-01T00:00:00Z');
    const code = await issue('slack:T4:UNW');
    const [linked] = await run('discord:G8:nw', 'link', code);
    expect(linked!.data).toMatchObject({ linked: true, ratings: 3, ratedOnBoth: 2, redeemerNewer: 1 });
    expect(linked!.text).toMatch(/2 films were rated on both; the newer rating was kept/);
    const expected = { Heat: 4.5, Ronin: 5, Moon: 3 };
    expect(await profileRatings('discord:G8:nw')).toEqual(expected);
    expect(await profileRatings('slack:T4:UNW')).toEqual(expected);
  });

  it('/unlink: both keep a copy of the shared history, and are separate from then on', async () => {
    await run('discord:G9:un', 'rate', 'Heat 4');
    await run('slack:T5:UUN', 'rate', 'Alien 5');
    await run('slack:T5:UUN', 'seen', 'Moon');
    const code = await issue('discord:G9:un');
    await run('slack:T5:UUN', 'link', code);
    // The non-owner (the redeemer) leaves.
    const [reply] = await run('slack:T5:UUN', 'unlink');
    expect(reply!.ephemeral).toBe(true);
    expect(reply!.text).toMatch(/keep a copy/);
    expect(reply!.data).toMatchObject({ unlinked: true, ratings: 2 });
    expect(await profileRatings('slack:T5:UUN')).toEqual({ Heat: 4, Alien: 5 });
    expect(await profileRatings('discord:G9:un')).toEqual({ Heat: 4, Alien: 5 });
    const slackUser = await userRow('slack:T5:UUN');
    const seenMarks = await t.db.db.select().from(marks).where(eq(marks.userId, slackUser!.id));
    expect(seenMarks).toHaveLength(1);
    await run('slack:T5:UUN', 'rate', 'Drive 3');
    expect((await profileRatings('discord:G9:un')).Drive).toBeUndefined();
    expect((await userRow('discord:G9:un'))!.profileId).toBeNull();
    const [again] = await run('slack:T5:UUN', 'unlink');
    expect(again!.data).toMatchObject({ error: 'not-linked' });

    // The owner (the issuer) leaves: the other account keeps the profile's data.
    const code2 = await issue('discord:G9:un');
    await run('slack:T5:UUN', 'link', code2);
    await run('discord:G9:un', 'unlink');
    expect(await ratingCount('slack:T5:UUN')).toBe(3);
    expect(await ratingCount('discord:G9:un')).toBe(3);
    await run('discord:G9:un', 'rate', 'Zodiac 4');
    expect(await ratingCount('slack:T5:UUN')).toBe(3);
  });

  it('/forget-me on a linked account asks which; "all linked accounts" leaves nothing behind', async () => {
    await run('discord:G10:fa', 'rate', 'Heat 4');
    await run('slack:T6:UFA', 'rate', 'Alien 5');
    const code = await issue('discord:G10:fa');
    await run('slack:T6:UFA', 'link', code);
    await issue('slack:T6:UFA'); // a live code that must go too
    const [ask] = await run('slack:T6:UFA', 'forget-me');
    expect(ask!.ephemeral).toBe(true);
    expect(ask!.text).toMatch(/linked with your Discord account/);
    const all = ask!.actions!.find((a) => a.id.endsWith(':all'))!;
    expect(all.label).toMatch(/All linked/);
    expect(ask!.actions!.some((a) => a.label === 'Only this account')).toBe(true);
    const ids = [(await userRow('discord:G10:fa'))!.id, (await userRow('slack:T6:UFA'))!.id];
    const [done] = await press('slack:T6:UFA', all.id);
    expect(done!.text).toMatch(/every account linked/);
    expect(await userRow('discord:G10:fa')).toBeUndefined();
    expect(await userRow('slack:T6:UFA')).toBeUndefined();
    expect(await t.db.db.select().from(ratings).where(inArray(ratings.userId, ids))).toEqual([]);
    expect(await t.db.db.select().from(marks).where(inArray(marks.userId, ids))).toEqual([]);
    const left = await t.db.db.select().from(sessions).where(inArray(sessions.userId, ids));
    expect(left).toEqual([]);
  });

  it('/forget-me for this account only: the linked account keeps the shared history', async () => {
    await run('discord:G11:fo', 'rate', 'Heat 4');
    await run('slack:T7:UFO', 'rate', 'Alien 5');
    // The Discord account issues, so it owns the profile: deleting it must hand the data over.
    const code = await issue('discord:G11:fo');
    await run('slack:T7:UFO', 'link', code);
    const [done] = await run('discord:G11:fo', 'forget-me', 'yes');
    expect(done!.text).toMatch(/other linked account keeps/);
    expect(await userRow('discord:G11:fo')).toBeUndefined();
    expect((await userRow('slack:T7:UFO'))!.profileId).toBeNull();
    expect(await profileRatings('slack:T7:UFO')).toEqual({ Heat: 4, Alien: 5 });
  });

  it('removing a workspace keeps its linked accounts elsewhere intact', async () => {
    await run('slack:T8:UPG', 'rate', 'Heat 4');
    await run('discord:G12:pg', 'rate', 'Alien 5');
    const code = await issue('slack:T8:UPG'); // the Slack account owns the profile
    await run('discord:G12:pg', 'link', code);
    await core.purgeTenant('slack', 'T8');
    expect(await userRow('slack:T8:UPG')).toBeUndefined();
    expect((await userRow('discord:G12:pg'))!.profileId).toBeNull();
    expect(await profileRatings('discord:G12:pg')).toEqual({ Heat: 4, Alien: 5 });
  });

  it('group features stay per server: a linked Slack identity never joins a Discord movie night', async () => {
    // cat is linked across Discord G13 and Slack T9; her ratings are all made on Slack.
    const code = await issue('discord:G13:cat');
    await run('slack:T9:UCAT', 'link', code);
    await run('slack:T9:UCAT', 'rate', 'Heat 5');
    await run('discord:G13:dan', 'rate', 'Ronin 4');
    const since = new Date(Date.now() - 60 * 60_000);
    const discordRaters = await recentRaters(t.db.db, 'discord', 'G13', since, 10);
    // The Discord account counts as a recent rater of its server (its shared ratings), under its Discord key.
    expect(discordRaters.sort()).toEqual(['discord:G13:cat', 'discord:G13:dan']);
    expect(await recentRaters(t.db.db, 'slack', 'T9', since, 10)).toEqual(['slack:T9:UCAT']);
    expect(await recentRaters(t.db.db, 'slack', 'T1', since, 10)).not.toContain('slack:T9:UCAT');

    const [night] = await run('discord:G13:dan', 'movienight', 'here');
    const pollId = night!.data?.pollId;
    expect(typeof pollId).toBe('string');
    const [poll] = await t.db.db
      .select()
      .from(polls)
      .where(eq(polls.id, String(pollId)));
    const memberKeys = (
      await t.db.db.select({ key: users.externalId }).from(users).where(inArray(users.id, poll!.memberIds))
    ).map((r) => r.key);
    expect(memberKeys.sort()).toEqual(['discord:G13:cat', 'discord:G13:dan']);
    // Naming the Slack identity from Discord is refused, linked or not.
    const [foreign] = await run('discord:G13:dan', 'compat', 'slack:T9:UCAT');
    expect(foreign!.data?.outcome).toBe('user_error');
  });

  it('stores only a hash of the code', async () => {
    const code = await issue('discord:G14:hash');
    const plain = normalizeLinkCode(code)!;
    const rows = await t.db.db.select().from(sessions).where(like(sessions.id, 'link:%'));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.id).toMatch(/^link:[0-9a-f]{64}$/);
      expect(JSON.stringify(r)).not.toContain(plain);
      expect(JSON.stringify(r)).not.toContain(code);
    }
  });
});
