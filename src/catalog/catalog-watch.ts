import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { queryRows } from './sql-rows.ts';

/** How often a running bot looks for films another process (an import, a TMDB sync) added. */
export const CATALOG_WATCH_INTERVAL_MS = 60_000;

export interface CatalogWatch {
  /** Looks once: true (and `onChange` called) when films were added or removed since the last look. */
  check(): Promise<boolean>;
  stop(): void;
}

export interface CatalogWatchOptions {
  db: Database;
  logger: Logger;
  /** Called when the set of films changed: reload the title and people index, retrain. */
  onChange: () => void;
  /** 0 or less: no timer, `check()` only (tests). */
  intervalMs?: number;
}

/**
 * Notices films added to the catalog by another process (`movierec import imdb` against the same
 * Postgres server while the bot runs) and calls `onChange`, so the bot's title and people index and its
 * model pick them up without a restart. Only the number of films and the highest id are compared: detail
 * updates (TMDB enrichment of one film) do not rebuild the index.
 */
export function watchCatalog(options: CatalogWatchOptions): CatalogWatch {
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  const look = async (): Promise<boolean> => {
    const [row] = await queryRows<{ n: number; max: number }>(
      options.db,
      sql`select count(*)::int as n, coalesce(max(id), 0)::int as max from movies`,
    );
    const now = `${row?.n}:${row?.max}`;
    const changed = last !== undefined && now !== last;
    last = now;
    if (changed) options.onChange();
    return changed;
  };
  const check = () => {
    running ??= look().finally(() => {
      running = undefined;
    });
    return running;
  };
  const interval = options.intervalMs ?? CATALOG_WATCH_INTERVAL_MS;
  if (interval > 0) {
    void check().catch((error) => options.logger.warn({ err: error }, 'catalog watch failed'));
    timer = setInterval(() => {
      check().catch((error) => options.logger.warn({ err: error }, 'catalog watch failed'));
    }, interval);
    timer.unref();
  }
  return {
    check,
    stop() {
      clearInterval(timer);
    },
  };
}
