import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { createLogger } from '../../logger.ts';
import type { HybridRecommender } from '../../recommend/hybrid.ts';
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
      // A batch command may spend the time: choose this catalog's settings on a validation split.
      tune: true,
      cacheDir: modelCacheDir(config.home),
    });
    const started = performance.now();
    await service.retrain();
    const rec = await service.current();
    await service.close();
    process.stdout.write(
      `trained ${rec.version} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const tuning = 'state' in rec ? (rec as HybridRecommender).state.tuning : undefined;
    if (tuning) {
      const v = tuning.validation;
      process.stdout.write(
        `settings chosen on validation (${tuning.newUsers} new users, ${tuning.knownUsers} known): ${JSON.stringify(tuning.chosen)}\n` +
          `validation NDCG@10 new users k=5 ${v.defaults.c5.toFixed(4)} → ${v.chosen.c5.toFixed(4)}, k=10 ${v.defaults.c10.toFixed(4)} → ${v.chosen.c10.toFixed(4)}, known users ${v.defaults.t.toFixed(4)} → ${v.chosen.t.toFixed(4)}\n`,
      );
    }
  } finally {
    await handle.close();
  }
}
