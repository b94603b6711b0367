/**
 * The scale-up: trains the production recommender on generated data with the shape of MovieLens 25M
 * at growing sizes and times training and recommendation. Each size runs in its own child process,
 * so its peak RSS is its own and a size that runs out of memory does not take the benchmark down.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { HybridRecommender } from '../src/recommend/hybrid.ts';
import { trainHybridStateParallel } from '../src/recommend/parallel/train-parallel.ts';
import type { ColumnarDataset } from '../src/recommend/train.ts';
import type { ItemMeta, UserState } from '../src/recommend/types.ts';
import { runChild } from './child.ts';
import { type LatencySummary, peakRssMb, round, summarize } from './stats.ts';
import { describeRatings, generateRatings, type SyntheticRatings } from './synthetic.ts';

export interface ScalePointResult {
  targetRatings: number;
  shape: Record<string, number>;
  generateSeconds: number;
  trainSeconds: number;
  /** Wall seconds per component (item-kNN, EASE and MF overlap on worker threads). */
  componentSeconds: Record<string, number>;
  /** Process CPU seconds (all threads) while training: the work, whatever the load. */
  trainCpuSeconds: number;
  /** Worker threads training used. */
  threads: number;
  /** 1-minute load average before and after training. */
  loadAverage: [number, number];
  /** In-memory model latency (no database): the database part does not grow with the catalog. */
  recommendMs: LatencySummary;
  /** `similar` (more like this), same users. */
  similarMs: LatencySummary;
  peakRssMb: number;
}

export type ScalePointOutcome = ScalePointResult | { targetRatings: number; skipped: string };

/** Child-process heap limit: 25M rating objects need far more than Node's default. */
const CHILD_HEAP_MB = 14_000;
const WORKER_PATH = fileURLToPath(import.meta.url);

/** The generated ratings as training input: columns over the generator's typed arrays, no objects. */
export function columnarDataset(data: SyntheticRatings): ColumnarDataset {
  const items: ItemMeta[] = [];
  for (let i = 0; i < data.items; i++) {
    items.push({
      id: i + 1,
      title: `Synthetic Movie ${i + 1}`,
      year: data.itemYear[i]!,
      genres: data.itemGenres[i]!,
      tags: [],
      directors: [],
      cast: [],
      runtime: null,
    });
  }
  const n = data.user.length;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const rating = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    user[k] = data.user[k]! + 1;
    item[k] = data.item[k]! + 1;
    rating[k] = data.halfStars[k]! / 2;
  }
  return { items, columns: { user, item, rating, timestamp: data.timestamp } };
}

/** The request-time state of user `u` (index), as the bot would read it from the database. */
function userState(data: SyntheticRatings, starts: Int32Array, u: number): UserState {
  const ratings: { item: number; rating: number; timestamp: number }[] = [];
  for (let k = starts[u]!; k < starts[u + 1]!; k++) {
    ratings.push({ item: data.item[k]! + 1, rating: data.halfStars[k]! / 2, timestamp: data.timestamp[k]! });
  }
  return { ratings, notInterested: [], seen: [], watchlist: [] };
}

/** One scale point, in this process (training on 2 worker threads, as the service would). */
export async function runScalePoint(
  targetRatings: number,
  seed: number,
  sampleUsers: number,
  threads = 2,
): Promise<ScalePointResult> {
  let t0 = performance.now();
  const data = generateRatings(targetRatings, seed);
  const generateSeconds = (performance.now() - t0) / 1000;
  const shape = describeRatings(data);
  const loadBefore = os.loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  const say = (line: string) => process.stderr.write(`bench: scale ${targetRatings}: ${line}\n`);
  const state = await trainHybridStateParallel(columnarDataset(data), {
    threads,
    onProgress: (c, sec) => say(`${c} ${sec.toFixed(1)} s`),
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const loadAfter = os.loadavg()[0]!;
  const model = new HybridRecommender(state);

  const starts = new Int32Array(data.users + 1);
  for (let k = 0; k < data.user.length; k++) starts[data.user[k]! + 1]!++;
  for (let u = 0; u < data.users; u++) starts[u + 1]! += starts[u]!;
  const step = Math.max(1, Math.floor(data.users / sampleUsers));
  const recommend: number[] = [];
  const similar: number[] = [];
  for (let u = 0, seen = 0; u < data.users && seen < sampleUsers; u += step, seen++) {
    const user = userState(data, starts, u);
    let s = performance.now();
    const recs = model.recommend(user, { n: 10 });
    recommend.push(performance.now() - s);
    const anchor = recs[0]?.item ?? 1;
    s = performance.now();
    model.similar(anchor, { n: 10, user });
    similar.push(performance.now() - s);
  }
  return {
    targetRatings,
    shape,
    generateSeconds: round(generateSeconds),
    trainSeconds: round(trainSeconds),
    componentSeconds: Object.fromEntries(Object.entries(state.trainSeconds).map(([k, v]) => [k, round(v)])),
    trainCpuSeconds: round((cpu.user + cpu.system) / 1e6),
    threads,
    loadAverage: [round(loadBefore), round(loadAfter)],
    recommendMs: summarize(recommend),
    similarMs: summarize(similar),
    peakRssMb: peakRssMb(),
  };
}

/** Runs one scale point in a child process with a large heap; resolves with its result or why it did not finish. */
export async function runScalePointIsolated(
  targetRatings: number,
  options: { seed: number; sampleUsers: number; timeoutMs: number },
): Promise<ScalePointOutcome> {
  const result = await runChild<ScalePointResult>(
    WORKER_PATH,
    [String(targetRatings), String(options.seed), String(options.sampleUsers)],
    { timeoutMs: options.timeoutMs, heapMb: CHILD_HEAP_MB },
  );
  return result.ok ? result.value : { targetRatings, skipped: result.reason };
}

// Worker entry: `node --import tsx bench/scale.ts <ratings> <seed> <sampleUsers>` prints one JSON line.
if (process.argv[1] === WORKER_PATH) {
  const [ratings, seed, sample] = process.argv.slice(2).map(Number);
  const result = await runScalePoint(ratings!, seed!, sample!);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
