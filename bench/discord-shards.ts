/**
 * A simulated bot in 10,000 guilds over 4 shards: start-up time (to every shard READY and every guild's
 * GUILD_CREATE received, i.e. discord.js' ClientReady) and RSS, with the shards in one process
 * (`DISCORD_SHARDS` on PGlite) and in one process per shard (on a Postgres server, as the
 * ShardingManager runs them). The fake Discord (tests/discord) runs in this process; every bot runs in
 * its own child process, so its RSS is its own. The bot is the real adapter (discord.js client, intents,
 * partials, caches) over a core that is never called: the figures are the gateway side only, without
 * the database and the model (see bench/bot-rss.ts for those).
 *
 *   npx tsx bench/discord-shards.ts [--guilds 10000] [--shards 4]
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDiscordAdapter } from '../adapters/discord/index.ts';
import type { BotCore } from '../src/bot/types.ts';
import { createLogger } from '../src/logger.ts';
import { APP_ID, TOKEN } from '../tests/discord/fake-discord.ts';
import { startShardedFake } from '../tests/discord/shard-harness.ts';

interface ChildResult {
  shards: number[];
  /** From adapter.start() to ClientReady. */
  readyMs: number;
  /** From spawning the process to ClientReady (Node, tsx, imports, connect, guilds). */
  spawnToReadyMs: number;
  /** Guilds the fake sent on these shards (READY and GUILD_CREATE), all received at ClientReady. */
  guilds: number;
  rssMb: number;
  heapUsedMb: number;
}

/** The child: one bot with `shards` out of `total`, reporting once ready. */
async function child(apiUrl: string, shards: number[], total: number): Promise<void> {
  const core = { commands: [], handle: async () => [], purgeTenant: async () => ({ users: 0 }) };
  const adapter = createDiscordAdapter(
    { token: TOKEN, appId: APP_ID, apiUrl, shards: { total, list: shards, managed: false } },
    { logger: createLogger('silent'), readyTimeoutMs: 120_000 },
  );
  const started = performance.now();
  await adapter.start(core as unknown as BotCore);
  const readyMs = performance.now() - started;
  global.gc?.();
  const mem = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ shards, readyMs, rssMb: mem.rss / 2 ** 20, heapUsedMb: mem.heapUsed / 2 ** 20 })}\n`,
  );
  // Stay connected until the parent has read every child's figures.
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await adapter.stop();
    process.exit(0);
  });
}

const SELF = fileURLToPath(import.meta.url);

function runChild(apiUrl: string, shards: number[], total: number) {
  const spawned = performance.now();
  const p = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', SELF, 'child', apiUrl, shards.join(','), String(total)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const result = new Promise<ChildResult>((resolve, reject) => {
    let out = '';
    p.stdout.on('data', (d) => {
      out += String(d);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line)
        resolve({ ...(JSON.parse(line) as ChildResult), spawnToReadyMs: performance.now() - spawned });
    });
    p.on('exit', (code) => reject(new Error(`bench child exited with ${code}`)));
  });
  return { result, stop: () => p.stdin.end() };
}

async function scenario(
  name: string,
  guilds: number,
  total: number,
  maxConcurrency: number,
  groups: number[][],
) {
  const { fake, gateway } = await startShardedFake(guilds, { shards: total, maxConcurrency });
  const perShard = (ids: number[]) =>
    ids.reduce((n, id) => n + (gateway.readyGuilds.get(id)?.length ?? 0), 0);
  const started = performance.now();
  const children = groups.map((ids) => runChild(fake.apiUrl, ids, total));
  const results = await Promise.all(children.map((c) => c.result));
  const allReadyMs = performance.now() - started;
  for (const r of results) r.guilds = perShard(r.shards);
  for (const c of children) c.stop();
  await fake.close();
  return { name, total, maxConcurrency, allReadyMs, processes: results };
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === 'child') return child(args[1]!, args[2]!.split(',').map(Number), Number(args[3]));
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const guilds = flag('guilds', 10_000);
  const total = flag('shards', 4);
  const all = [...Array(total).keys()];
  const load = os.loadavg().map((l) => l.toFixed(2));
  const runs = [
    // Discord's identify limit: one IDENTIFY per max_concurrency bucket every 5 s; 1 for most bots.
    await scenario('one process, all shards (max_concurrency 1)', guilds, total, 1, [all]),
    await scenario(`one process, all shards (max_concurrency ${total})`, guilds, total, total, [all]),
    await scenario(
      `one process per shard (max_concurrency ${total})`,
      guilds,
      total,
      total,
      all.map((id) => [id]),
    ),
  ];
  const lines = [
    `${guilds} guilds over ${total} shards; load before ${load.join(' ')}; ${os.cpus().length} cores`,
  ];
  for (const r of runs) {
    lines.push(`\n${r.name}: all ready after ${Math.round(r.allReadyMs)} ms`);
    for (const p of r.processes)
      lines.push(
        `  shards [${p.shards}] guilds ${p.guilds}: start()→ready ${Math.round(p.readyMs)} ms, spawn→ready ${Math.round(p.spawnToReadyMs)} ms, RSS ${p.rssMb.toFixed(0)} MB (heap ${p.heapUsedMb.toFixed(0)} MB)`,
      );
  }
  lines.push(
    `load after ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(lines.join('\n'));
}

await main();
