import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { UserError } from '../../errors.ts';
import { createLogger } from '../../logger.ts';
import { createTmdbEnricher } from '../../tmdb/index.ts';

interface EnrichOptions {
  limit?: string;
}

/** `movierec enrich [--limit N]`: fills the TMDB cache (and the movies rows) in bulk, most-rated first. */
export async function run(cmd: Command): Promise<void> {
  const opts = cmd.opts<EnrichOptions>();
  const limit = opts.limit === undefined ? undefined : Number(opts.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new UserError('bad-limit', `--limit must be a positive whole number, not "${opts.limit}".`);
  }
  const config = loadConfig();
  if (!config.tmdb) {
    throw new UserError(
      'tmdb-not-configured',
      'TMDB is not configured: set TMDB_API_KEY or TMDB_READ_TOKEN.',
    );
  }
  const logger = createLogger(config.logLevel);
  const handle = await openDatabase({ url: config.databaseUrl, home: config.home });
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        'TMDB {bar} {value}/{total} movies | {enriched} enriched, {notFound} not found, {failed} failed | ETA {eta_formatted}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  try {
    await handle.migrate();
    const enricher = createTmdbEnricher({ db: handle.db, config, logger });
    let started = false;
    const summary = await enricher
      .enrichAll({
        limit,
        onProgress: (p) => {
          const payload = { enriched: p.enriched, notFound: p.notFound, failed: p.failed };
          if (!started) {
            bar.start(p.total, p.done, payload);
            started = true;
          } else {
            bar.update(p.done, payload);
          }
        },
      })
      .finally(() => bar.stop());
    process.stdout.write(
      `TMDB: ${summary.enriched} enriched (${summary.updated} fetched now), ${summary.notFound} not found, ` +
        `${summary.failed} failed, of ${summary.total} movies without a fresh cache entry.\n`,
    );
    if (summary.updated > 0) {
      process.stdout.write(
        'Movie rows gained posters, people and keywords: run `movierec train` to use them.\n',
      );
    }
  } finally {
    await handle.close();
  }
}
