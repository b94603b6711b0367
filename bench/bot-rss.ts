/**
 * Peak RSS of a bot process the way operators run one on the embedded database: `movierec import
 * movielens` runs in its own process first (as the README says), then this process opens the app like
 * `movierec start` does (createApp: PGlite under a fresh MOVIEREC_HOME, migrations, the recommender
 * service with the configured TRAIN_THREADS), trains the model, and serves `/recommend` and star ratings
 * for MovieLens users through the core. `npm run bench` instead imports and trains three times in one
 * process before it serves, so its peak is higher than a bot's.
 *
 *   npx tsx bench/bot-rss.ts [pglite|postgres] [requests=600] [--data DIR]
 *
 * On Postgres it uses a scratch database on the bench server (BENCH_DATABASE_URL / DATABASE_URL / local)
 * and drops it afterwards; the scratch handle's small pool is in this process too.
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
import {
  actionEvent,
  cardMovieIds,
  commandEvent,
  MOVIELENS_USERS,
  movieLensUser,
  ratingAction,
} from './core-driver.ts';
import { type BenchDbKind, createScratchDatabase } from './databases.ts';
import { peakRssMb, round, summarize } from './stats.ts';

const args = process.argv.slice(2);
const dataAt = args.indexOf('--data');
const dataDir = dataAt >= 0 ? args.splice(dataAt, 2)[1]! : '../shared/data';
const kind = (args[0] ?? 'pglite') as BenchDbKind;
const requests = Number(args[1] ?? 600);
const mlDir = path.resolve(dataDir, 'ml-latest-small');
const bin = fileURLToPath(new URL('../bin/movierec.js', import.meta.url));

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-bot-rss-'));
const scratch = kind === 'postgres' ? await createScratchDatabase('postgres', { maxConnections: 1 }) : null;
const env = { ...process.env, MOVIEREC_HOME: home, DATABASE_URL: scratch?.url ?? '', LOG_LEVEL: 'warn' };
try {
  let t0 = performance.now();
  execFileSync(process.execPath, [bin, 'import', 'movielens', '--from', mlDir], { env, stdio: 'ignore' });
  const importSeconds = (performance.now() - t0) / 1000;

  const app = await createApp(loadConfig(env), pino({ level: 'warn' }, pino.destination(2)));
  const afterOpen = peakRssMb();
  t0 = performance.now();
  await app.recommender.current();
  const trainSeconds = (performance.now() - t0) / 1000;
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
  await app.close();
  process.stdout.write(
    `${JSON.stringify({
      kind,
      trainThreads: app.config.trainThreads,
      importSecondsInItsOwnProcess: round(importSeconds),
      trainSeconds: round(trainSeconds),
      recommendMs: summarize(latencies),
      peakRssMb: { afterOpen, afterTrain, afterServe },
    })}\n`,
  );
} finally {
  fs.rmSync(home, { recursive: true, force: true });
  await scratch?.destroy();
}
