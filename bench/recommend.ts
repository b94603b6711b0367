/**
 * Engine benchmark: training time per model component on ml-latest-small, model size and load time,
 * and single-recommendation latency (score + filter + re-rank + reasons) with a trained model.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvalDataset } from '../src/recommend/eval/run-eval.ts';
import { HybridRecommender } from '../src/recommend/hybrid.ts';
import { deserializeModel, serializeModel } from '../src/recommend/serialize.ts';
import { trainHybridState } from '../src/recommend/train.ts';
import type { UserState } from '../src/recommend/types.ts';

const DEFAULT_DATA = path.resolve(
  fileURLToPath(new URL('../../shared/data/ml-latest-small', import.meta.url)),
);
const LATENCY_USERS = 200;

function percentiles(samples: number[], prefix: string): Record<string, number> {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { [`${prefix}P50Ms`]: r(at(50)), [`${prefix}P95Ms`]: r(at(95)), [`${prefix}P99Ms`]: r(at(99)) };
}

/** Runs the engine benchmark; every figure is a number (seconds, milliseconds, megabytes). */
export async function run(args: { dataDir?: string; quick?: boolean } = {}): Promise<Record<string, number>> {
  const dir = args.dataDir ?? DEFAULT_DATA;
  const dataset = readEvalDataset(dir);
  const out: Record<string, number> = {};
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const state = trainHybridState(dataset, {
    onProgress: (name, seconds) => {
      out[`train_${name}_s`] = Math.round(seconds * 100) / 100;
    },
  });
  out.trainTotalSeconds = Math.round((performance.now() - wallStart) / 10) / 100;
  const cpu = process.cpuUsage(cpuStart);
  out.trainCpuSeconds = Math.round((cpu.user + cpu.system) / 1e4) / 100;
  out.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

  let t = performance.now();
  const bytes = serializeModel(state);
  out.serializeMs = Math.round(performance.now() - t);
  out.modelMb = Math.round((bytes.length / 1e6) * 10) / 10;
  t = performance.now();
  const loaded = deserializeModel(bytes)!;
  const rec = new HybridRecommender(loaded);
  out.loadMs = Math.round(performance.now() - t);

  const byUser = new Map<number, UserState>();
  for (const r of dataset.ratings) {
    let u = byUser.get(r.user);
    if (!u) {
      u = { ratings: [], seen: [], notInterested: [], watchlist: [] };
      byUser.set(r.user, u);
    }
    (u.ratings as { item: number; rating: number; timestamp: number }[]).push({
      item: r.item,
      rating: r.rating,
      timestamp: r.timestamp,
    });
  }
  const users = [...byUser.values()].slice(0, args.quick ? 50 : LATENCY_USERS);
  // Warm-up: the first calls pay for JIT compilation.
  for (const u of users.slice(0, 10)) rec.recommend(u, { n: 10 });
  const personal: number[] = [];
  const steered: number[] = [];
  // CPU time per call as well as wall time: on a shared machine wall-clock percentiles include waits.
  const cpuBefore = process.cpuUsage();
  for (const u of users) rec.recommend(u, { n: 10 });
  const cpuUsed = process.cpuUsage(cpuBefore);
  out.recommendCpuMeanMs = Math.round(((cpuUsed.user + cpuUsed.system) / 1000 / users.length) * 100) / 100;
  for (const u of users) {
    t = performance.now();
    rec.recommend(u, { n: 10 });
    personal.push(performance.now() - t);
    t = performance.now();
    rec.recommend(u, { n: 10, steer: { genres: ['Comedy'] }, filter: (m) => (m.year ?? 0) >= 1990 });
    steered.push(performance.now() - t);
  }
  const cold: number[] = [];
  const similar: number[] = [];
  const empty: UserState = { ratings: [], seen: [], notInterested: [], watchlist: [] };
  for (let k = 0; k < users.length; k++) {
    t = performance.now();
    rec.recommend(empty, { n: 10 });
    cold.push(performance.now() - t);
    t = performance.now();
    rec.similar(dataset.items[k % dataset.items.length]!.id, { n: 10 });
    similar.push(performance.now() - t);
  }
  Object.assign(
    out,
    percentiles(personal, 'recommend'),
    percentiles(steered, 'recommendSteered'),
    percentiles(cold, 'recommendCold'),
    percentiles(similar, 'similar'),
  );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run({ dataDir: process.argv[2] });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
