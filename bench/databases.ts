import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { type DatabaseHandle, openDatabase, redactUrl } from '../src/db/client.ts';

export type BenchDbKind = 'pglite' | 'postgres';

/** Server used for the Postgres figures: `BENCH_DATABASE_URL`, else `DATABASE_URL`, else the local default. */
export function benchServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.BENCH_DATABASE_URL || env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface ScratchDatabase extends DatabaseHandle {
  /** The scratch database's URL on the server; undefined for PGlite. */
  url: string | undefined;
  /** Closes it and, on the server, drops the scratch database. */
  destroy(): Promise<void>;
}

/** Checks the server answers; returns why not otherwise. */
export async function serverReachable(url: string): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return `${redactUrl(url)} unreachable (${(error as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * A fresh migrated database for one benchmark step: an in-memory PGlite, or a scratch database
 * `movierec_bench_<pid>_<random>` created on the server and dropped by `destroy()` (never the
 * server's other databases).
 */
export async function createScratchDatabase(
  kind: BenchDbKind,
  options: { serverUrl?: string; maxConnections?: number } = {},
): Promise<ScratchDatabase> {
  if (kind === 'pglite') {
    // A data directory on disk, as the bot uses it (an in-memory PGlite keeps every file in the heap).
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-bench-'));
    const handle = await openDatabase({ home });
    await handle.migrate();
    return {
      ...handle,
      url: undefined,
      async destroy() {
        await handle.close().catch(() => {});
        fs.rmSync(home, { recursive: true, force: true });
      },
    };
  }
  const serverUrl = options.serverUrl ?? benchServerUrl();
  const name = `movierec_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    // A generated identifier (letters, digits, underscores), not user input: safe to interpolate.
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const handle = await openDatabase({ url, maxConnections: options.maxConnections ?? 10 });
  await handle.migrate();
  return {
    ...handle,
    url,
    async destroy() {
      await handle.close().catch(() => {});
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
