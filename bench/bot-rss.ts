/**
 * Peak RSS of a bot process the way operators run one on the embedded database: `movierec import
 * movielens` runs in its own process first (as the README says), then this process opens the app like
 * `movierec start` does (createApp: PGlite under a fresh MOVIEREC_HOME, migrations, the recommender
 * service with the configured TRAIN_THREADS), trains the model, and serves `/recommend` and star ratings
 * for MovieLens users through the core. `npm run bench` instead imports and trains three times in one
 * process before it serves, so its peak is higher than a bot's.
 *
 *   npx tsx bench/bot-rss.ts [pglite|postgres] [requests=600] [ml-latest-small dir] [imdb films=0]
 *
 * With `imdb films` > 0, a synthetic IMDb datasets directory of that many extra films above the default
 * vote threshold (bench/imdb-synthetic.ts, generated at run time) is imported with `movierec import imdb`
 * in its own process after MovieLens, so the bot serves a catalog of tens of thousands of films.
 *
 * On Postgres it uses a scratch database on the bench server (BENCH_DATABASE_URL / DATABASE_URL / local)
 * and drops it afterwards; the scratch handle's small pool is in this process too.
 *
 * The measuring process runs the bot's code compiled as `movierec start` runs it (bin/movierec.js: the
 * esbuild bundle, no TypeScript loader): this file is bundled with it into a temporary directory and
 * run with plain Node.
 *
 * Prints one JSON line: the peak RSS (process.resourceUsage().maxRSS) after each phase.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { compileEmbeddedDatabaseForSize } from '../src/db/pglite-code-size.ts';
import { BUNDLED, ROOT_URL } from '../src/paths.ts';
import { runChild } from './child.ts';
import {
  actionEvent,
  cardMovieIds,
  commandEvent,
  MOVIELENS_USERS,
  movieLensUser,
  ratingAction,
} from './core-driver.ts';
import { type BenchDbKind, createScratchDatabase } from './databases.ts';
import { writeSyntheticImdb } from './imdb-synthetic.ts';
import { type LatencySummary, peakRssMb, round, summarize } from './stats.ts';

export interface BotRssFigures {
  kind: BenchDbKind;
  trainThreads: number;
  importSecondsInItsOwnProcess: number;
  /** Films in the catalog the bot serves, and the IMDb import's time (0 without one). */
  catalogMovies: number;
  imdbImportSeconds: number;
  /**
   * Start-up: `createApp` (database open, migrations), then until the catalog and its title index are
   * ready (the first autocomplete can be answered), and the training of the model after it.
   */
  openSeconds: number;
  catalogReadySeconds: number;
  trainSeconds: number;
  recommendMs: LatencySummary;
  /** Peak RSS so far after opening the app, after training, and after serving. */
  peakRssMb: { afterOpen: number; afterTrain: number; afterServe: number };
  /** The machine's 1-minute load average when the bot opened and when it had served (others' work counts). */
  loadAverage: { start: number; end: number };
}

const WORKER_PATH = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(ROOT_URL);
const BIN = fileURLToPath(new URL('bin/movierec.js', ROOT_URL));

/** Imports in a child `movierec import`, then opens, trains and serves in this process. */
export async function measureBotRss(
  kind: BenchDbKind,
  mlDir: string,
  requests: number,
  imdbFilms = 0,
): Promise<BotRssFigures> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-bot-rss-'));
  const scratch = kind === 'postgres' ? await createScratchDatabase('postgres', { maxConnections: 1 }) : null;
  const env = { ...process.env, MOVIEREC_HOME: home, DATABASE_URL: scratch?.url ?? '', LOG_LEVEL: 'warn' };
  try {
    let t0 = performance.now();
    execFileSync(process.execPath, [BIN, 'import', 'movielens', '--from', mlDir], { env, stdio: 'ignore' });
    const importSeconds = (performance.now() - t0) / 1000;
    let imdbImportSeconds = 0;
    if (imdbFilms > 0) {
      const imdbDir = path.join(home, 'imdb-synthetic');
      await writeSyntheticImdb(imdbDir, { films: imdbFilms, movieLensDir: mlDir });
      t0 = performance.now();
      execFileSync(process.execPath, [BIN, 'import', 'imdb', '--from', imdbDir], { env, stdio: 'ignore' });
      imdbImportSeconds = (performance.now() - t0) / 1000;
      fs.rmSync(imdbDir, { recursive: true, force: true });
    }

    const loadAtStart = os.loadavg()[0]!;
    // As `movierec start` does before it opens the embedded database.
    if (kind === 'pglite') compileEmbeddedDatabaseForSize();
    t0 = performance.now();
    const app = await createApp(loadConfig(env), pino({ level: 'warn' }, pino.destination(2)));
    const openSeconds = (performance.now() - t0) / 1000;
    // createApp starts loading the catalog; the model trains once it is loaded, as in a starting bot
    // (so trainSeconds includes the rest of the catalog load).
    const catalogReady = app.catalog.current().then(() => (performance.now() - t0) / 1000);
    const afterOpen = peakRssMb();
    const t1 = performance.now();
    await app.recommender.current();
    const trainSeconds = (performance.now() - t1) / 1000;
    const catalogReadySeconds = await catalogReady;
    const afterTrain = peakRssMb();

    const latencies: number[] = [];
    for (let i = 0; i < requests; i++) {
      const user = movieLensUser(1 + (i % MOVIELENS_USERS));
      const s = performance.now();
      const replies = await app.core.handle(commandEvent(user, 'recommend'));
      latencies.push(performance.now() - s);
      const top = cardMovieIds(replies)[0];
      const select = top === undefined ? undefined : ratingAction(replies, top);
      if (i % 2 === 0 && select) await app.core.handle(actionEvent(user, select.id, select.values.at(-1)));
    }
    const afterServe = peakRssMb();
    const catalogMovies = (await app.catalog.current()).catalog.list.length;
    await app.close();
    return {
      kind,
      trainThreads: app.config.trainThreads,
      importSecondsInItsOwnProcess: round(importSeconds),
      catalogMovies,
      imdbImportSeconds: round(imdbImportSeconds),
      openSeconds: round(openSeconds),
      catalogReadySeconds: round(catalogReadySeconds),
      trainSeconds: round(trainSeconds),
      recommendMs: summarize(latencies),
      peakRssMb: { afterOpen, afterTrain, afterServe },
      loadAverage: { start: round(loadAtStart), end: round(os.loadavg()[0]!) },
    };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    await scratch?.destroy();
  }
}

/**
 * The variables `npm start` sets before Node starts (package.json's start script: glibc malloc settings
 * that keep freed memory from staying resident), so the measured process runs as a started bot does.
 */
export function startEnvironment(): Record<string, string> {
  const pkg = JSON.parse(fs.readFileSync(new URL('package.json', ROOT_URL), 'utf8')) as {
    scripts: { start: string };
  };
  return Object.fromEntries([...pkg.scripts.start.matchAll(/\b([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
}

/**
 * {@link measureBotRss} in a fresh process running the bundled code (this file built with the bot's
 * bundle, bin/bundle.mjs), so the peak is that of the bot's compiled code alone.
 */
export async function botRssIsolated(
  kind: BenchDbKind,
  mlDir: string,
  requests: number,
  timeoutMs: number,
  imdbFilms = 0,
): Promise<BotRssFigures | { kind: BenchDbKind; skipped: string }> {
  // @ts-expect-error bin/bundle.mjs is plain JavaScript without declarations.
  const { buildBundle, ENTRIES } = (await import('../bin/bundle.mjs')) as {
    buildBundle: (outdir: string, root: string, entries: Record<string, string>) => Promise<void>;
    ENTRIES: Record<string, string>;
  };
  const outdir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'movierec-bench-'));
  try {
    // The bot's workers, and this file instead of the CLI (which would share this module in a chunk).
    const { movierec: _cli, ...workers } = ENTRIES;
    await buildBundle(outdir, ROOT, { ...workers, 'bot-rss': path.relative(ROOT, WORKER_PATH) });
    const result = await runChild<BotRssFigures>(
      path.join(outdir, 'bot-rss.mjs'),
      [kind, String(requests), mlDir, String(imdbFilms)],
      { timeoutMs, env: startEnvironment() },
    );
    return result.ok ? result.value : { kind, skipped: result.reason };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

// Entry: `npx tsx bench/bot-rss.ts [pglite|postgres] [requests] [ml-latest-small dir] [imdb films]` prints one
// JSON line, measured in a bundled child process; that child (this file, bundled) measures in itself.
if (process.argv[1] === WORKER_PATH) {
  const [kind = 'pglite', requests = '600', dir = '../shared/data/ml-latest-small', imdb = '0'] =
    process.argv.slice(2);
  const figures = BUNDLED
    ? await measureBotRss(kind as BenchDbKind, path.resolve(dir), Number(requests), Number(imdb))
    : await botRssIsolated(kind as BenchDbKind, path.resolve(dir), Number(requests), 3_600_000, Number(imdb));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
