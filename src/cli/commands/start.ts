import type { Command } from 'commander';
import { createApp, startAdapters } from '../../app.ts';
import { type Config, loadConfig } from '../../config.ts';
import { compileEmbeddedDatabaseForSize } from '../../db/pglite-code-size.ts';
import { createLogger, type Logger } from '../../logger.ts';

/** Quieter logs when the terminal is the chat: info lines would interleave with the conversation. */
const CONSOLE_LOG_LEVEL = 'warn';

/**
 * After a clean stop the process should end by itself; a library that keeps reconnect timers alive
 * (discord.js while the gateway is unreachable) must not hold it open past this grace period.
 */
const EXIT_GRACE_MS = 3_000;

export async function run(_cmd: Command): Promise<void> {
  let config = loadConfig();
  const chatInTerminal = !config.discord && !config.slack;
  const level = chatInTerminal && !process.env.LOG_LEVEL ? CONSOLE_LOG_LEVEL : config.logLevel;
  const logger = createLogger(level);
  const { shardMode } = config.discord?.shards
    ? await import('../../../adapters/discord/shards.ts')
    : { shardMode: () => 'single' as const };
  const mode = shardMode(config);
  if (mode === 'process-per-shard') return runShardManager(config, logger);
  if (mode === 'managed-shard') config = asSpawnedShard(config);
  // In the terminal chat, say what the seconds before the prompt are spent on (stderr: not the chat).
  const say = (line: string) => {
    if (chatInTerminal) process.stderr.write(`movierec: ${line}\n`);
  };
  say('opening the database and the catalog…');
  if (!config.databaseUrl) compileEmbeddedDatabaseForSize();
  const app = await createApp(config, logger, { instrument: true });
  say('loading the recommender (the first start trains it: about half a minute)…');
  // Load (or train) the model before any platform can send events: training on first use would
  // block the event loop past Discord's and Slack's 3-second acknowledgement deadlines.
  await app.recommender.current();
  const running = await startAdapters(app, { console: { user: process.env.USER ?? 'me' } });
  await running.done;
  await running.stop();
  // The terminal chat has nothing left once stopped (database closed): end now, not after a grace.
  if (chatInTerminal) process.exit(process.exitCode ?? 0);
  exitSoon(logger);
}

function exitSoon(logger: Logger) {
  setTimeout(() => {
    logger.warn('still running after shutdown; exiting');
    process.exit(process.exitCode ?? 0);
  }, EXIT_GRACE_MS).unref();
}

/**
 * A process the ShardingManager spawned runs its Discord shard only: Slack runs once, in the manager's
 * process, and each shard serves /healthz and /metrics on its own port (PORT + 1 + shard id).
 */
function asSpawnedShard(config: Config): Config {
  const shard = config.discord?.shards?.spawnedShard ?? 0;
  return { ...config, slack: undefined, port: config.port + 1 + shard };
}

/**
 * `DISCORD_SHARDS` with a Postgres server: one `movierec start` process per shard of this host through
 * discord.js' ShardingManager, every one sharing the database and the stored model. This process only
 * supervises them (and runs Slack when configured); SIGINT / SIGTERM stop the shards.
 */
async function runShardManager(config: Config, logger: Logger): Promise<void> {
  const discord = config.discord!;
  const { resolveShardPlan, runShardProcesses } = await import('../../../adapters/discord/shards.ts');
  const plan = await resolveShardPlan(discord, discord.shards!);
  logger.info({ shards: plan.ids, total: plan.total }, 'starting one process per Discord shard');
  const shards = await runShardProcesses(discord, plan, logger);
  let stopOthers = async () => {};
  let done: Promise<void>;
  if (config.slack) {
    const app = await createApp({ ...config, discord: undefined }, logger, { instrument: true });
    await app.recommender.current();
    const running = await startAdapters(app);
    done = running.done;
    stopOthers = running.stop;
  } else {
    done = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  }
  await done;
  logger.info('stopping the Discord shard processes');
  await shards.stop();
  await stopOthers();
  exitSoon(logger);
}
