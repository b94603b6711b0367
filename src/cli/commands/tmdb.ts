import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { UserError } from '../../errors.ts';
import { createLogger } from '../../logger.ts';
import { tmdbNotConfigured } from '../../tmdb/not-configured.ts';
import { DEFAULT_SYNC_MAX_NEW, DEFAULT_SYNC_PAGES, syncNewReleases } from '../../tmdb/sync.ts';
import { stderrProgressBar } from '../progress-bar.ts';

interface TmdbOptions {
  pages?: string;
  limit?: string;
  region?: string;
}

function positive(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError('bad-option', `${name} must be a positive whole number, not "${raw}".`);
  return n;
}

/** `movierec tmdb sync [--pages N] [--limit N] [--region XX]`: adds TMDB's new and upcoming films. */
export async function run(cmd: Command, action: unknown): Promise<void> {
  if (action !== 'sync') {
    throw new UserError('unknown-tmdb-action', `unknown action "${action}": the tmdb command knows "sync"`);
  }
  const opts = cmd.opts<TmdbOptions>();
  const pages = positive(opts.pages, '--pages', DEFAULT_SYNC_PAGES);
  const config = loadConfig();
  const maxNew = positive(opts.limit, '--limit', config.tmdbSync.maxNew ?? DEFAULT_SYNC_MAX_NEW);
  const region = opts.region ?? config.tmdbSync.region;
  if (region !== undefined && !/^[A-Za-z]{2}$/.test(region)) {
    throw new UserError('bad-option', `--region must be a two-letter code such as US, not "${region}".`);
  }
  if (!config.tmdb) {
    throw tmdbNotConfigured();
  }
  const logger = createLogger(config.logLevel);
  const handle = await openDatabase({ url: config.databaseUrl, home: config.home });
  const bar = stderrProgressBar('TMDB new releases {bar} {value}/{total}');
  try {
    await handle.migrate();
    const result = await syncNewReleases(
      { db: handle.db, config, logger },
      {
        pages,
        maxNew,
        region,
        onProgress: ({ done, total }) => bar.update(done, total),
      },
    ).finally(() => bar.stop());
    process.stdout.write(
      `TMDB: ${result.listed} now playing or upcoming; ${result.added} added, ${result.updated} linked by IMDb id, ` +
        `${result.known} already known, ${result.deferred} left for the next run, ${result.failed} failed.\n`,
    );
  } finally {
    await handle.close();
  }
}
