import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/**
 * `../shared/data` beside the checkout (read-only; never copied into the repository).
 * `MOVIEREC_SHARED_DATA` points elsewhere (also how the missing-data rule below is tried out).
 */
export const SHARED_DATA_DIR = process.env.MOVIEREC_SHARED_DATA
  ? path.resolve(process.env.MOVIEREC_SHARED_DATA)
  : path.resolve(fileURLToPath(new URL('../../../shared/data', import.meta.url)));
export const ML_LATEST_SMALL = path.join(SHARED_DATA_DIR, 'ml-latest-small');
export const IMDB_TOP_1000 = path.join(SHARED_DATA_DIR, 'imdb-top-1000', 'imdb_top_1000.csv');

export const hasMovieLens = fs.existsSync(path.join(ML_LATEST_SMALL, 'ratings.csv'));
export const hasImdbTop = fs.existsSync(IMDB_TOP_1000);

/**
 * What a suite that needs shared data does: run when the data is there; otherwise skip with a visible
 * reason on a developer's machine, and fail in CI (`CI=true`, as every CI service sets it), where
 * missing data means the suite silently stopped testing anything.
 */
export function sharedDataMode(
  present: boolean,
  env: NodeJS.ProcessEnv = process.env,
): 'run' | 'skip' | 'fail' {
  if (present) return 'run';
  const ci = (env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false' ? 'fail' : 'skip';
}

function describeWithData(present: boolean, missing: string): typeof describe {
  const mode = sharedDataMode(present);
  if (mode === 'run') return describe;
  const reason = `${missing} not found`;
  return ((name: string, ..._rest: unknown[]) => {
    if (mode === 'fail') {
      describe(name, () => {
        it('has the shared data it needs', () => {
          throw new Error(`CI=true but ${reason}: provide ../shared/data (see README) instead of skipping`);
        });
      });
      return;
    }
    // Visible in every reporter, not only in a skipped suite's name.
    process.stderr.write(`skipped "${name}": ${reason}\n`);
    (describe.skip as (...a: unknown[]) => void)(`${name} (skipped: ${reason})`, () => {});
  }) as unknown as typeof describe;
}

/** `describe` when ml-latest-small is present; otherwise skipped with the reason (failed in CI). */
export const describeWithMovieLens: typeof describe = describeWithData(hasMovieLens, ML_LATEST_SMALL);
