import { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import { createBotCore } from '../../src/bot/core.ts';
import type { Actor, BotCore, BotEvent, ChannelRef, Reply } from '../../src/bot/types.ts';
import { marks, movies, ratings, users } from '../../src/db/schema.ts';
import { withRequestContext } from '../../src/ops/request-context.ts';
import { createTestCore, FIXTURE_MOVIES, type TestCore } from '../contract/fixture.ts';
import { createTestDatabase, DB_KINDS } from '../helpers/db.ts';

/** Creating a test database and training the fixture model takes minutes on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;

const channel: ChannelRef = { key: 'discord:G1:C1', platform: 'discord', tenant: 'G1' };
const actor = (name: string): Actor => ({ userKey: `discord:G1:${name}`, platform: 'discord', tenant: 'G1' });
let seq = 0;
const command = (user: string, name: string, text = '', extra: Partial<BotEvent> = {}): BotEvent =>
  ({
    type: 'command',
    id: `e${++seq}`,
    actor: actor(user),
    channel,
    command: name,
    text,
    ...extra,
  }) as BotEvent;
const press = (user: string, actionId: string, value?: string): BotEvent => ({
  type: 'action',
  id: `e${++seq}`,
  actor: actor(user),
  channel,
  actionId,
  value,
});
const text = (replies: Reply[]) => replies.map((r) => r.text).join('\n');

describe('bot core behaviour', () => {
  let t: TestCore;
  let core: BotCore;
  beforeAll(async () => {
    t = await createTestCore('pglite');
    core = t.core;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  /** The user's rating of the movie titled exactly `title` (null when none), read from the database. */
  async function ratingOf(user: string, title: string): Promise<number | null> {
    const rows = await t.db.db
      .select({ rating: ratings.rating })
      .from(ratings)
      .innerJoin(users, eq(users.id, ratings.userId))
      .innerJoin(movies, eq(movies.id, ratings.movieId))
      .where(and(eq(users.externalId, `discord:G1:${user}`), eq(movies.title, title)));
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows[0]?.rating ?? null;
  }

  /** How many ratings the user has, of any movie. */
  async function ratingCount(user: string): Promise<number> {
    const rows = await t.db.db
      .select({ rating: ratings.rating })
      .from(ratings)
      .innerJoin(users, eq(users.id, ratings.userId))
      .where(eq(users.externalId, `discord:G1:${user}`));
    return rows.length;
  }

  it('friendly errors for bad stars, missing parts, unknown commands and huge text', async () => {
    const cases: [BotEvent, string, RegExp][] = [
      [command('u1', 'rate', 'Heat 7'), 'bad-stars', /0\.5 to 5/],
      [command('u1', 'rate', 'Heat 0'), 'bad-stars', /0\.5 to 5/],
      [command('u1', 'rate', 'Heat'), 'missing-stars', /How many stars/],
      [command('u1', 'movie', ''), 'missing-title', /Which movie/],
      [command('u1', 'frobnicate', ''), 'unknown-command', /\/help/],
      [command('u1', 'recommend', 'x'.repeat(10_000)), 'too-long', /10,000 characters/],
      [command('u1', 'stats', ''), 'admin-only', /Only admins/],
    ];
    for (const [event, code, message] of cases) {
      const [reply] = await core.handle(event);
      expect(reply).toMatchObject({ ephemeral: true, data: { outcome: 'user_error', error: code } });
      expect(reply!.text).toMatch(message);
    }
    expect(await ratingCount('u1')).toBe(0);
  });

  it('takes typed options when the platform sends no text', async () => {
    const replies = await core.handle(
      command('u2', 'rate', '', { options: { title: 'Heat', stars: 4.5 } } as Partial<BotEvent>),
    );
    expect(text(replies)).toMatch(/Rated \*\*Heat/);
    expect(await ratingOf('u2', 'Heat')).toBe(4.5);
  });

  it('asks which one for an ambiguous title, and the pick runs the command', async () => {
    const [ask] = await core.handle(command('u3', 'rate', 'Solaris 4'));
    expect(ask!.data).toMatchObject({ error: 'ambiguous-title' });
    expect(ask!.actions).toHaveLength(2);
    expect(ask!.text).toContain('1972');
    expect(ask!.text).toContain('2002');
    const choice = ask!.actions!.find((a) => a.label.includes('2002'))!;
    const replies = await core.handle(press('u3', choice.id));
    expect(text(replies)).toMatch(/Rated \*\*Solaris \(2002\)\*\* ★★★★ 4/);
    // A second press of the same (now used) choice does nothing harmful.
    expect(text(await core.handle(press('u3', choice.id)))).toMatch(/expired/);
  });

  it('takes a title spelled exactly as typed over one that differs by an article', async () => {
    const [heat] = await core.handle(command('u3b', 'movie', 'Heat'));
    expect(heat!.cards!.map((c) => [c.title, c.year])).toEqual([['Heat', 1981]]);
    const [theHeat] = await core.handle(command('u3b', 'movie', 'The Heat'));
    expect(theHeat!.cards!.map((c) => [c.title, c.year])).toEqual([['The Heat', 2013]]);
  });

  it('never echoes mass mentions', async () => {
    const replies = await core.handle(command('u4', 'search', '@everyone <@123> zzqx'));
    expect(text(replies)).not.toMatch(/@everyone|<@123>/);
  });

  it('handles a command delivery once', async () => {
    const event = command('u5', 'watchlist', 'add Fargo');
    expect(text(await core.handle(event))).toMatch(/Added/);
    expect(await core.handle(event)).toEqual([]);
  });

  it('keeps /prefs, steers recommendations with them, and clears them', async () => {
    expect(
      text(await core.handle(command('u6', 'prefs', 'love comedies, no sci-fi, nothing before 1985'))),
    ).toMatch(/Got it/);
    const shown = text(await core.handle(command('u6', 'prefs')));
    expect(shown).toMatch(/Comedy/);
    expect(shown).toMatch(/Sci-Fi/);
    const [list] = await core.handle(
      command('u6', 'recommend', '', { options: { count: 10 } } as Partial<BotEvent>),
    );
    const listed = (list!.data!.movies as { genres: string[]; year: number }[]) ?? [];
    expect(listed.length).toBeGreaterThan(0);
    for (const m of listed) {
      expect(m.genres).not.toContain('Sci-Fi');
      expect(m.year).toBeGreaterThanOrEqual(1985);
    }
    await core.handle(command('u6', 'prefs', 'clear'));
    expect(text(await core.handle(command('u6', 'prefs')))).toMatch(/No preferences/);
  });

  it('free-text recommendations honour the request', async () => {
    const [list] = await core.handle(command('u7', 'recommend', 'a comedy'));
    const listed = list!.data!.movies as { genres: string[] }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((m) => m.genres.includes('Comedy'))).toBe(true);
    expect(list!.data!.parsed).toMatchObject({ genres: { include: ['Comedy'] } });
  });

  it('finds similar movies, searches, and autocompletes', async () => {
    const [similar] = await core.handle(command('u8', 'similar', 'Alien'));
    const titles = (similar!.cards ?? []).map((c) => c.title);
    expect(titles.length).toBeGreaterThan(0);
    expect(titles).not.toContain('Alien');
    const [search] = await core.handle(command('u8', 'search', 'heat'));
    expect(search!.cards![0]!.title).toBe('Heat');
    const options = await core.autocomplete('Coll', actor('u8'));
    expect(options.map((o) => o.name)).toContain('Collateral (1987)');
    expect(options[0]!.value).toMatch(/^#\d+$/);
  });

  it('imports a Letterboxd export from an attachment', async () => {
    const csv =
      'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Heat,1981,u,4.5\n2024-01-01,Ronin,1984,u,3\n2024-01-01,Nowhere Film,1990,u,2\n';
    const [reply] = await core.handle(
      command('u9', 'import', '', {
        attachments: [{ name: 'ratings.csv', content: csv }],
      } as Partial<BotEvent>),
    );
    expect(reply!.text).toMatch(/Imported 2 of 3/);
    expect(await ratingOf('u9', 'Heat')).toBe(4.5);
    expect(await ratingOf('u9', 'Ronin')).toBe(3);
    expect(await ratingCount('u9')).toBe(2);
  });

  it('imports an export the platform only linked', async () => {
    const csv = 'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Sicario,1996,u,5\n';
    const server = setupServer(http.get('https://cdn.example/ratings.csv', () => HttpResponse.text(csv)));
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const [reply] = await core.handle(
        command('u11', 'import', '', {
          attachments: [{ name: 'ratings.csv', url: 'https://cdn.example/ratings.csv', size: csv.length }],
        } as Partial<BotEvent>),
      );
      expect(reply!.text).toMatch(/Imported 1 of 1/);
      const [plain] = await core.handle(
        command('u11', 'import', '', {
          attachments: [{ name: 'r.csv', url: 'http://cdn.example/r.csv' }],
        } as Partial<BotEvent>),
      );
      expect(plain!.data).toMatchObject({ error: 'bad-attachment' });
    } finally {
      server.close();
    }
  });

  it('rates by star-count reactions and marks the watchlist with 🔖', async () => {
    const [card] = await core.handle(command('u10', 'movie', 'Thief'));
    expect(card!.rateByReaction).toBe(true);
    await core.messagePosted(card!, 'discord:C1:m-thief', channel);
    const react = (emoji: string, added = true) =>
      core.handle({
        type: 'reaction',
        id: `e${++seq}`,
        actor: actor('u10'),
        channel,
        messageKey: 'discord:C1:m-thief',
        emoji,
        added,
      });
    await react('star');
    await react('🌟');
    expect(await ratingOf('u10', 'Thief')).toBe(2);
    await react('bookmark');
    const [user] = await t.db.db.select().from(users).where(eq(users.externalId, 'discord:G1:u10'));
    const rows = await t.db.db.select().from(marks).where(eq(marks.userId, user!.id));
    expect(rows.map((r) => r.kind)).toEqual(['watchlist']);
    await react('bookmark', false);
    expect(await t.db.db.select().from(marks).where(eq(marks.userId, user!.id))).toEqual([]);
    // Reactions on messages the bot never registered are ignored.
    expect(
      await core.handle({
        type: 'reaction',
        id: 'x1',
        actor: actor('u10'),
        channel,
        messageKey: 'nope',
        emoji: '5️⃣',
        added: true,
      }),
    ).toEqual([]);
  });

  it('purges a tenant', async () => {
    await core.handle(command('p1', 'rate', 'Heat 4'));
    const result = await core.purgeTenant('discord', 'G1');
    expect(result.users).toBeGreaterThan(5);
    const left = await t.db.db.select().from(users).where(eq(users.tenant, 'G1'));
    expect(left).toEqual([]);
  });

  it('rate-limits per user with a friendly message, also across a minute boundary', async () => {
    // A clock the test moves: 100 ms before a minute boundary, then 100 ms after it.
    let clock = 1_700_000_060_000 - 100;
    const limited = createBotCore({
      db: t.db.db,
      logger: pino({ level: 'silent' }),
      catalog: createCatalogSource(t.db.db),
      recommender: { current: () => t.recommender.current(), catalogChanged: () => {} },
      rateLimitPerMinute: 3,
      now: () => new Date(clock),
    });
    const outcomes: unknown[] = [];
    for (let i = 0; i < 5; i++) outcomes.push((await limited.handle(command('rl', 'help')))[0]!.data?.error);
    expect(outcomes).toEqual([undefined, undefined, undefined, 'rate-limited', 'rate-limited']);
    const [refused] = await limited.handle(command('rl', 'help'));
    expect(refused!.text).toMatch(/try again in 20 s/);
    // A fixed window let 3 more through here; the bucket has refilled 0.2 s × 3/60 s = 0.01 tokens.
    clock += 200;
    for (let i = 0; i < 3; i++) {
      expect((await limited.handle(command('rl', 'help')))[0]!.data?.error).toBe('rate-limited');
    }
    // 20 s after the burst, one token is back.
    clock += 20_000;
    expect(text(await limited.handle(command('rl', 'help')))).toMatch(/movierec/);
    expect(text(await limited.handle(command('rl2', 'help')))).toMatch(/movierec/);
  });

  it('logs unexpected errors with context and apologises', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const broken = createBotCore({
      db: t.db.db,
      logger: pino({ level: 'error' }, sink),
      catalog: createCatalogSource(t.db.db),
      recommender: {
        current: () => Promise.reject(new Error('model exploded')),
        catalogChanged: () => {},
      },
    });
    const [reply] = await broken.handle(command('err', 'recommend'));
    expect(reply).toMatchObject({ ephemeral: true, data: { outcome: 'error' } });
    expect(reply!.text).toMatch(/Sorry/);
    expect(reply!.text).not.toMatch(/exploded/);
    const logged = JSON.parse(lines[0]!);
    expect(logged).toMatchObject({
      msg: 'event failed',
      event: { command: 'recommend', user: 'discord:G1:err' },
    });
    expect(logged.err.message).toBe('model exploded');
    expect(logged.reqId).toBeUndefined();
  });

  it('logs errors of an event handled in a request context with its request id', async () => {
    const { lines, logger } = captureLogs('error');
    const broken = createBotCore({
      db: t.db.db,
      logger,
      catalog: createCatalogSource(t.db.db),
      recommender: {
        current: () => Promise.reject(new Error('model exploded')),
        catalogChanged: () => {},
      },
    });
    const event = command('err2', 'recommend');
    let requestId = '';
    const [reply] = await withRequestContext(logger, event, (ctx) => {
      requestId = ctx.requestId;
      return broken.handle(event);
    });
    expect(reply).toMatchObject({ data: { outcome: 'error' } });
    expect(requestId).toMatch(/^[0-9a-f]{12}$/);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: 'event failed', reqId: requestId, eventId: event.id }),
    ]);
  });

  it('the fixture has the ambiguous titles the tests rely on', () => {
    expect(FIXTURE_MOVIES.filter((m) => m.title === 'Solaris')).toHaveLength(2);
  });
});

/** A pino logger at `level` whose JSON lines are collected in `lines`. */
function captureLogs(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino({ level }, sink) };
}

describe.skipIf(!DB_KINDS.includes('postgres'))('database down', () => {
  it('says to try again in a moment', async () => {
    const db = await createTestDatabase('postgres');
    const { lines, logger } = captureLogs('warn');
    const core = createBotCore({
      db: db.db,
      logger,
      catalog: createCatalogSource(db.db),
      recommender: { current: () => Promise.reject(new Error('unused')), catalogChanged: () => {} },
    });
    await db.destroy();
    const event = command('down', 'help');
    let requestId = '';
    const [reply] = await withRequestContext(logger, event, (ctx) => {
      requestId = ctx.requestId;
      return core.handle(event);
    });
    expect(reply).toMatchObject({ ephemeral: true, data: { outcome: 'unavailable' } });
    expect(reply!.text).toMatch(/try again in a moment/);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: 'database unavailable', reqId: requestId }),
    ]);
  });
});
