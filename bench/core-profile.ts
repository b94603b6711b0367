/**
 * A small driver for profiling `/recommend` through the bot core on one database: imports
 * ml-latest-small into a scratch database, trains once, then times `/recommend` for MovieLens users
 * (with this process's CPU time per request) and "rate the top pick, then `/recommend` again" (rating
 * visibility), as `npm run bench` does, in about a minute.
 *
 *   npx tsx bench/core-profile.ts pglite|postgres [requests=400] [trials=40] [--data DIR]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/core-profile.ts postgres
 *
 * Prints one JSON line, with the 1-minute load average before and after.
 */
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { importMovieLens } from '../src/catalog/movielens-import.ts';
import { benchVisibility } from './core-bench.ts';
import { buildCore, commandEvent, MOVIELENS_USERS, movieLensUser } from './core-driver.ts';
import { type BenchDbKind, createScratchDatabase } from './databases.ts';
import { round, summarize } from './stats.ts';

const args = process.argv.slice(2);
const dataAt = args.indexOf('--data');
const dataDir = dataAt >= 0 ? args.splice(dataAt, 2)[1]! : '../shared/data';
const kind = (args[0] ?? 'pglite') as BenchDbKind;
const requests = Number(args[1] ?? 400);
const trials = Number(args[2] ?? 40);

const logger = pino({ level: 'warn' }, pino.destination(2));
const db = await createScratchDatabase(kind, { maxConnections: 20 });
try {
  await importMovieLens(db.db, path.join(dataDir, 'ml-latest-small'));
  const cut = buildCore(db.db, logger);
  await cut.service.current();
  for (let i = 1; i <= 10; i++) await cut.core.handle(commandEvent(movieLensUser(i), 'recommend'));

  const load = os.loadavg()[0]!;
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const user = movieLensUser(1 + ((i * 37) % MOVIELENS_USERS));
    const t = performance.now();
    await cut.core.handle(commandEvent(user, 'recommend'));
    samples.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const visible = await benchVisibility(cut.core, trials, kind, Number.POSITIVE_INFINITY);
  await cut.close();
  process.stdout.write(
    `${JSON.stringify({
      kind,
      loadAverage: round(load),
      loadAverageAfter: round(os.loadavg()[0]!),
      recommendMs: summarize(samples),
      cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / requests),
      ratingVisibleMs: visible,
    })}\n`,
  );
} finally {
  await db.destroy();
}
