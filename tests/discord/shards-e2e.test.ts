import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies, ratings, users } from '../../src/db/schema.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';
import type { FakeDiscord } from './fake-discord.ts';
import { guildIdFor, type ShardedGateway, shardOf } from './fake-sharded-gateway.ts';
import { userId } from './gateway-payloads.ts';
import {
  commandIn,
  interactVia,
  reactionIn,
  reactVia,
  type ShardedBot,
  startShardedBot,
  startShardedFake,
} from './shard-harness.ts';

/**
 * The sharded bot end to end: real discord.js clients (the adapter, `shards` + `shardCount`) against a
 * fake gateway that hands out shards and routes each guild's events to `(guild_id >> 22) % total`.
 */

const SHARDS = 3;
/** Two guilds per shard: guild n is on shard n % 3. */
const GUILDS = 6;
const settings = (total: 'auto' | number, list?: number[]) => ({ total, list, managed: false });

describe.each(DB_KINDS)('Discord shards in one process (%s)', (kind) => {
  let t: TestCore;
  let fake: FakeDiscord;
  let gateway: ShardedGateway;
  let bot: ShardedBot;

  beforeAll(async () => {
    t = await createTestCore(kind);
    ({ fake, gateway } = await startShardedFake(GUILDS, { shards: SHARDS, maxConcurrency: SHARDS }));
    bot = await startShardedBot(fake, t.core, settings('auto'));
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    await t?.close();
  });

  async function ratingOf(n: number, user: string, title: string): Promise<number | null> {
    const [row] = await t.db.db
      .select({ rating: ratings.rating })
      .from(ratings)
      .innerJoin(users, eq(users.id, ratings.userId))
      .innerJoin(movies, eq(movies.id, ratings.movieId))
      .where(and(eq(users.externalId, `discord:${guildIdFor(n)}:${userId(user)}`), eq(movies.title, title)));
    return row?.rating ?? null;
  }

  /** Posts a single movie card in guild n and returns its message id. */
  async function cardIn(n: number, user: string, title: string): Promise<string> {
    const payload = commandIn(n, user, 'movie', [{ name: 'title', type: 3, value: title }]);
    await interactVia(fake, [bot], payload);
    const card = fake.visibleAnswer(payload.id).find((m) => (m.json.embeds as unknown[])?.length === 1);
    if (!card) throw new Error(`no card for ${title}`);
    return String(card.json.id);
  }

  it("DISCORD_SHARDS=auto reads the count from the fake's GET /gateway/bot and identifies every shard", async () => {
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/gateway/bot')).toBe(true);
    expect([...gateway.identified].sort()).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    // Each shard's READY listed its own guilds only: guild n on shard n % 3.
    for (let shard = 0; shard < SHARDS; shard++)
      expect(gateway.readyGuilds.get(shard)).toEqual([guildIdFor(shard), guildIdFor(shard + SHARDS)]);
    expect(gateway.liveShards).toEqual([0, 1, 2]);
  });

  it('a command in a guild of each shard is answered, through that shard', async () => {
    for (let n = 0; n < GUILDS; n++) {
      const payload = commandIn(n, `u${n}`, 'recommend');
      const handled = await interactVia(fake, [bot], payload);
      const route = gateway.routed.find((r) => r.guildId === guildIdFor(n) && r.t === 'INTERACTION_CREATE');
      expect(route?.shard).toBe(n % SHARDS);
      // discord.js placed the guild on the shard its GUILD_CREATE came on.
      expect(handled.shard).toBe(n % SHARDS);
      expect(fake.visibleAnswer(payload.id).length).toBeGreaterThan(0);
    }
    expect(fake.violations).toEqual([]);
  });

  it('reactions with the same sequence number on two shards both rate (delivery ids are per shard)', async () => {
    // Guilds 0 and 1 are on shards 0 and 1, whose sessions have sent the same number of dispatches, so
    // these two reactions carry the same sequence number on different sessions.
    const card0 = await cardIn(0, 'ana', 'Heat');
    const card1 = await cardIn(1, 'ana', 'Heat');
    const s0 = await reactVia(fake, [bot], reactionIn(0, 'ana', card0, '4️⃣', true));
    const s1 = await reactVia(fake, [bot], reactionIn(1, 'ana', card1, '2️⃣', true));
    expect(s0.split(':').at(-1)).toBe(s1.split(':').at(-1));
    expect(s0).not.toEqual(s1);
    expect(await ratingOf(0, 'ana', 'Heat')).toBe(4);
    expect(await ratingOf(1, 'ana', 'Heat')).toBe(2);
  });

  it('group features stay inside the guild: movie night "here" in a guild of one shard sees only its raters', async () => {
    // Guild 4 (shard 1): cy and di rate; guild 3 (shard 0): ed rates.
    for (const [n, user] of [
      [4, 'cy'],
      [4, 'di'],
      [3, 'ed'],
    ] as const)
      await reactVia(fake, [bot], reactionIn(n, user, await cardIn(n, user, 'Alien'), '4️⃣', true));
    const payload = commandIn(4, 'cy', 'movienight', [{ name: 'members', type: 3, value: 'here' }]);
    expect((await interactVia(fake, [bot], payload)).shard).toBe(1);
    const content = fake
      .visibleAnswer(payload.id)
      .map((m) => String(m.json.content ?? ''))
      .join('\n');
    // With ed (guild 3) leaking in, this would read "for cy, di and ed" and "all 3 of you".
    expect(content).toMatch(/Movie night\*\* for cy and di —/);
    expect(content).toContain('both of you');
    expect(content).not.toContain('all 3 of you');
  });

  it('a reaction on a card posted by one shard still rates after a reshard moves its guild to another shard', async () => {
    // Guild 2 is on shard 2 of 3; after a restart with 2 shards it is on shard 0, which never saw the card.
    expect(shardOf(guildIdFor(2), 3)).toBe(2);
    expect(shardOf(guildIdFor(2), 2)).toBe(0);
    const card = await cardIn(2, 'bo', 'Ronin');
    await bot.stop();
    bot = await startShardedBot(fake, t.restart(), settings(2));
    await reactVia(fake, [bot], reactionIn(2, 'bo', card, '5️⃣', true));
    expect(gateway.routed.at(-1)).toMatchObject({ t: 'MESSAGE_REACTION_ADD', shard: 0 });
    expect(await ratingOf(2, 'bo', 'Ronin')).toBe(5);
  });
});
