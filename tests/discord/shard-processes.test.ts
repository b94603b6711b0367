import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShardProcesses } from '../../adapters/discord/shards.ts';
import { models } from '../../src/db/schema.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { APP_ID, type FakeDiscord, TOKEN } from './fake-discord.ts';
import { guildIdFor, type ShardedGateway } from './fake-sharded-gateway.ts';
import { commandIn, startShardedFake } from './shard-harness.ts';

/**
 * One movierec process per shard on the Postgres server, as `movierec start` runs them: discord.js'
 * ShardingManager spawns `bin/movierec.js start` twice; each child migrates, loads (or, as the training
 * leader, trains) the shared model and connects its one shard to the fake gateway.
 */
describe.skipIf(!DB_KINDS.includes('postgres'))('one movierec process per shard (postgres)', () => {
  let db: TestDatabase;
  let fake: FakeDiscord;
  let gateway: ShardedGateway;
  let stop: (() => Promise<void>) | undefined;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-shards-'));
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    ({ fake, gateway } = await startShardedFake(4, { shards: 2, maxConcurrency: 2 }));
    // The children inherit this environment (ShardingManager copies process.env into theirs).
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      DISCORD_TOKEN: TOKEN,
      DISCORD_APP_ID: APP_ID,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_SHARDS: '2',
      MOVIEREC_HOME: home,
      PORT: String(20_000 + (process.pid % 20_000)),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    });
    const running = await runShardProcesses(
      { token: TOKEN, appId: APP_ID, apiUrl: fake.apiUrl },
      { total: 2, ids: [0, 1] },
      createLogger('silent'),
      { spawnDelayMs: 0, readyTimeoutMs: 170_000 },
    );
    stop = running.stop;
  }, 240_000);
  afterAll(async () => {
    await stop?.();
    process.env = saved;
    await fake?.close();
    await db?.destroy();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('each shard process identifies its own shard and answers a command in its guilds', async () => {
    expect([...gateway.identified].sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    for (const n of [0, 1, 2, 3]) {
      const payload = commandIn(n, `p${n}`, 'help');
      fake.dispatch('INTERACTION_CREATE', payload);
      await fake.waitForRequest((r) => r.path.includes(payload.token), { timeoutMs: 60_000 });
      const route = gateway.routed.find((r) => r.guildId === guildIdFor(n) && r.t === 'INTERACTION_CREATE');
      expect(route?.shard).toBe(n % 2);
    }
    expect(fake.violations).toEqual([]);
  }, 200_000);

  it('the two shard processes, started together on an empty database, trained one model between them', async () => {
    const [row] = await db.db.select({ n: count() }).from(models);
    expect(row!.n).toBe(1);
  });
});
