/**
 * Effect of item-kNN's sampling at scale (rater cap, history cap, visit budget): `node
 * --max-old-space-size=14000 --import tsx bench/knn-sampling.ts <ratings> [stride]` computes the
 * neighbour lists of every stride-th item exactly and with the default caps, and prints how many of
 * each exact top-10 / top-50 the sampled lists keep (overall and for the items that were sampled)
 * and the CPU seconds of both. `KNN_CONFIG='{"maxVisitsPerItem":1e12}'` overrides caps of the sampled run.
 */
import { DEFAULT_ITEM_KNN_CONFIG, itemKnnRows } from '../src/recommend/item-knn.ts';
import { prepareColumns } from '../src/recommend/prepare.ts';
import { columnarDataset } from './scale.ts';
import { generateRatings } from './synthetic.ts';

const ratings = Number(process.argv[2] ?? 5_000_000);
const stride = Number(process.argv[3] ?? 100);
const input = columnarDataset(generateRatings(ratings, 42));
const data = prepareColumns(input.items, input.columns);
const cpu = (fn: () => ReturnType<typeof itemKnnRows>) => {
  const c = process.cpuUsage();
  const out = fn();
  const u = process.cpuUsage(c);
  return { out, seconds: (u.user + u.system) / 1e6 };
};
const exact = cpu(() =>
  itemKnnRows(
    data,
    {
      ...DEFAULT_ITEM_KNN_CONFIG,
      maxUsersPerItem: Number.POSITIVE_INFINITY,
      maxHistory: Number.POSITIVE_INFINITY,
      maxVisitsPerItem: Number.POSITIVE_INFINITY,
    },
    0,
    stride,
  ),
);
const capped = cpu(() =>
  itemKnnRows(data, { ...DEFAULT_ITEM_KNN_CONFIG, ...JSON.parse(process.env.KNN_CONFIG ?? '{}') }, 0, stride),
);
const cfg = DEFAULT_ITEM_KNN_CONFIG;
/** Whether item i's co-ratings were sampled under the default caps. */
const wasSampled = (i: number) => {
  const ci = data.itemPtr[i + 1]! - data.itemPtr[i]!;
  let visits = 0;
  for (let k = data.itemPtr[i]!; k < data.itemPtr[i + 1]!; k++) {
    const u = data.itemUsers[k]!;
    const length = data.userPtr[u + 1]! - data.userPtr[u]!;
    if (length > cfg.maxHistory) return true;
    visits += length;
  }
  return ci > cfg.maxUsersPerItem || visits > cfg.maxVisitsPerItem;
};
const kept = (top: number, onlyAbove: boolean) => {
  let hit = 0;
  let total = 0;
  for (let r = 0; r * stride < data.items.length; r++) {
    const i = r * stride;
    if (onlyAbove && !wasSampled(i)) continue;
    const e = exact.out;
    const c = capped.out;
    const want = new Set(e.nbr.subarray(e.ptr[r]!, Math.min(e.ptr[r + 1]!, e.ptr[r]! + top)));
    for (const j of c.nbr.subarray(c.ptr[r]!, Math.min(c.ptr[r + 1]!, c.ptr[r]! + top)))
      if (want.has(j)) hit++;
    total += want.size;
  }
  return total > 0 ? Math.round((hit / total) * 1000) / 1000 : null;
};
/**
 * Exact similarity the sampled top-`top` lists retain: Σ exact sim of the sampled neighbours over Σ
 * exact sim of the exact neighbours (1 = as good as exact). On data without taste structure many
 * neighbours are nearly tied, so list overlap understates quality; this ratio does not.
 */
const retained = (top: number) => {
  const n = data.items.length;
  const acc = new Float64Array(n);
  let got = 0;
  let best = 0;
  for (let r = 0; r * stride < n; r++) {
    const i = r * stride;
    acc.fill(0);
    for (let k = data.itemPtr[i]!; k < data.itemPtr[i + 1]!; k++) {
      const u = data.itemUsers[k]!;
      for (let q = data.userPtr[u]!; q < data.userPtr[u + 1]!; q++) acc[data.userItems[q]!]! += 1;
    }
    const ci = data.itemPtr[i + 1]! - data.itemPtr[i]!;
    const exactSim = (j: number) =>
      acc[j]! / (Math.sqrt(ci * (data.itemPtr[j + 1]! - data.itemPtr[j]!)) + cfg.shrinkage);
    const e = exact.out;
    const c = capped.out;
    for (const j of e.nbr.subarray(e.ptr[r]!, Math.min(e.ptr[r + 1]!, e.ptr[r]! + top))) best += exactSim(j);
    for (const j of c.nbr.subarray(c.ptr[r]!, Math.min(c.ptr[r + 1]!, c.ptr[r]! + top))) got += exactSim(j);
  }
  return Math.round((got / best) * 1000) / 1000;
};
let above = 0;
for (let i = 0; i < data.items.length; i += stride) if (wasSampled(i)) above++;
console.log(
  JSON.stringify({
    ratings: data.userItems.length,
    items: data.items.length,
    sampledItems: Math.ceil(data.items.length / stride),
    sampledItemsAffected: above,
    top10SimilarityRetained: retained(10),
    top50SimilarityRetained: retained(50),
    top10Kept: kept(10, false),
    top50Kept: kept(50, false),
    top10KeptAffected: kept(10, true),
    top50KeptAffected: kept(50, true),
    exactCpuSeconds: Math.round(exact.seconds * 10) / 10,
    cappedCpuSeconds: Math.round(capped.seconds * 10) / 10,
  }),
);
