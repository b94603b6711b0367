import { fileURLToPath } from 'node:url';
import { REST, Routes, ShardingManager } from 'discord.js';
import type { Config, DiscordShardSettings } from '../../src/config.ts';
import { UserError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { ROOT_URL } from '../../src/paths.ts';
import type { DiscordAdapterConfig } from './index.ts';
import { restApiBase } from './index.ts';

/**
 * Gateway sharding, done by discord.js: a Client given `shards` and `shardCount` opens one gateway
 * connection per shard in this process; discord.js' ShardingManager runs one process per shard.
 * Discord routes each guild's events to shard `(guild_id >> 22) % shard_count` and events without a
 * guild (DMs) to shard 0 (https://discord.com/developers/docs/events/gateway#sharding).
 */

/** Which shards this process or host runs, out of how many. */
export interface ShardPlan {
  total: number;
  ids: number[];
}

/** How `movierec start` runs the Discord bot. */
export type ShardMode =
  /** One gateway connection (no `DISCORD_SHARDS`). */
  | 'single'
  /** Every shard of this host in this process: the embedded database allows one process only. */
  | 'in-process'
  /** This process spawns one movierec process per shard (ShardingManager) and runs no bot itself. */
  | 'process-per-shard'
  /** This process is one shard spawned by the ShardingManager. */
  | 'managed-shard';

/** The mode for a configuration: process-per-shard needs a Postgres server every process can share. */
export function shardMode(config: Pick<Config, 'databaseUrl' | 'discord'>): ShardMode {
  const shards = config.discord?.shards;
  if (!shards) return 'single';
  if (shards.managed) return 'managed-shard';
  return config.databaseUrl ? 'process-per-shard' : 'in-process';
}

/** The shard a guild's events arrive on (Discord's sharding formula, see the top of this file). */
export function shardForGuild(guildId: string, total: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(total));
}

/** How long the `GET /gateway/bot` request may take. */
const GATEWAY_BOT_TIMEOUT_MS = 10_000;

/**
 * The shard count Discord recommends (`GET /gateway/bot`, field `shards`), read through the bot's own
 * REST client so that `DISCORD_API_URL` is honoured: discord.js' ShardingManager with
 * `totalShards: 'auto'` always asks discord.com.
 */
export async function recommendedShardCount(config: DiscordAdapterConfig): Promise<number> {
  const rest = new REST({
    timeout: GATEWAY_BOT_TIMEOUT_MS,
    ...(config.apiUrl && { api: restApiBase(config.apiUrl) }),
  }).setToken(config.token);
  let body: { shards?: unknown };
  try {
    body = (await rest.get(Routes.gatewayBot())) as { shards?: unknown };
  } catch (error) {
    if ((error as { status?: number }).status === 401)
      throw new UserError(
        'discord-token-invalid',
        'Discord rejected DISCORD_TOKEN: copy the bot token again from the Developer Portal.',
        { cause: error },
      );
    throw new UserError(
      'discord-gateway-bot',
      'Could not ask Discord how many shards to run (GET /gateway/bot); set DISCORD_SHARDS to a number.',
      { cause: error },
    );
  }
  const shards = body.shards;
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1)
    throw new UserError('discord-gateway-bot', 'Discord answered GET /gateway/bot without a shard count.');
  return shards;
}

/** The shards to run: the configured total (or Discord's recommendation) and this host's list of them. */
export async function resolveShardPlan(
  config: DiscordAdapterConfig,
  settings: DiscordShardSettings,
  recommend: (c: DiscordAdapterConfig) => Promise<number> = recommendedShardCount,
): Promise<ShardPlan> {
  const total = settings.total === 'auto' ? await recommend(config) : settings.total;
  return { total, ids: settings.list ?? [...Array(total).keys()] };
}

/** The CLI entry point each spawned shard process runs (`movierec start`). */
export const ENTRY_POINT = fileURLToPath(new URL('bin/movierec.js', ROOT_URL));

export interface ShardManagerOptions {
  /** Script each shard runs (default: the movierec CLI). */
  file?: string;
  /** Arguments to it (default: `start`). */
  args?: string[];
  /** Milliseconds between spawning two shards (discord.js' default is 5.5 s, Discord's identify pace). */
  spawnDelayMs?: number;
  /** How long one shard may take to become ready (it loads the model first). */
  readyTimeoutMs?: number;
}

/**
 * A ShardingManager that runs every shard of `plan` as its own `movierec start` process: each reads the
 * same environment (Postgres, the stored model), and discord.js hands it SHARDS / SHARD_COUNT.
 * The total is passed as a number, never `'auto'` (see {@link recommendedShardCount}).
 */
export function createShardManager(
  config: DiscordAdapterConfig,
  plan: ShardPlan,
  options: ShardManagerOptions = {},
): ShardingManager {
  return new ShardingManager(options.file ?? ENTRY_POINT, {
    token: config.token,
    totalShards: plan.total,
    shardList: plan.ids,
    mode: 'process',
    shardArgs: options.args ?? ['start'],
    // A shard that dies is started again; its guilds are unanswered meanwhile.
    respawn: true,
  });
}

/** Default time one spawned shard may take to become ready: it migrates, loads the model, connects. */
const SHARD_READY_TIMEOUT_MS = 120_000;

/**
 * Spawns the shard processes and returns a function that stops them. Resolves once every shard is
 * ready, or rejects when one fails to start.
 */
export async function runShardProcesses(
  config: DiscordAdapterConfig,
  plan: ShardPlan,
  logger: Logger,
  options: ShardManagerOptions = {},
): Promise<{ manager: ShardingManager; stop: () => Promise<void> }> {
  const manager = createShardManager(config, plan, options);
  manager.on('shardCreate', (shard) => {
    logger.info({ shard: shard.id, total: plan.total }, 'Discord shard process started');
    shard.on('death', () => logger.warn({ shard: shard.id }, 'Discord shard process exited'));
  });
  const stop = async () => {
    for (const shard of manager.shards.values()) {
      shard.removeAllListeners('death');
      shard.kill();
    }
  };
  try {
    await manager.spawn({
      amount: plan.total,
      delay: options.spawnDelayMs ?? 5_500,
      timeout: options.readyTimeoutMs ?? SHARD_READY_TIMEOUT_MS,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { manager, stop };
}
