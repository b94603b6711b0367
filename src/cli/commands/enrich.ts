import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { UserError } from '../../errors.ts';
import { createLogger } from '../../logger.ts';
import { createTmdbEnricher } from '../../tmdb/index.ts';
import { tmdbNotConfigured } from '../../tmdb/not-configured.ts';
import { stderrProgressBar } from '../progress-bar.ts';

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
    throw tmdbNotConfigured();
  }
  const logger = createLogger(config.logLevel);
  const handle = await openDatabase({ url: config.databaseUrl, home: config.home });
  const bar = stderrProgressBar<{ enriched: number; notFound: number; failed: number }>(
    'TMDB {bar} {value}/{total} movies | {enriched} enriched, {notFound} not found, {failed} failed | ETA {eta_formatted}',
  );
  try {
    await handle.migrate();
    const enricher = createTmdbEnricher({ db: handle.db, config, logger });
    const summary = await enricher
      .enrichAll({
        limit,
        onProgress: (p) =>
          bar.update(p.done, p.total, { enriched: p.enriched, notFound: p.notFound, failed: p.failed }),
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
