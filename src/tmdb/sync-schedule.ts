import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { type SyncReleasesResult, syncNewReleases } from './sync.ts';

/** The first run waits this long after start-up, so a restart loop never hammers TMDB. */
export const FIRST_SYNC_DELAY_MS = 5 * 60 * 1000;

export interface SyncSchedule {
  /** Runs one sync now (skipped, resolving undefined, when one is already running). */
  runOnce(): Promise<SyncReleasesResult | undefined>;
  stop(): Promise<void>;
}

export interface SyncScheduleOptions {
  db: Database;
  config: Pick<Config, 'tmdb' | 'tmdbSync'>;
  logger: Logger;
  /** Called after a run that added films (reload the index, retrain). */
  onAdded: () => void;
  /** Overrides for tests: no timers when `intervalMs` is 0. */
  intervalMs?: number;
  firstDelayMs?: number;
  fetch?: typeof fetch;
}

/**
 * The running bot's TMDB sync: every `TMDB_SYNC_HOURS` (off when 0 or without a TMDB key), at most
 * `TMDB_SYNC_MAX_NEW` new films per run. Failures are logged and retried at the next interval.
 */
export function scheduleTmdbSync(options: SyncScheduleOptions): SyncSchedule | undefined {
  const { config, logger } = options;
  if (!config.tmdb || config.tmdbSync.intervalHours <= 0) return undefined;
  const log = logger.child({ component: 'tmdb-sync' });
  let running: Promise<SyncReleasesResult | undefined> | undefined;
  const runOnce = () => {
    if (running) return Promise.resolve(undefined);
    running = syncNewReleases(
      { db: options.db, config, logger, options: { fetch: options.fetch } },
      { maxNew: config.tmdbSync.maxNew, region: config.tmdbSync.region },
    )
      .then((result) => {
        if (result.added > 0) options.onAdded();
        return result;
      })
      .catch((error) => {
        log.warn({ reason: (error as Error).message }, 'TMDB sync failed; retrying at the next interval');
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const intervalMs = options.intervalMs ?? config.tmdbSync.intervalHours * 3600 * 1000;
  let first: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (intervalMs > 0) {
    first = setTimeout(() => void runOnce(), options.firstDelayMs ?? FIRST_SYNC_DELAY_MS);
    first.unref();
    timer = setInterval(() => void runOnce(), intervalMs);
    timer.unref();
  }
  return {
    runOnce,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
