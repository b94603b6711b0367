import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';

/** A health probe must answer fast even when the database hangs. */
export const HEALTH_DB_TIMEOUT_MS = 2_000;

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; latencyMs: number; error?: string };
  /** Seconds since the newest stored model was trained; null when none is stored yet. */
  modelAgeSeconds: number | null;
  uptimeSeconds: number;
}

export interface HealthSource {
  check(): Promise<HealthReport>;
  /** Age of the newest stored model from the last check (cheap; for the metrics gauge). */
  modelAgeSeconds(): Promise<number | null>;
}

/**
 * Health from the shared database: a `select 1` ping (with a timeout) and the age of the newest row
 * in `models`, which every process sharing the database serves. Healthy means the database answers;
 * a missing model is reported but does not fail the probe (the first one is being trained).
 */
export function createHealthSource(db: Database, options: { timeoutMs?: number } = {}): HealthSource {
  const timeoutMs = options.timeoutMs ?? HEALTH_DB_TIMEOUT_MS;
  const startedAt = Date.now();

  async function newestModelAge(): Promise<number | null> {
    const rows = (await db.execute(
      sql`select extract(epoch from (now() - max(trained_at)))::float8 as age from models`,
    )) as unknown;
    const first = rowsOf(rows)[0] as { age: number | string | null } | undefined;
    return first?.age == null ? null : Number(first.age);
  }

  return {
    async check() {
      const t0 = performance.now();
      let modelAge: number | null = null;
      let error: string | undefined;
      try {
        modelAge = await withTimeout(
          (async () => {
            await db.execute(sql`select 1`);
            return newestModelAge();
          })(),
          timeoutMs,
        );
      } catch (e) {
        error = (e as Error).message;
      }
      const ok = error === undefined;
      return {
        ok,
        database: {
          ok,
          latencyMs: Math.round((performance.now() - t0) * 10) / 10,
          ...(error ? { error } : {}),
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
