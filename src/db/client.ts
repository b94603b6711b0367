import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { DatabaseUnavailableError, UserError } from '../errors.ts';
import { ROOT_URL } from '../paths.ts';
import { type BreakerState, createCircuitBreaker } from './breaker.ts';
import { guardClient, type PoolStats } from './guarded-client.ts';
import { asSelectOne, databaseProbe, selectOne } from './probe.ts';
import * as schema from './schema.ts';

export type { BreakerState, PoolStats };

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations; safe when several processes start at once. */
  migrate(): Promise<void>;
  /** PGlite only: bytes of its WebAssembly heap (grows, never shrinks), for memory diagnostics. */
  memoryBytes?(): number;
  /** See {@link ListenFn}. */
  listen: ListenFn;
  /**
   * Postgres only: a `select 1` on a connection of its own, outside the pool, so a saturated pool
   * (queries waiting, database answering) is told apart from a dead database. Rejects on failure.
   */
  ping?(timeoutMs: number): Promise<void>;
  /** Postgres only: the pool's load and the circuit breaker's state, for `/healthz`. */
  pool?(): PoolStats & { breaker: BreakerState };
  close(): Promise<void>;
}

/**
 * `LISTEN channel`: `onNotify` gets each notification's payload; `onListen` runs once the LISTEN is in
 * place and, on Postgres, again after the listening connection was lost and re-established
 * (notifications sent meanwhile are lost). Resolves to a function that stops listening.
 */
export type ListenFn = (
  channel: string,
  onNotify: (payload: string) => void,
  onListen?: () => void,
) => Promise<() => Promise<void>>;

export interface OpenDatabaseOptions {
  /** postgres:// URL; when undefined the embedded PGlite database under `home` is used. */
  url?: string | undefined;
  /** Directory holding the embedded database (`<home>/pglite`). */
  home?: string;
  /** Use an in-memory PGlite (tests), or a prepared data dir dump to start from. */
  memory?: boolean;
  loadDataDir?: Blob | File;
  /** Maximum pooled connections to the server. */
  maxConnections?: number;
  /** Server-side limits on every pooled connection; see {@link ConnectionLimits}. */
  limits?: Partial<ConnectionLimits>;
}

/** Limits that keep a stuck request from holding a server connection for long. 0 disables one. */
export interface ConnectionLimits {
  /**
   * `statement_timeout` (ms): the server cancels a statement running longer. Well above the request
   * deadline (a request's statements are a few ms each) and above the largest batch statement of an
   * import, so it only ever stops a runaway or a request nobody waits for any more.
   */
  statementTimeoutMs: number;
  /** `idle_in_transaction_session_timeout` (ms): ends a session that left a transaction open and idle. */
  idleInTransactionTimeoutMs: number;
  /**
   * After a connection error, queries fail at once for this long before a probe tries again. It bounds
   * how long after the server is back the bot still says "try again" (up to this plus the probe), while
   * a probe of a dead server costs one refused connection.
   */
  breakerCooldownMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  statementTimeoutMs: 15_000,
  idleInTransactionTimeoutMs: 30_000,
  breakerCooldownMs: 1_000,
};

/**
 * Connections of the background pool (see {@link backgroundDatabase}): imports write one at a time, so
 * one is enough, and it is never one of the request pool's.
 */
const BACKGROUND_CONNECTIONS = 1;

const backgroundOf = new WeakMap<Database, Database>();

/**
 * The database to use for bulk background work (an import's write): on Postgres a drizzle over a small
 * pool of its own, behind the same circuit breaker, so that however long an import holds its
 * connection the request pool keeps all of its connections for users' requests; on PGlite (one
 * connection for everything) the database itself.
 */
export function backgroundDatabase(db: Database): Database {
  return backgroundOf.get(db) ?? db;
}

/** A health ping, or the breaker probe's ping, that has not answered in this long counts as failed. */
const PING_TIMEOUT_MS = 2_000;

/**
 * Seconds a closed connection waits before reconnecting. postgres.js' default grows with every failed
 * attempt, shared across the pool, up to 10–20 s: after a 60 s outage the pool and the probe waited
 * that long after the server was back (issue 16: stragglers 17 s after the restart). The circuit
 * breaker already keeps traffic off a dead server, so reconnecting stays quick.
 */
const reconnectBackoff = (retries: number) => Math.min(0.05 * 2 ** retries, 0.5);

export const MIGRATIONS_DIR = fileURLToPath(new URL('migrations', ROOT_URL));

/** Any stable 64-bit number: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_ID = 727_001_337;

/** Opens the configured database. Throws a clear error when it cannot be reached or is in use. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  return options.url
    ? openPostgres(options.url, options.maxConnections ?? 10, {
        ...DEFAULT_CONNECTION_LIMITS,
        ...options.limits,
      })
    : openPglite(options);
}

/** Startup parameters for {@link ConnectionLimits}, sent with every new connection. */
function serverParameters(limits: ConnectionLimits): Record<string, string> {
  return {
    statement_timeout: String(limits.statementTimeoutMs),
    idle_in_transaction_session_timeout: String(limits.idleInTransactionTimeoutMs),
  };
}

async function openPostgres(url: string, max: number, limits: ConnectionLimits): Promise<DatabaseHandle> {
  const connection = serverParameters(limits);
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 30,
    backoff: reconnectBackoff,
    connection,
  });
  // The health ping's own connection: a full pool must not make a live database look dead.
  const pinger = postgres(url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 2,
    idle_timeout: 30,
    backoff: reconnectBackoff,
    connection,
  });
  // Bulk background work (imports) on a connection of its own; postgres.js connects on first use.
  const background = postgres(url, {
    max: BACKGROUND_CONNECTIONS,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 30,
    backoff: reconnectBackoff,
    connection,
  });
  const breaker = createCircuitBreaker({
    cooldownMs: limits.breakerCooldownMs,
    probeTimeoutMs: PING_TIMEOUT_MS,
    probe: databaseProbe({
      pinger: asSelectOne(pinger),
      pools: [
        { client: asSelectOne(client), max },
        { client: asSelectOne(background), max: BACKGROUND_CONNECTIONS },
      ],
    }),
  });
  const guard = guardClient(client, breaker, max);
  const backgroundGuard = guardClient(background, breaker, BACKGROUND_CONNECTIONS);
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 1 }).catch(() => {});
    await pinger.end({ timeout: 1 }).catch(() => {});
    await background.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot reach the Postgres server at ${redactUrl(url)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const db = drizzlePostgres(guard.sql, { schema }) as unknown as Database;
  backgroundOf.set(db, drizzlePostgres(backgroundGuard.sql, { schema }) as unknown as Database);
  return {
    db,
    kind: 'postgres',
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          selectOne(asSelectOne(pinger)),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    pool: () => ({ ...guard.stats(), breaker: breaker.state() }),
    async migrate() {
      // The advisory lock is per connection, so migrate through a dedicated single connection.
      const lockClient = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder: MIGRATIONS_DIR });
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    // postgres.js listens on one dedicated connection of its own (not from the pool), re-listens after
    // a reconnect, and closes it with the pool.
    async listen(channel, onNotify, onListen) {
      const { unlisten } = await client.listen(channel, onNotify, onListen);
      return unlisten;
    },
    close: async () => {
      await Promise.all([
        client.end({ timeout: 5 }),
        pinger.end({ timeout: 1 }),
        background.end({ timeout: 5 }),
      ]);
    },
  };
}

/**
 * PGlite's own start parameters with 16 MB of shared buffers instead of 128 MB. Its PostgreSQL keeps
 * shared memory inside the WebAssembly heap, and the default made the heap grow from 128 to 189 MB
 * at start (a heap never shrinks) and an idle embedded database ~120 MB bigger (RSS). The bot's tables
 * fit (ml-latest-small's ratings with their indexes take 10 MB, its movies 4 MB), and the data
 * directory's files sit in the OS page cache anyway.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * Creates a new PGlite data directory in a short-lived child process. PGlite runs initdb in a second
 * WebAssembly instance (its own 128+ MB heap, the data directory built in memory, then a tar of it)
 * whose memory stays in this process until a full garbage collection that may not come for a long
 * time: a bare process that had just created a data directory held 803 MB resident, one that reopened
 * it 442 MB. The child's memory is gone when it exits (it peaks near 900 MB for a few seconds, on the
 * first start only). If the child fails, PGlite creates the directory in this process as before.
 */
async function initDataDirInChild(dataDir: string): Promise<void> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const code = `const { PGlite } = await import(process.argv[1]);
const pg = await PGlite.create({ dataDir: process.argv[2], startParams: JSON.parse(process.argv[3]) });
await pg.close();`;
  const moduleUrl = import.meta.resolve('@electric-sql/pglite');
  await new Promise<void>((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', code, moduleUrl, dataDir, JSON.stringify(PGLITE_START_PARAMS)],
      { timeout: 120_000 },
      () => resolve(),
    );
  });
}

async function openPglite(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  let dataDir: string | undefined;
  let releaseLock = () => {};
  if (!options.memory) {
    if (!options.home) throw new Error('openDatabase: home is required for the embedded database');
    dataDir = path.join(options.home, 'pglite');
    fs.mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireDirLock(path.join(options.home, 'pglite.lock'));
  }
  let pg: PGlite;
  try {
    if (dataDir && !options.loadDataDir) await initDataDirInChild(dataDir);
    pg = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir, startParams: PGLITE_START_PARAMS });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const db = drizzlePglite(pg, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    memoryBytes: () => pg.Module.HEAPU8.byteLength,
    async listen(channel, onNotify, onListen) {
      const unlisten = await pg.listen(channel, onNotify);
      onListen?.();
      return () => unlisten();
    },
    async migrate() {
      await migratePglite(drizzlePglite(pg), { migrationsFolder: MIGRATIONS_DIR });
    },
    async close() {
      await pg.close();
      releaseLock();
    },
  };
}

/**
 * PGlite is single-process: a second process opening the same data dir would corrupt it. A lock file
 * holding the owner's pid keeps it out, and a stale lock (dead pid) is taken over.
 */
function acquireDirLock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {}
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      if (Number.isFinite(owner) && owner !== process.pid && isAlive(owner)) {
        throw new UserError(
          'database-in-use',
          `The embedded database in ${path.dirname(lockPath)} is in use by another movierec process (pid ${owner}). ` +
            'Stop it first, or set DATABASE_URL to a Postgres server so several processes can share the data.',
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the database lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Hides the password of a connection URL for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
