import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { downloadImdb } from '../../catalog/imdb-download.ts';
import { DEFAULT_MIN_VOTES, importImdb } from '../../catalog/imdb-import.ts';
import { downloadMovieLens } from '../../catalog/movielens-download.ts';
import { readMovieLensDir } from '../../catalog/movielens-files.ts';
import { importMovieLensData } from '../../catalog/movielens-import.ts';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { UserError } from '../../errors.ts';

/** Without a terminal, say how far the import is at most this often (plus once per stage). */
const PLAIN_PROGRESS_INTERVAL_MS = 2_000;
const SOURCES = ['movielens', 'imdb'];

interface ImportOptions {
  from?: string;
  md5?: string;
  refresh?: boolean;
  force?: boolean;
  minVotes?: string;
}

/**
 * `movierec import movielens [--from DIR]`: imports a MovieLens directory (downloading and caching
 * ml-latest-small when no directory is given), with progress on stderr and one summary line on stdout.
 */
export async function run(cmd: Command, source: unknown): Promise<void> {
  if (!SOURCES.includes(String(source))) {
    throw new UserError(
      'unknown-import-source',
      `cannot import "${source}": known sources are ${SOURCES.join(', ')}`,
    );
  }
  const options = cmd.opts<ImportOptions>();
  if (source === 'imdb') return runImdb(options);
  const config = loadConfig();
  const started = performance.now();
  const progress = createProgressReporter();
  try {
    let dir = options.from;
    if (!dir) {
      process.stderr.write(`fetching ${config.movielensUrl}\n`);
      const download = await downloadMovieLens({
        url: config.movielensUrl,
        home: config.home,
        md5: options.md5,
        force: options.refresh,
        onProgress: ({ received, total }) =>
          progress.update({ stage: 'download', done: received, total: total ?? 0 }),
      });
      progress.stop();
      process.stderr.write(
        `${download.cached ? 'using the cached copy in' : 'downloaded to'} ${download.dir}\n`,
      );
      dir = download.dir;
    }
    // Read and check the files before opening the database, so bad input fails in milliseconds.
    const data = readMovieLensDir(dir, { force: options.force });
    const handle = await openDatabase({ url: config.databaseUrl, home: config.home });
    try {
      await handle.migrate();
      const result = await importMovieLensData(handle.db, data, { onProgress: (p) => progress.update(p) });
      progress.stop();
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const merged = result.mergedMovies > 0 ? ` (${result.mergedMovies} merged into existing movies)` : '';
      process.stdout.write(
        `imported ${result.movies} movies, ${result.users} users, ${result.ratings} ratings, ${result.tags} tags in ${seconds} s${merged}\n`,
      );
    } finally {
      await handle.close();
    }
  } finally {
    progress.stop();
  }
}

/**
 * `movierec import imdb [--from DIR] [--min-votes N]`: reads IMDb's dataset files (downloading them into
 * the cache, resumably, without --from) and imports the feature films the catalog has or that have at
 * least N votes.
 */
async function runImdb(options: ImportOptions): Promise<void> {
  const minVotes = options.minVotes === undefined ? DEFAULT_MIN_VOTES : Number(options.minVotes);
  if (!Number.isInteger(minVotes) || minVotes < 0) {
    throw new UserError('bad-min-votes', `--min-votes must be a whole number, not "${options.minVotes}".`);
  }
  const config = loadConfig();
  const started = performance.now();
  const progress = createProgressReporter();
  try {
    let dir = options.from;
    if (!dir) {
      process.stderr.write(`fetching IMDb datasets from ${config.imdbDatasetsUrl}\n`);
      const download = await downloadImdb({
        baseUrl: config.imdbDatasetsUrl,
        home: config.home,
        force: options.refresh,
        onProgress: ({ file, received, total }) =>
          progress.update({ stage: file, done: received, total: total ?? 0 }),
      });
      progress.stop();
      const resumed = download.resumed.length > 0 ? ` (resumed ${download.resumed.join(', ')})` : '';
      process.stderr.write(`IMDb files in ${download.dir}: ${download.cached.length} cached${resumed}\n`);
      dir = download.dir;
    }
    const handle = await openDatabase({ url: config.databaseUrl, home: config.home });
    try {
      await handle.migrate();
      const result = await importImdb(handle.db, dir, { minVotes, onProgress: (p) => progress.update(p) });
      progress.stop();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `imported ${result.kept} of ${result.featureFilms} IMDb feature films (at least ${minVotes} votes or in the catalog): ` +
          `${result.added} new, ${result.updated} updated, ${result.linked} matched by title in ${seconds} s\n`,
      );
    } finally {
      await handle.close();
    }
  } finally {
    progress.stop();
  }
}

interface ProgressReporter {
  update(p: { stage: string; done: number; total: number }): void;
  stop(): void;
}

/** A bar on a terminal; otherwise a plain line per stage and every few seconds, so logs stay readable. */
function createProgressReporter(): ProgressReporter {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: '{stage} [{bar}] {percentage}% {value}/{total}', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      update({ stage, done, total }) {
        if (!running) {
          bar.start(Math.max(total, done), done, { stage: stage.padEnd(16) });
          running = true;
        }
        bar.setTotal(Math.max(total, done));
        bar.update(done, { stage: stage.padEnd(16) });
      },
      stop() {
        if (running) bar.stop();
        running = false;
      },
    };
  }
  let lastStage = '';
  let lastAt = 0;
  let finished = false;
  return {
    update({ stage, done, total }) {
      const now = performance.now();
      const complete = total > 0 && done >= total;
      if (stage === lastStage) {
        if (complete ? finished : now - lastAt < PLAIN_PROGRESS_INTERVAL_MS) return;
      }
      lastStage = stage;
      lastAt = now;
      finished = complete;
      process.stderr.write(total > 0 ? `${stage}: ${done}/${total}\n` : `${stage}: ${done}\n`);
    },
    stop() {},
  };
}
