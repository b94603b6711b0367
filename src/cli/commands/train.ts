import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { createLogger } from '../../logger.ts';
import { modelCacheDir } from '../../recommend/model-cache.ts';
import { createRecommenderService } from '../../recommend/service.ts';

/** `movierec train`: retrains on the database's movies and ratings and stores the model. */
export async function run(_cmd: Command): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const handle = await openDatabase({ url: config.databaseUrl, home: config.home });
  try {
    await handle.migrate();
    const service = createRecommenderService({
      db: handle.db,
      logger,
      trainThreads: config.trainThreads,
      cacheDir: modelCacheDir(config.home),
    });
    const started = performance.now();
    await service.retrain();
    const rec = await service.current();
    await service.close();
    process.stdout.write(
      `trained ${rec.version} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await handle.close();
  }
}
