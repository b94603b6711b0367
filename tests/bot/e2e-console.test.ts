import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleMessage, createConsoleAdapter } from '../../adapters/console/index.ts';
import type { BotCore, ReactionEvent } from '../../src/bot/types.ts';
import { ratings, reactionRatings, users } from '../../src/db/schema.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { countUserRows } from './user-rows.ts';

/** Creating a test database and training the fixture model takes minutes on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;

function consoleFor(core: BotCore, user: string) {
  const out = new PassThrough();
  const adapter = createConsoleAdapter({ user, output: out, color: false });
  out.resume();
  return { adapter, start: () => adapter.start(core) };
}

const movieIdsOf = (messages: ConsoleMessage[]) =>
  messages.flatMap((m) => m.cards.map((c) => c.card.movieId));

describe.each(DB_KINDS)('a whole console session through the core (%s)', (kind) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await createTestCore(kind);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  async function userRow(externalId: string) {
    const [row] = await t.db.db.select().from(users).where(eq(users.externalId, externalId));
    return row;
  }

  it('onboard → rate by reaction → personal list → more → not interested → profile → forget-me', async () => {
    const { adapter, start } = consoleFor(t.core, 'ana');
    await start();
    const other = consoleFor(t.core, 'zed');
    await other.start();
    await other.adapter.send('/rate Zodiac 4.5');
    await other.adapter.send('/recommend');
    await other.adapter.send('/watchlist add Fargo');

    const cold = await adapter.send('/recommend');
    const coldIds = movieIdsOf(cold);
    expect(coldIds).toHaveLength(5);

    const onboard = await adapter.send('/onboard');
    const picks = onboard.flatMap((m) => m.cards);
    expect(picks.length).toBeGreaterThanOrEqual(5);
    // Each pick is its own rate-by-reaction card, numbered 1..n on screen.
    expect(picks.map((p) => p.n)).toEqual(picks.map((_, i) => i + 1));
    const stars = [5, 5, 4, 2, 1];
    for (const [i, s] of stars.entries()) {
      const shown = await adapter.send(`:${s} ${i + 1}`);
      expect(shown[0]!.text).toMatch(/Rated/);
    }
    const ana = (await userRow('console:ana'))!;
    const stored = await t.db.db.select().from(ratings).where(eq(ratings.userId, ana.id));
    expect(stored.map((r) => r.rating).sort()).toEqual([...stars].sort());
    expect(stored.every((r) => r.source === 'reaction')).toBe(true);

    const personal = await adapter.send('/recommend');
    const firstPage = movieIdsOf(personal);
    expect(firstPage).toHaveLength(5);
    expect(firstPage).not.toEqual(coldIds);
    const rated = new Set(stored.map((r) => r.movieId));
    expect(firstPage.some((id) => rated.has(id))).toBe(false);
    expect(personal[0]!.cards.some((c) => c.card.label?.startsWith('Because you liked'))).toBe(true);

    const more = await adapter.send('more');
    const secondPage = movieIdsOf(more);
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage.some((id) => firstPage.includes(id))).toBe(false);
    expect(more[0]!.reply.data?.sessionId).toBe(personal[0]!.reply.data?.sessionId);

    const dropped = more[0]!.cards[1]!.card;
    const ack = await adapter.send(`:no ${more[0]!.cards[1]!.n}`);
    expect(ack[0]!.text).toContain(dropped.title);
    for (let round = 0; round < 3; round++) {
      const again = [
        ...(await adapter.send('/recommend')),
        ...(await adapter.send('more')),
        ...(await adapter.send('more')),
      ];
      expect(movieIdsOf(again)).not.toContain(dropped.movieId);
      expect(movieIdsOf(again).length).toBeGreaterThan(5);
    }

    const profile = await adapter.send('/profile');
    expect(profile[0]!.reply.data?.ratingCount).toBe(5);
    expect(profile[0]!.text).toContain('Ratings: 5');
    const top = picks[0]!.card;
    expect(profile[0]!.text).toContain(top.title);

    const zed = (await userRow('console:zed'))!;
    const zedBefore = await countUserRows(t.db.db, zed.id, zed.externalId);
    const anaBefore = await countUserRows(t.db.db, ana.id, ana.externalId);
    expect(anaBefore.ratings).toBe(5);
    expect(anaBefore.recommendation_log).toBeGreaterThan(0);

    const confirm = await adapter.send('/forget-me');
    expect(confirm[0]!.text).toMatch(/delete everything/i);
    const done = await adapter.send('!1');
    expect(done[0]!.text).toMatch(/deleted/i);
    const after = await countUserRows(t.db.db, ana.id, ana.externalId);
    expect(after).toEqual(Object.fromEntries(Object.keys(after).map((k) => [k, 0])));
    expect(await countUserRows(t.db.db, zed.id, zed.externalId)).toEqual(zedBefore);
    expect(zedBefore.ratings).toBe(1);
    expect(zedBefore.marks).toBe(1);
  });

  it('chats over stdin/stdout: prompt, numbered results, :5 2, buttons, quit', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => {
      shown += chunk.toString('utf8');
    });
    const adapter = createConsoleAdapter({ user: 'tty', input, output, color: false });
    await adapter.start(t.core);
    input.write('/help\n/recommend a crime thriller\n:5 2\nmore\n:no 6\n!1\n');
    input.end('quit\n');
    await adapter.closed;
    expect(shown).toContain('chatting as tty');
    expect(shown).toContain('/recommend');
    expect(shown).toMatch(/^ {1}1\. .+\n/m);
    expect(shown).toMatch(/ 2\. /);
    expect(shown).toMatch(/Rated \S.* ★★★★★ 5/);
    expect(shown).toMatch(/More from the same list/);
    expect(shown).toMatch(/Got it: no more/);
    expect(shown.includes(String.fromCharCode(27))).toBe(false);
    const user = (await userRow('console:tty'))!;
    const rows = await t.db.db.select().from(ratings).where(eq(ratings.userId, user.id));
    expect(rows.map((r) => r.rating)).toEqual([5]);
  });

  it('gives one rating for concurrent duplicate reaction deliveries', async () => {
    const { adapter, start } = consoleFor(t.core, 'dup');
    await start();
    const [card] = await adapter.send('/movie Collateral');
    const key = card!.cards[0]!.key;
    const reaction = (id: string): ReactionEvent => ({
      type: 'reaction',
      id,
      actor: { userKey: 'console:dup', platform: 'console', tenant: 'local' },
      channel: { key: 'console:local:dup', platform: 'console', tenant: 'local' },
      messageKey: key,
      emoji: '4️⃣',
      added: true,
    });
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => t.core.handle(reaction('same-delivery'))),
      t.core.handle(reaction('other-delivery')),
    ]);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    const user = (await userRow('console:dup'))!;
    const rows = await t.db.db.select().from(ratings).where(eq(ratings.userId, user.id));
    expect(rows.map((r) => r.rating)).toEqual([4]);
    const reactions = await t.db.db.select().from(reactionRatings).where(eq(reactionRatings.userId, user.id));
    expect(reactions).toHaveLength(1);
  });

  it('a reaction on an old card still works after a restart', async () => {
    const before = consoleFor(t.core, 'old');
    await before.start();
    const [card] = await before.adapter.send('/movie Sicario');
    const key = card!.cards[0]!.key;
    await before.adapter.stop();

    const restarted = t.restart();
    const replies = await restarted.handle({
      type: 'reaction',
      id: 'after-restart-1',
      actor: { userKey: 'console:old', platform: 'console', tenant: 'local' },
      channel: { key: 'console:local:old', platform: 'console', tenant: 'local' },
      messageKey: key,
      emoji: 'five',
      added: true,
    });
    expect(replies[0]?.text).toMatch(/Rated \*\*Sicario/);
    const user = (await userRow('console:old'))!;
    const [row] = await t.db.db
      .select({ rating: ratings.rating })
      .from(ratings)
      .where(eq(ratings.userId, user.id));
    expect(row?.rating).toBe(5);
  });
});
