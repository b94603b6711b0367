/**
 * Figures through the real bot core, database reads included: import + training from the database,
 * recommendation latency, how fast a new rating shows in the next recommendation, and throughput
 * with concurrent simulated users.
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { importMovieLens } from '../src/catalog/movielens-import.ts';
import type { Logger } from '../src/logger.ts';
import { runChild } from './child.ts';
import {
  actionEvent,
  buildCore,
  type CoreUnderTest,
  cardMovieIds,
  commandEvent,
  consoleUser,
  MOVIELENS_USERS,
  movieLensUser,
  ratingAction,
} from './core-driver.ts';
import { type BenchDbKind, createScratchDatabase, type ScratchDatabase } from './databases.ts';
import { type LatencySummary, median, medianSummary, peakRssMb, round, summarize } from './stats.ts';

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

export interface CoreBenchOptions {
  kind: BenchDbKind;
  dir: string;
  logger: Logger;
  /** Seconds this step may take; repeated import + training runs stop early to stay inside it. */
  allowanceSeconds: number;
  /** Fresh imports (+ training) to take the median of; latency rounds use the last database. */
  runs: number;
  /** Recommendation requests per latency round. */
  requests: number;
  visibilityTrials: number;
  concurrentUsers: number;
  throughputSeconds: number;
}

export interface CoreFigures {
  kind: BenchDbKind;
  importSeconds: number;
  /** Reading ratings from the database, training the hybrid and storing it (RecommenderService). */
  trainFromDbSeconds: number;
  importPlusTrainSeconds: number;
  runs: { importSeconds: number; trainFromDbSeconds: number; trainCpuSeconds: number }[];
  /** CPU seconds of this process for training (wall time above includes waiting for a busy machine). */
  trainCpuSeconds: number;
  /** Mean CPU milliseconds this process spent per `/recommend` (database server time not included). */
  recommendCpuMsPerRequest: number;
  /** Peak resident set size of the process that imported, trained and served (a bot process's size). */
  peakRssMb: number;
  /** `/recommend` through the core for users with MovieLens histories (median over rounds). */
  recommendMs: LatencySummary & { runs: number };
  /** Same for a brand-new user (no history: popularity + diversity path). */
  recommendNewUserMs: LatencySummary;
  /** Rating a shown movie, then the next `/recommend` no longer offering it. */
  ratingVisibleMs: LatencySummary & { trials: number; visible: number };
  throughput: ThroughputFigures;
}

export interface ThroughputFigures {
  users: number;
  seconds: number;
  requests: number;
  ratings: number;
  errors: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
}

/** Fewest latency samples per round / visibility trials, however busy the machine. */
const MIN_SAMPLES = 30;
const MIN_TRIALS = 10;

export async function benchCore(options: CoreBenchOptions): Promise<CoreFigures> {
  const runs: CoreFigures['runs'] = [];
  let kept: { db: ScratchDatabase; cut: CoreUnderTest } | undefined;
  const started = performance.now();
  // Import + training is the slow part; the latency rounds after it take about as long again.
  const importShare = options.allowanceSeconds * 0.6;
  for (let r = 0; r < options.runs; r++) {
    const db = await createScratchDatabase(options.kind, { maxConnections: 20 });
    let t0 = performance.now();
    await importMovieLens(db.db, options.dir);
    const importSeconds = (performance.now() - t0) / 1000;
    const cut = buildCore(db.db, options.logger);
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await cut.service.current();
    const trainCpuSeconds = cpuSeconds(process.cpuUsage(cpu0));
    const trainFromDbSeconds = (performance.now() - t0) / 1000;
    runs.push({
      importSeconds: round(importSeconds),
      trainFromDbSeconds: round(trainFromDbSeconds),
      trainCpuSeconds: round(trainCpuSeconds),
    });
    const elapsed = (performance.now() - started) / 1000;
    const last = r === options.runs - 1 || (elapsed / (r + 1)) * (r + 2) > importShare;
    process.stderr.write(
      `bench: ${options.kind} run ${r + 1}: import ${round(importSeconds)} s, train ${round(trainFromDbSeconds)} s\n`,
    );
    if (last) {
      kept = { db, cut };
      break;
    } else {
      await cut.close();
      await db.destroy();
    }
  }
  const { db, cut } = kept!;
  try {
    const core = cut.core;
    // Warm up: first requests load the catalog view and title index.
    for (let i = 1; i <= 10; i++) await core.handle(commandEvent(movieLensUser(i), 'recommend'));

    // What is left of the allowance is shared out, so a busy machine shortens the phases, not the run.
    const left = Math.max(30, options.allowanceSeconds - (performance.now() - started) / 1000);
    const until = (share: number) => performance.now() + left * share * 1000;
    const rounds: LatencySummary[] = [];
    const cpuBefore = process.cpuUsage();
    let measured = 0;
    const roundsEnd = until(0.45);
    for (let round = 0; round < Math.max(1, options.runs); round++) {
      if (round > 0 && performance.now() > roundsEnd) break;
      const samples: number[] = [];
      const roundEnd = performance.now() + (roundsEnd - performance.now()) / (options.runs - round);
      for (let i = 0; i < options.requests; i++) {
        if (i >= MIN_SAMPLES && performance.now() > roundEnd) break;
        const user = movieLensUser(1 + ((i * 37 + round * 101) % MOVIELENS_USERS));
        const t = performance.now();
        await core.handle(commandEvent(user, 'recommend'));
        samples.push(performance.now() - t);
      }
      measured += samples.length;
      rounds.push(summarize(samples));
    }
    const recommendCpuMsPerRequest = round((cpuSeconds(process.cpuUsage(cpuBefore)) * 1000) / measured);
    const fresh: number[] = [];
    const freshEnd = until(0.1);
    for (let i = 0; i < Math.min(100, options.requests); i++) {
      if (i >= MIN_SAMPLES && performance.now() > freshEnd) break;
      const t = performance.now();
      await core.handle(commandEvent(consoleUser(`bench-new-${options.kind}-${i}`), 'recommend'));
      fresh.push(performance.now() - t);
    }
    const visibility = await benchVisibility(core, options.visibilityTrials, options.kind, until(0.15));
    const throughput = await benchThroughput(
      core,
      options.concurrentUsers,
      options.throughputSeconds,
      options.kind,
    );
    const importSeconds = round(median(runs.map((r) => r.importSeconds)));
    const trainFromDbSeconds = round(median(runs.map((r) => r.trainFromDbSeconds)));
    return {
      kind: options.kind,
      importSeconds,
      trainFromDbSeconds,
      importPlusTrainSeconds: round(median(runs.map((r) => r.importSeconds + r.trainFromDbSeconds))),
      trainCpuSeconds: round(median(runs.map((r) => r.trainCpuSeconds))),
      recommendCpuMsPerRequest,
      peakRssMb: peakRssMb(),
      runs,
      recommendMs: medianSummary(rounds),
      recommendNewUserMs: summarize(fresh),
      ratingVisibleMs: visibility,
      throughput,
    };
  } finally {
    await cut.close();
    await db.destroy();
  }
}

/** Rates the top pick of a fresh recommendation and times until the next one reflects it. */
export async function benchVisibility(
  core: CoreUnderTest['core'],
  wanted: number,
  kind: string,
  end: number,
) {
  const samples: number[] = [];
  let visible = 0;
  let trials = 0;
  for (let i = 0; i < wanted; i++) {
    if (i >= MIN_TRIALS && performance.now() > end) break;
    trials++;
    const user =
      i % 2 ? movieLensUser(1 + ((i * 53) % MOVIELENS_USERS)) : consoleUser(`bench-vis-${kind}-${i}`);
    const shown = await core.handle(commandEvent(user, 'recommend'));
    const top = cardMovieIds(shown)[0];
    const select = top === undefined ? undefined : ratingAction(shown, top);
    if (top === undefined || !select) continue;
    const t = performance.now();
    await core.handle(actionEvent(user, select.id, select.values[0]));
    const next = await core.handle(commandEvent(user, 'recommend'));
    const ms = performance.now() - t;
    if (!cardMovieIds(next).includes(top)) {
      visible++;
      samples.push(ms);
    }
  }
  return { ...summarize(samples), trials, visible };
}

/** `users` simulated people each looping recommend → rate one shown movie for `seconds`. */
export async function benchThroughput(
  core: CoreUnderTest['core'],
  users: number,
  seconds: number,
  kind: string,
): Promise<ThroughputFigures> {
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let requests = 0;
  let ratings = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: users }, async (_, u) => {
      const user =
        u % 2 ? movieLensUser(1 + ((u * 17) % MOVIELENS_USERS)) : consoleUser(`bench-load-${kind}-${u}`);
      let step = 0;
      while (performance.now() < deadline) {
        try {
          let t = performance.now();
          const shown = await core.handle(commandEvent(user, 'recommend'));
          latencies.push(performance.now() - t);
          requests++;
          const ids = cardMovieIds(shown);
          const pick = ids[step++ % Math.max(1, ids.length)];
          const select = pick === undefined ? undefined : ratingAction(shown, pick);
          if (select) {
            t = performance.now();
            await core.handle(actionEvent(user, select.id, select.values[(u + step) % select.values.length]));
            latencies.push(performance.now() - t);
            requests++;
            ratings++;
          }
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    users,
    seconds: round(elapsed),
    requests,
    ratings,
    errors,
    requestsPerSecond: round(requests / elapsed, 1),
    latencyMs: summarize(latencies),
  };
}

const WORKER_PATH = fileURLToPath(import.meta.url);

/** Runs {@link benchCore} in its own process (so its peak RSS is a bot process's), within `timeoutMs`. */
export async function benchCoreIsolated(
  options: Omit<CoreBenchOptions, 'logger'>,
  timeoutMs: number,
): Promise<CoreFigures | { kind: BenchDbKind; skipped: string }> {
  const result = await runChild<CoreFigures>(WORKER_PATH, [JSON.stringify(options)], { timeoutMs });
  return result.ok ? result.value : { kind: options.kind, skipped: result.reason };
}

// Worker entry: `node --import tsx bench/core-bench.ts '<options JSON>'` prints one JSON line.
if (process.argv[1] === WORKER_PATH) {
  const options = JSON.parse(process.argv[2]!) as Omit<CoreBenchOptions, 'logger'>;
  const figures = await benchCore({ ...options, logger: pino({ level: 'warn' }, pino.destination(2)) });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
