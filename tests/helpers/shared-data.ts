import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/** `../shared/data` beside the checkout (read-only; never copied into the repository). */
export const SHARED_DATA_DIR = path.resolve(fileURLToPath(new URL('../../../shared/data', import.meta.url)));
export const ML_LATEST_SMALL = path.join(SHARED_DATA_DIR, 'ml-latest-small');
export const IMDB_TOP_1000 = path.join(SHARED_DATA_DIR, 'imdb-top-1000', 'imdb_top_1000.csv');

export const hasMovieLens = fs.existsSync(path.join(ML_LATEST_SMALL, 'ratings.csv'));
export const hasImdbTop = fs.existsSync(IMDB_TOP_1000);

/** `describe` when ml-latest-small is present, otherwise a skipped suite that says why. */
export const describeWithMovieLens: typeof describe = hasMovieLens
  ? describe
  : (((name: string, ...rest: unknown[]) =>
      (describe.skip as (...a: unknown[]) => void)(
        `${name} (skipped: ../shared/data/ml-latest-small not found)`,
        ...rest,
      )) as unknown as typeof describe);
