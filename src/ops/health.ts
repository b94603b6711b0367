import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from '../db/client.ts';

/** A health probe must answer fast even when the database hangs. */
export const HEALTH_DB_TIMEOUT_MS = 2_000;

/**
 * `ok`: the database answers and the pool has room. `saturated`: the database answers on the health
 * check's own connection but queries wait for a pool connection (busy, not broken: do not restart).
 * `down`: the database does not answer at all.
 */
export type DatabaseState = 'ok' | 'saturated' | 'down';

export interface HealthReport {
  ok: boolean;
  database: {
    ok: boolean;
    /** Always set by {@link createHealthSource}; optional for hand-made reports (fakes in tests). */
    state?: DatabaseState;
    latencyMs: number;
    error?: string;
    /** Postgres only: the pool's load and the circuit breaker's state. */
    pool?: ReturnType<NonNullable<DatabaseHandle['pool']>>;
  };
  /** Seconds since the newest stored model was trained; null when none is stored yet. */
  modelAgeSeconds: number | null;
  uptimeSeconds: number;
}

export interface HealthSource {
  check(): Promise<HealthReport>;
  /** Age of the newest stored model from the last check (cheap; for the metrics gauge). */
  modelAgeSeconds(): Promise<number | null>;
}

export interface HealthOptions {
  timeoutMs?: number;
  /** The handle's ping (its own connection) and pool stats, when the database is a server. */
  database?: Pick<DatabaseHandle, 'ping' | 'pool'>;
}

/**
 * Health from the shared database: a `select 1` ping (with a timeout) and the age of the newest row
 * in `models`, which every process sharing the database serves. On the Postgres server the ping runs
 * on a connection of its own, outside the pool, so a full pool (every connection busy, queries
 * queued) reports `saturated` and stays healthy, and only a database that does not answer is `down`.
 * A missing model is reported but does not fail the probe (the first one is being trained).
 */
export function createHealthSource(db: Database, options: HealthOptions = {}): HealthSource {
  const timeoutMs = options.timeoutMs ?? HEALTH_DB_TIMEOUT_MS;
  const ping = options.database?.ping;
  const pool = options.database?.pool;
  const startedAt = Date.now();

  async function newestModelAge(): Promise<number | null> {
    const rows = (await db.execute(
      sql`select extract(epoch from (now() - max(trained_at)))::float8 as age from models`,
    )) as unknown;
    const first = rowsOf(rows)[0] as { age: number | string | null } | undefined;
    return first?.age == null ? null : Number(first.age);
  }

  /** Through the pool: the ping and the model age, or only the model age after a separate ping. */
  const throughPool = () =>
    withTimeout(
      (async () => {
        if (!ping) await db.execute(sql`select 1`);
        return newestModelAge();
      })(),
      timeoutMs,
    );

  return {
    async check() {
      const t0 = performance.now();
      let modelAge: number | null = null;
      let error: string | undefined;
      let state: DatabaseState = 'ok';
      try {
        if (ping) await ping(timeoutMs);
      } catch (e) {
        state = 'down';
        error = describeError(e);
      }
      if (state === 'ok') {
        try {
          modelAge = await throughPool();
        } catch (e) {
          // With a separate ping the database answered, so a slow pool query means waiting, not death.
          state = ping ? 'saturated' : 'down';
          error = describeError(e);
        }
      }
      const poolStats = pool?.();
      if (state === 'ok' && poolStats && poolStats.waiting > 0) state = 'saturated';
      const ok = state !== 'down';
      return {
        ok,
        database: {
          ok,
          state,
          latencyMs: Math.round((performance.now() - t0) * 10) / 10,
          ...(error ? { error } : {}),
          ...(poolStats ? { pool: poolStats } : {}),
        },
        modelAgeSeconds: modelAge === null ? null : Math.round(modelAge),
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
    },
    async modelAgeSeconds() {
      try {
        return await withTimeout(newestModelAge(), timeoutMs);
      } catch {
        return null;
      }
    },
  };
}

/** The error's code and class, never a query's text or parameters (this goes to an HTTP response). */
function describeError(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
  const cause = err?.cause as { code?: unknown } | undefined;
  const code = typeof err?.code === 'string' ? err.code : typeof cause?.code === 'string' ? cause.code : '';
  if (typeof err?.message === 'string' && err.message.startsWith('database did not answer'))
    return err.message;
  return [String(err?.name ?? 'Error'), code].filter(Boolean).join(' ');
}

/** postgres.js returns an array of rows; PGlite returns `{ rows }`. */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  return (result as { rows?: unknown[] }).rows ?? [];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
