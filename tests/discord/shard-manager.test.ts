import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createShardManager,
  ENTRY_POINT,
  recommendedShardCount,
  resolveShardPlan,
  shardMode,
} from '../../adapters/discord/shards.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { UserError } from '../../src/errors.ts';
import { FakeDiscord, TOKEN } from './fake-discord.ts';

/**
 * The wiring of `movierec start` with DISCORD_SHARDS: settings, the mode per database, the shard count
 * read through DISCORD_API_URL, and the ShardingManager that spawns one movierec process per shard.
 */

const PG = 'postgres://postgres@127.0.0.1:5432/movierec';
const env = (extra: Record<string, string>) => ({ DISCORD_TOKEN: TOKEN, ...extra });

describe('DISCORD_SHARDS settings', () => {
  it('reads auto, a number and a shard list for several hosts', () => {
    expect(loadConfig(env({ DISCORD_SHARDS: 'auto' })).discord?.shards).toEqual({
      total: 'auto',
      list: undefined,
      managed: false,
    });
    expect(loadConfig(env({ DISCORD_SHARDS: '4', DISCORD_SHARD_LIST: '3, 2,2' })).discord?.shards).toEqual({
      total: 4,
      list: [2, 3],
      managed: false,
    });
    expect(loadConfig(env({})).discord?.shards).toBeUndefined();
  });

  it.each([
    [{ DISCORD_SHARDS: '0' }, /DISCORD_SHARDS: must be 'auto' or a whole number/],
    [{ DISCORD_SHARDS: 'many' }, /DISCORD_SHARDS: must be 'auto' or a whole number/],
    [{ DISCORD_SHARD_LIST: '0,1' }, /DISCORD_SHARD_LIST: needs DISCORD_SHARDS/],
    [{ DISCORD_SHARDS: 'auto', DISCORD_SHARD_LIST: '0' }, /not 'auto'/],
    [{ DISCORD_SHARDS: '2', DISCORD_SHARD_LIST: '1,2,5' }, /below DISCORD_SHARDS \(2\): 2, 5/],
    [{ DISCORD_SHARDS: '2', DISCORD_SHARD_LIST: 'zero' }, /DISCORD_SHARD_LIST: must be shard ids/],
  ])('refuses %o with a message that says what to fix', (extra, message) => {
    expect(() => loadConfig(env(extra))).toThrow(ConfigError);
    expect(() => loadConfig(env(extra))).toThrow(message);
  });

  it('runs the shards in one process on PGlite and one process per shard on a Postgres server', () => {
    expect(shardMode(loadConfig(env({})))).toBe('single');
    expect(shardMode(loadConfig(env({ DISCORD_SHARDS: '2' })))).toBe('in-process');
    expect(shardMode(loadConfig(env({ DISCORD_SHARDS: '2', DATABASE_URL: PG })))).toBe('process-per-shard');
  });
});

describe('the shard count and the ShardingManager', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start({ gatewayBot: { shards: 7, maxConcurrency: 1 } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("asks DISCORD_API_URL's GET /gateway/bot for the count (discord.js' 'auto' would ask discord.com)", async () => {
    const config = { token: TOKEN, appId: undefined, apiUrl: fake.apiUrl };
    expect(await recommendedShardCount(config)).toBe(7);
    expect(fake.requests.filter((r) => r.path === '/gateway/bot')).toHaveLength(1);
    const plan = await resolveShardPlan(config, { total: 'auto', list: undefined, managed: false });
    expect(plan).toEqual({ total: 7, ids: [0, 1, 2, 3, 4, 5, 6] });
  });

  it('a rejected token gets the friendly error', async () => {
    const config = { token: 'wrong', appId: undefined, apiUrl: fake.apiUrl };
    await expect(recommendedShardCount(config)).rejects.toThrow(UserError);
    await expect(recommendedShardCount(config)).rejects.toThrow(/DISCORD_TOKEN/);
  });

  it('spawns `movierec start` per shard with a numeric total, and each child runs as a managed shard', () => {
    const config = loadConfig(env({ DISCORD_SHARDS: '4', DISCORD_SHARD_LIST: '1,3', DATABASE_URL: PG }));
    const manager = createShardManager(config.discord!, { total: 4, ids: [1, 3] });
    expect(manager.file).toBe(ENTRY_POINT);
    expect(fs.existsSync(ENTRY_POINT)).toBe(true);
    expect(manager.totalShards).toBe(4);
    expect(manager.shardList).toEqual([1, 3]);
    expect((manager as unknown as { mode: string }).mode).toBe('process');
    expect(manager.shardArgs).toEqual(['start']);
    // The environment discord.js gives the child process (SHARDING_MANAGER, SHARDS, SHARD_COUNT) makes
    // it one shard, not another manager: no process spawns shards of its own.
    const shard = manager.createShard(3);
    const childEnv = Object.fromEntries(
      Object.entries(shard.env as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    const child = loadConfig(childEnv);
    expect(shardMode(child)).toBe('managed-shard');
    expect(child.discord?.shards?.spawnedShard).toBe(3);
    expect(childEnv.SHARD_COUNT).toBe('4');
  });
});
