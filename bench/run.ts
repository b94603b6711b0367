/**
 * `movierec bench`: one run measures import, training, recommendation latency through the core on
 * PGlite and on the Postgres server, rating visibility, autocomplete + parse latency, throughput
 * and peak RSS on ml-latest-small, then the scale-up on generated MovieLens-25M-shaped data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BotRssFigures, botRssIsolated } from './bot-rss.ts';
import { runChild } from './child.ts';
import { benchCoreIsolated, type CoreFigures } from './core-bench.ts';
import { type BenchDbKind, benchServerUrl, serverReachable } from './databases.ts';
import { describeMachine, type MachineInfo } from './machine.ts';
import type { OutageFigures } from './outage.ts';
import { formatReport } from './report.ts';
import { runScalePointIsolated, type ScalePointOutcome } from './scale.ts';
import { peakRssMb } from './stats.ts';

export const DEFAULT_DATA_DIR = path.resolve(fileURLToPath(new URL('../../shared/data', import.meta.url)));

export interface BenchOptions {
  json: boolean;
  quick: boolean;
  /** `small`: ml-latest-small only; `25m`: also the scale-up ladder up to 25M ratings. */
  scale: 'small' | '25m';
  dataDir: string;
  /** Whole-run budget; scale points that would not fit are skipped and reported as such. */
  budgetSeconds: number;
  seed: number;
}

export interface BenchReport {
  startedAt: string;
  options: Omit<BenchOptions, 'json'>;
  machine: MachineInfo;
  small: {
    skipped?: string;
    core: (CoreFigures | { kind: BenchDbKind; skipped: string })[];
    /** From the engine's bench/recommend.ts (training time per model). */
    training?: unknown;
    /** From the NLP bench/parse.ts (autocomplete and parse latency). */
    nlp?: unknown;
    /** Peak RSS of the orchestrating process (engine and NLP benches run in it). */
    peakRssMb: number;
    /** A bot process's peak RSS (bench/bot-rss.ts): import in its own process, then train + serve. */
    botRss: (BotRssFigures | { kind: BenchDbKind; skipped: string })[];
  };
  scale: ScalePointOutcome[];
  /** Database outage under 100 users (bench/outage.ts), when MOVIEREC_BENCH_OUTAGE=1. */
  outage?: OutageFigures[] | { skipped: string };
  targets: { name: string; target: string; measured: string; ok: boolean | null }[];
  loadAverageAtEnd: number;
  totalSeconds: number;
}

/** The bot-process memory step takes ~35 s on this machine. */
const BOT_RSS_TIMEOUT_MS = 180_000;

/** Share of the budget each database's core benchmark (import, training, latency) may use. */
const CORE_BUDGET_SHARE = 0.22;
/** Extra time a core step gets past its allowance before it is stopped (its last phases are bounded). */
const CORE_SLACK_SECONDS = 90;
/**
 * Scale-up points (ratings). Quick mode stops at 1M. 5M is left out so the 25M point fits the default
 * budget after the ml-latest-small part (`--budget` larger and `SCALE_POINTS` edited to add it back).
 */
const SCALE_POINTS = [1_000_000, 25_000_000];
/**
 * A point's time grows about linearly with ratings now that training samples the heaviest rows
 * (item-kNN and ALS caps) and runs on worker threads: budget the next point with this exponent.
 */
const TRAIN_GROWTH_EXPONENT = 1;
/**
 * A point runs unless its prediction exceeds this multiple of the budget left: the child is killed
 * when the budget runs out anyway (reported as over budget), so a borderline point is worth trying.
 */
const PREDICTION_SLACK = 1.5;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const remaining = () => options.budgetSeconds - (performance.now() - started) / 1000;
  const serverUrl = benchServerUrl();
  const serverProblem = await serverReachable(serverUrl);
  const machine = await describeMachine(serverProblem ? undefined : serverUrl);
  say(`${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, load ${machine.loadAverageAtStart}`);

  const small: BenchReport['small'] = { core: [], peakRssMb: 0, botRss: [] };
  const mlDir = path.join(options.dataDir, 'ml-latest-small');
  if (!fs.existsSync(path.join(mlDir, 'ratings.csv'))) {
    small.skipped = `${mlDir} not found: ml-latest-small figures skipped (the scale-up needs no data and still runs)`;
    say(small.skipped);
  } else {
    small.training = await optionalBench('recommend.ts', { dataDir: mlDir, quick: options.quick }, say);
    small.nlp = await optionalBench('parse.ts', { dataDir: mlDir, quick: options.quick }, say);
    (small as Record<string, unknown>).importLoad = await optionalBench(
      'import-load.ts',
      { dataDir: mlDir },
      say,
    );
    const kinds: BenchDbKind[] = ['pglite', 'postgres'];
    for (const kind of kinds) {
      if (kind === 'postgres' && serverProblem) {
        small.core.push({ kind, skipped: serverProblem });
        say(`postgres skipped: ${serverProblem}`);
        continue;
      }
      say(`core on ${kind}: import + train + latency + throughput (own process) …`);
      const allowanceSeconds = options.budgetSeconds * CORE_BUDGET_SHARE;
      try {
        small.core.push(
          await benchCoreIsolated(
            {
              kind,
              dir: mlDir,
              allowanceSeconds,
              runs: options.quick ? 1 : 3,
              requests: options.quick ? 100 : 300,
              visibilityTrials: options.quick ? 10 : 40,
              concurrentUsers: options.quick ? 20 : 50,
              throughputSeconds: options.quick ? 5 : 15,
            },
            (allowanceSeconds + CORE_SLACK_SECONDS) * 1000,
          ),
        );
      } catch (error) {
        small.core.push({ kind, skipped: `failed: ${(error as Error).message}` });
        say(`core on ${kind} failed: ${(error as Error).stack}`);
      }
      say(`bot process on ${kind}: import (own process), then train + serve (own process) …`);
      small.botRss.push(await botRssIsolated(kind, mlDir, options.quick ? 200 : 600, BOT_RSS_TIMEOUT_MS));
    }
  }
  small.peakRssMb = peakRssMb();

  const scale: ScalePointOutcome[] = [];
  if (options.scale === '25m') {
    const points = options.quick ? SCALE_POINTS.slice(0, 1) : SCALE_POINTS;
    let previous: { ratings: number; seconds: number } | undefined;
    for (const ratings of points) {
      const left = remaining();
      const predicted = previous
        ? previous.seconds * (ratings / previous.ratings) ** TRAIN_GROWTH_EXPONENT
        : 0;
      if (left < 30 || predicted > left * PREDICTION_SLACK) {
        const why = `predicted ${Math.round(predicted)} s, ${Math.round(left)} s of the budget left`;
        scale.push({ targetRatings: ratings, skipped: why });
        say(`scale ${ratings}: skipped (${why})`);
        continue;
      }
      say(`scale ${ratings} ratings (generate + train + latency, own process) …`);
      const t0 = performance.now();
      const outcome = await runScalePointIsolated(ratings, {
        seed: options.seed,
        sampleUsers: options.quick ? 100 : 300,
        timeoutMs: left * 1000,
      });
      scale.push(outcome);
      if ('skipped' in outcome) say(`scale ${ratings}: ${outcome.skipped}`);
      previous = { ratings, seconds: (performance.now() - t0) / 1000 };
    }
  }

  // Optional (about 4 minutes, needs root for a private server): MOVIEREC_BENCH_OUTAGE=1.
  let outage: BenchReport['outage'];
  if (process.env.MOVIEREC_BENCH_OUTAGE === '1') {
    say('database outage: 100 users, private server stopped / killed for 60 s (own process) …');
    const child = await runChild<OutageFigures[]>(
      fileURLToPath(new URL('./outage.ts', import.meta.url)),
      ['--json'],
      {
        timeoutMs: 10 * 60_000,
      },
    );
    outage = child.ok ? child.value : { skipped: child.reason };
  }

  const report: BenchReport = {
    startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
    options: {
      quick: options.quick,
      scale: options.scale,
      dataDir: options.dataDir,
      budgetSeconds: options.budgetSeconds,
      seed: options.seed,
    },
    machine,
    small,
    scale,
    ...(outage ? { outage } : {}),
    targets: [],
    loadAverageAtEnd: Math.round(os.loadavg()[0]! * 100) / 100,
    totalSeconds: Math.round((performance.now() - started) / 1000),
  };
  report.targets = checkTargets(report);
  const out = formatReport(report);
  if (options.json) {
    process.stderr.write(`${out}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${out}\n`);
  }
  saveResult(report);
  return report;
}

/** Runs a benchmark module another engineer owns (`bench/recommend.ts`, `bench/parse.ts`) if present. */
async function optionalBench(
  file: string,
  args: Record<string, unknown>,
  say: (l: string) => void,
): Promise<unknown> {
  const url = new URL(`./${file}`, import.meta.url);
  if (!fs.existsSync(fileURLToPath(url))) return { skipped: `bench/${file} not present` };
  say(`${file} …`);
  try {
    const mod = (await import(url.href)) as { run?: (a: Record<string, unknown>) => Promise<unknown> };
    if (typeof mod.run !== 'function') return { skipped: `bench/${file} has no run() export` };
    return await mod.run(args);
  } catch (error) {
    say(`${file} failed: ${(error as Error).stack}`);
    return { skipped: `failed: ${(error as Error).message}` };
  }
}

function checkTargets(r: BenchReport): BenchReport['targets'] {
  const targets: BenchReport['targets'] = [];
  for (const c of r.small.core) {
    if ('skipped' in c) continue;
    targets.push(
      {
        name: `recommend p99, ml-latest-small, ${c.kind}`,
        target: '<= 50 ms',
        measured: `${c.recommendMs.p99} ms`,
        ok: c.recommendMs.p99 <= 50,
      },
      {
        name: `new rating visible (p95), ${c.kind}`,
        target: '< 100 ms',
        measured: `${c.ratingVisibleMs.p95} ms (${c.ratingVisibleMs.visible}/${c.ratingVisibleMs.trials} visible)`,
        ok: c.ratingVisibleMs.p95 < 100 && c.ratingVisibleMs.visible === c.ratingVisibleMs.trials,
      },
      {
        name: `import + training, ${c.kind}`,
        target: '< 60 s',
        measured: `${c.importPlusTrainSeconds} s`,
        ok: c.importPlusTrainSeconds < 60,
      },
    );
  }
  for (const b of r.small.botRss) {
    if ('skipped' in b) continue;
    const peak = b.peakRssMb.afterServe;
    targets.push({
      name: `peak RSS of a bot process (train + serve, import before it), ${b.kind}`,
      target: '< 500 MB',
      measured: `${peak} MB (after training ${b.peakRssMb.afterTrain} MB)`,
      ok: peak < 500,
    });
  }
  const ran = r.scale.filter(
    (s): s is Extract<ScalePointOutcome, { trainSeconds: number }> => 'trainSeconds' in s,
  );
  const largest = ran.at(-1);
  if (largest) {
    const at25m = largest.targetRatings >= 25_000_000;
    targets.push({
      name: `recommend p99 at ${largest.targetRatings / 1e6}M ratings (model only)`,
      target: '<= 150 ms at 25M',
      measured: `${largest.recommendMs.p99} ms${at25m ? '' : ' (25M not run)'}`,
      ok: at25m ? largest.recommendMs.p99 <= 150 : null,
    });
  }
  for (const o of Array.isArray(r.outage) ? r.outage : []) {
    targets.push(
      {
        name: `reply while the database is down (${o.mode}, ${o.users} users, ${o.outageSeconds} s), max`,
        target: '<= 6 s',
        measured: `${o.whileDown.maxMs} ms (p50 ${o.whileDown.p50Ms}, p99 ${o.whileDown.p99Ms})`,
        ok: o.whileDown.maxMs <= 6_000,
      },
      {
        name: `normal answers after the database returns (${o.mode})`,
        target: '<= 5 s',
        measured: `${o.recovery.firstOkMs} ms first, ${o.recovery.allUsersOkMs} ms every user`,
        ok: o.recovery.allUsersOkMs !== null && o.recovery.allUsersOkMs <= 5_000,
      },
      {
        name: `acknowledged ratings lost in the outage (${o.mode})`,
        target: '0',
        measured: `${o.lostRatings} of ${o.acknowledgedRatings}`,
        ok: o.lostRatings === 0,
      },
    );
  }
  return targets;
}

function saveResult(report: BenchReport): void {
  try {
    const dir = fileURLToPath(new URL('./results', import.meta.url));
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `bench-${report.startedAt.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`bench: saved ${path.relative(process.cwd(), file)}\n`);
  } catch {}
}
