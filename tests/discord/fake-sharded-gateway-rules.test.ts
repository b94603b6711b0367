import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TOKEN } from './fake-discord.ts';
import {
  CLOSE_INVALID_SHARD,
  CLOSE_SHARDING_REQUIRED,
  guildIdFor,
  MAX_GUILDS_PER_SHARD,
  shardOf,
} from './fake-sharded-gateway.ts';
import { startShardedFake } from './shard-harness.ts';

/** The sharded fake refuses what Discord refuses (https://discord.com/developers/docs/events/gateway#sharding). */

type Json = Record<string, unknown>;

/** Connects a raw client, identifies with `shard`, and returns the first dispatch or the close code. */
function identify(url: string, shard: unknown): Promise<{ ready?: Json; close?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', reject);
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Json;
      if (msg.op === 10)
        ws.send(JSON.stringify({ op: 2, d: { token: TOKEN, intents: 1, properties: {}, shard } }));
      if (msg.t === 'READY') {
        resolve({ ready: msg.d as Json });
        ws.close();
      }
    });
    ws.on('close', (code) => resolve({ close: code }));
  });
}

describe('fake sharded gateway rules', () => {
  const fakes: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const f of fakes.splice(0)) await f.close();
  });

  it('places guilds by (guild_id >> 22) % num_shards', () => {
    // The worked example of serenity's docs: guild 81384788765712384 with 17 shards is on shard 7.
    expect(shardOf('81384788765712384', 17)).toBe(7);
    for (let n = 0; n < 12; n++)
      for (const total of [1, 2, 3, 4]) expect(shardOf(guildIdFor(n), total)).toBe(n % total);
  });

  it('closes 4010 (Invalid shard) for a shard id not below the total', async () => {
    const { fake } = await startShardedFake(4, { shards: 2, maxConcurrency: 2 });
    fakes.push(fake);
    expect(await identify(fake.gatewayUrl, [2, 2])).toEqual({ close: CLOSE_INVALID_SHARD });
    expect(await identify(fake.gatewayUrl, [0, 0])).toEqual({ close: CLOSE_INVALID_SHARD });
    const ok = await identify(fake.gatewayUrl, [1, 2]);
    expect(ok.ready?.shard).toEqual([1, 2]);
    expect((ok.ready?.guilds as Json[] | undefined)?.map((g) => g.id)).toEqual([
      guildIdFor(1),
      guildIdFor(3),
    ]);
  });

  it('closes 4011 (Sharding required) when one shard would hold more than 2,500 guilds', async () => {
    const { fake } = await startShardedFake(MAX_GUILDS_PER_SHARD + 2, { shards: 2, maxConcurrency: 1 });
    fakes.push(fake);
    expect(await identify(fake.gatewayUrl, undefined)).toEqual({ close: CLOSE_SHARDING_REQUIRED });
    expect((await identify(fake.gatewayUrl, [0, 2])).ready?.shard).toEqual([0, 2]);
  });
});
