import path from 'node:path';
import { z } from 'zod';

/** Raised when the environment does not describe a runnable configuration. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const postgresUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()
  .refine((v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
    message: 'must look like postgres://user@host:5432/database',
  });

/**
 * Training worker threads unless TRAIN_THREADS says otherwise. One worker keeps the bot's event loop free
 * while it retrains; on ml-latest-small a second one saves no time (EASE's inverse runs on one thread)
 * and costs ~60 MB more peak RSS. Large rating sets train about twice as fast with 2 on 2 cores.
 */
export const DEFAULT_TRAIN_THREADS = 1;

const envSchema = z.object({
  DATABASE_URL: postgresUrl,
  MOVIEREC_HOME: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MOVIELENS_URL: z.url().default('https://files.grouplens.org/datasets/movielens/ml-latest-small.zip'),
  IMDB_DATASETS_URL: z.url().default('https://datasets.imdbws.com'),
  DISCORD_TOKEN: optionalText,
  DISCORD_APP_ID: optionalText,
  DISCORD_API_URL: optionalText,
  DISCORD_SHARDS: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || v === 'auto' || /^[1-9]\d{0,4}$/.test(v), {
      message: "must be 'auto' or a whole number of shards (1 or more)",
    }),
  /** Set by discord.js' ShardingManager in each process it spawns (with SHARDS and SHARD_COUNT). */
  SHARDING_MANAGER: optionalText,
  SHARDS: z.coerce.number().int().min(0).optional(),
  SHARD_COUNT: z.coerce.number().int().min(1).optional(),
  DISCORD_SHARD_LIST: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^\d{1,5}(\s*,\s*\d{1,5})*$/.test(v), {
      message: 'must be shard ids separated by commas, e.g. 0,1',
    }),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalText,
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters (it signs the OAuth state; e.g. `openssl rand -hex 32`)',
  }),
  SLACK_INSTALLATION_KEY: optionalText,
  SLACK_INSTALLATION_PREVIOUS_KEY: optionalText,
  SLACK_REDIRECT_URI: optionalText.refine((v) => v === undefined || redirectUriProblem(v) === undefined, {
    message: 'must be the public https address ending in /slack/oauth_redirect',
  }),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  TMDB_API_KEY: optionalText,
  TMDB_READ_TOKEN: optionalText,
  TMDB_API_URL: optionalText,
  TMDB_SYNC_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
  TMDB_SYNC_MAX_NEW: z.coerce.number().int().min(1).max(1000).default(40),
  TMDB_SYNC_REGION: z
    .string()
    .trim()
    .regex(/^([A-Za-z]{2})?$/, 'must be a two-letter region code such as US')
    .optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  TRAIN_THREADS: z.coerce.number().int().min(0).max(64).default(DEFAULT_TRAIN_THREADS),
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters (it is the only thing guarding /metrics)',
  }),
});

/** The validated configuration every part of movierec reads; nothing else reads process.env. */
export interface Config {
  /** Postgres server URL; undefined selects the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** Directory for the embedded database, downloads and caches. */
  home: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  movielensUrl: string;
  /** Where IMDb publishes its non-commercial datasets (`title.basics.tsv.gz` …). */
  imdbDatasetsUrl: string;
  discord:
    | {
        token: string;
        appId: string | undefined;
        apiUrl: string | undefined;
        /** Gateway shards (`DISCORD_SHARDS`, `DISCORD_SHARD_LIST`); undefined: one unsharded connection. */
        shards?: DiscordShardSettings;
      }
    | undefined;
  slack:
    | {
        /** Single-workspace mode: the one workspace's bot token. Undefined in OAuth mode. */
        botToken: string | undefined;
        signingSecret: string;
        appToken: string | undefined;
        apiUrl: string | undefined;
        /** OAuth mode (installs in many workspaces); undefined in single-workspace mode. */
        oauth?: SlackOAuthSettings;
      }
    | undefined;
  port: number;
  tmdb: { apiKey: string | undefined; readToken: string | undefined; apiUrl: string | undefined } | undefined;
  /** The running bot's sync of TMDB's new and upcoming films (only with TMDB configured). */
  tmdbSync: { intervalHours: number; maxNew: number; region: string | undefined };
  rateLimitPerMinute: number;
  /** Worker threads that train models (0: train on the main thread, blocking it while training). */
  trainThreads: number;
  /** Every request is answered within this (ms): with "try again" when its work has not finished. */
  requestDeadlineMs: number;
  /** Server-side limits on every pooled Postgres connection (ms; 0 disables one). */
  database: { statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  /** Bearer token `/metrics` requires; undefined: `/metrics` is not served at all. */
  metricsToken: string | undefined;
}

/**
 * Slack OAuth mode: Bolt's install flow (`/slack/install`, `/slack/oauth_redirect`) and an installation
 * store in Postgres, one bot token per workspace, sealed with `installationKey`.
 */
export interface SlackOAuthSettings {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** AES-256-GCM key for tokens at rest (32 bytes). */
  installationKey: Buffer;
  /** The key before the last rotation: values sealed with it are still read (and sealed again). */
  previousInstallationKey: Buffer | undefined;
  /** Sent as `redirect_uri`; needed when the app lists more than one redirect URL. */
  redirectUri: string | undefined;
}

/** The OAuth variables that together select Slack's OAuth mode. */
export const SLACK_OAUTH_VARIABLES = [
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_INSTALLATION_KEY',
] as const;

const REDIRECT_PATH = '/slack/oauth_redirect';

function redirectUriProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) return 'not https';
    return url.pathname === REDIRECT_PATH ? undefined : 'wrong path';
  } catch {
    return 'not a URL';
  }
}

/**
 * An installation key as bytes: 32 bytes written as base64 (`openssl rand -base64 32`) or 64 hex digits
 * (`openssl rand -hex 32`); undefined when it is neither.
 */
export function parseInstallationKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

type Env = z.infer<typeof envSchema>;

/** Slack's two modes from the environment, or the problems (one line each) that make them unusable. */
function slackSettings(e: Env): Config['slack'] | string[] {
  const given = SLACK_OAUTH_VARIABLES.filter((name) => e[name] !== undefined);
  const problems: string[] = [];
  if (given.length === 0) {
    if (!e.SLACK_BOT_TOKEN) return undefined;
    if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)
      return [
        'SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set (or set SLACK_APP_TOKEN for Socket Mode)',
      ];
    return {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET ?? '',
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    };
  }
  for (const name of SLACK_OAUTH_VARIABLES) {
    if (e[name] === undefined)
      problems.push(
        `${name}: required for Slack OAuth mode (${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set); OAuth mode needs all of ${SLACK_OAUTH_VARIABLES.join(', ')}`,
      );
  }
  if (e.SLACK_BOT_TOKEN)
    problems.push(
      'SLACK_BOT_TOKEN: set either SLACK_BOT_TOKEN (one workspace) or the OAuth variables (many workspaces), not both',
    );
  if (!e.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required in Slack OAuth mode');
  if (e.SLACK_APP_TOKEN)
    problems.push(
      'SLACK_APP_TOKEN: Slack OAuth mode runs over HTTP (its install pages and events need a public address); unset SLACK_APP_TOKEN',
    );
  const key =
    e.SLACK_INSTALLATION_KEY === undefined ? undefined : parseInstallationKey(e.SLACK_INSTALLATION_KEY);
  if (e.SLACK_INSTALLATION_KEY !== undefined && !key)
    problems.push(
      'SLACK_INSTALLATION_KEY: must be 32 random bytes as base64 or hex (generate one with `openssl rand -base64 32`)',
    );
  const previous =
    e.SLACK_INSTALLATION_PREVIOUS_KEY === undefined
      ? undefined
      : parseInstallationKey(e.SLACK_INSTALLATION_PREVIOUS_KEY);
  if (e.SLACK_INSTALLATION_PREVIOUS_KEY !== undefined && !previous)
    problems.push(
      'SLACK_INSTALLATION_PREVIOUS_KEY: must be 32 bytes as base64 or hex, like SLACK_INSTALLATION_KEY',
    );
  if (problems.length > 0) return problems;
  return {
    botToken: undefined,
    signingSecret: e.SLACK_SIGNING_SECRET!,
    appToken: undefined,
    apiUrl: e.SLACK_API_URL,
    oauth: {
      clientId: e.SLACK_CLIENT_ID!,
      clientSecret: e.SLACK_CLIENT_SECRET!,
      stateSecret: e.SLACK_STATE_SECRET!,
      installationKey: key!,
      previousInstallationKey: previous,
      redirectUri: e.SLACK_REDIRECT_URI,
    },
  };
}

/**
 * How many gateway shards in total (`auto`: the count Discord recommends in `GET /gateway/bot`) and,
 * when this host runs only some of them, which ones.
 */
export interface DiscordShardSettings {
  total: 'auto' | number;
  /** Shard ids this host runs; undefined: all of them. */
  list: number[] | undefined;
  /**
   * This process was spawned by discord.js' ShardingManager to run one shard: discord.js itself reads
   * which one from SHARDS / SHARD_COUNT, and this process must not spawn shards of its own.
   */
  managed: boolean;
  /** The shard a spawned process runs (SHARDS, as the ShardingManager sets it). */
  spawnedShard?: number;
}

/** `DISCORD_SHARDS` / `DISCORD_SHARD_LIST` as settings, or a message saying what is wrong. */
function shardSettings(
  shards: string | undefined,
  list: string | undefined,
  managed: boolean,
): DiscordShardSettings | string | undefined {
  if (!shards)
    return list ? 'DISCORD_SHARD_LIST: needs DISCORD_SHARDS set to the total number of shards' : undefined;
  const total = shards === 'auto' ? 'auto' : Number(shards);
  if (!list) return { total, list: undefined, managed };
  // Several hosts must agree on the total: with `auto` each could read a different count.
  if (total === 'auto') return "DISCORD_SHARD_LIST: needs DISCORD_SHARDS set to a number, not 'auto'";
  const ids = [...new Set(list.split(',').map((id) => Number(id.trim())))];
  const outside = ids.filter((id) => id >= total);
  if (outside.length > 0)
    return `DISCORD_SHARD_LIST: shard ids must be below DISCORD_SHARDS (${total}): ${outside.join(', ')}`;
  return { total, list: ids.sort((a, b) => a - b), managed };
}

/**
 * Validates the environment into a {@link Config}. Fails fast with a {@link ConfigError} that names
 * every missing or malformed variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const slack = slackSettings(e);
  if (Array.isArray(slack)) throw new ConfigError(`Invalid configuration:\n  ${slack.join('\n  ')}`);
  // A process the ShardingManager spawned is that one shard, whatever DISCORD_SHARDS says.
  const spawned = e.SHARDING_MANAGER === 'true' && e.SHARDS !== undefined;
  const shards = spawned
    ? { total: e.SHARD_COUNT ?? 1, list: [e.SHARDS!], managed: true, spawnedShard: e.SHARDS }
    : shardSettings(e.DISCORD_SHARDS, e.DISCORD_SHARD_LIST, false);
  if (typeof shards === 'string') throw new ConfigError(`Invalid configuration:\n  ${shards}`);
  return {
    databaseUrl: e.DATABASE_URL,
    home: path.resolve(cwd, e.MOVIEREC_HOME ?? 'data'),
    logLevel: e.LOG_LEVEL,
    movielensUrl: e.MOVIELENS_URL,
    imdbDatasetsUrl: e.IMDB_DATASETS_URL,
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          appId: e.DISCORD_APP_ID,
          apiUrl: e.DISCORD_API_URL,
          ...(shards && { shards }),
        }
      : undefined,
    slack,
    port: e.PORT,
    tmdb:
      e.TMDB_API_KEY || e.TMDB_READ_TOKEN
        ? { apiKey: e.TMDB_API_KEY, readToken: e.TMDB_READ_TOKEN, apiUrl: e.TMDB_API_URL }
        : undefined,
    tmdbSync: {
      intervalHours: e.TMDB_SYNC_HOURS,
      maxNew: e.TMDB_SYNC_MAX_NEW,
      region: e.TMDB_SYNC_REGION ? e.TMDB_SYNC_REGION.toUpperCase() : undefined,
    },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trainThreads: e.TRAIN_THREADS,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    database: {
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    metricsToken: e.METRICS_TOKEN,
  };
}
