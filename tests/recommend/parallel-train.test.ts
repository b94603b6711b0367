import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EASE_CONFIG, easeColumns, easeGram, easeItems } from '../../src/recommend/ease.ts';
import {
  DEFAULT_ITEM_KNN_CONFIG,
  interleaveNeighbours,
  itemKnnRows,
  type NeighbourState,
  trainItemKnn,
} from '../../src/recommend/item-knn.ts';
import { DEFAULT_MF_CONFIG, initialMfFactors, trainMf } from '../../src/recommend/mf.ts';
import { balancedRanges, trainHybridStateParallel } from '../../src/recommend/parallel/train-parallel.ts';
import { prepareDataset } from '../../src/recommend/prepare.ts';
import { trainHybridState } from '../../src/recommend/train.ts';
import { syntheticDataset } from './fixtures.ts';

const FIXED_TIME = new Date('2026-01-01T00:00:00Z');
const SMALL_EASE = { ease: { maxItems: 200, minRatings: 2 } };

/** Share of the exact top-10 neighbours of every item that the sampled lists keep. */
function top10Overlap(exact: NeighbourState, sampled: NeighbourState): number {
  let overlap = 0;
  let total = 0;
  for (let i = 0; i + 1 < exact.ptr.length; i++) {
    const a = new Set(exact.nbr.subarray(exact.ptr[i]!, Math.min(exact.ptr[i]! + 10, exact.ptr[i + 1]!)));
    const b = sampled.nbr.subarray(sampled.ptr[i]!, Math.min(sampled.ptr[i]! + 10, sampled.ptr[i + 1]!));
    total += a.size;
    for (const j of b) if (a.has(j)) overlap++;
  }
  return overlap / total;
}

describe('parallel training', () => {
  it('trains the same model as the serial path, bit for bit', async () => {
    const dataset = syntheticDataset({ items: 150, users: 90, seed: 3 });
    const serial = trainHybridState(dataset, { config: SMALL_EASE, trainedAt: FIXED_TIME });
    for (const threads of [1, 2, 3]) {
      const parallel = await trainHybridStateParallel(dataset, {
        config: SMALL_EASE,
        trainedAt: FIXED_TIME,
        threads,
      });
      expect({ ...parallel, trainSeconds: {} }).toEqual({ ...serial, trainSeconds: {} });
    }
  });

  it('accepts columns, skips EASE when asked and reports every component', async () => {
    const dataset = syntheticDataset({ seed: 5 });
    const columns = {
      user: Int32Array.from(dataset.ratings, (r) => r.user),
      item: Int32Array.from(dataset.ratings, (r) => r.item),
      rating: Float32Array.from(dataset.ratings, (r) => r.rating),
      timestamp: Float64Array.from(dataset.ratings, (r) => r.timestamp),
    };
    const seen: string[] = [];
    const config = { ...SMALL_EASE, skipEase: true };
    const state = await trainHybridStateParallel(
      { items: dataset.items, columns },
      { config, trainedAt: FIXED_TIME, onProgress: (c) => seen.push(c) },
    );
    expect(state.ease.items.length).toBe(0);
    expect(seen.sort()).toEqual(['baseline', 'content', 'itemKnn', 'mf', 'popularity', 'prepare', 'userKnn']);
    const serial = trainHybridState(dataset, { config, trainedAt: FIXED_TIME });
    expect(state.mf).toEqual(serial.mf);
    expect(state.itemKnn).toEqual(serial.itemKnn);
  });
});

describe('training building blocks', () => {
  const data = prepareDataset(syntheticDataset({ items: 150, users: 90, seed: 4 }));

  it('item-kNN parts interleave into the whole model', () => {
    const whole = trainItemKnn(data);
    for (const parts of [2, 3, 7]) {
      const pieces = Array.from({ length: parts }, (_, p) =>
        itemKnnRows(data, DEFAULT_ITEM_KNN_CONFIG, p, parts),
      );
      expect(interleaveNeighbours(pieces, data.items.length)).toEqual(whole);
    }
  });

  it('item-kNN sampling of raters is exact up to the cap and close below it', () => {
    const maxRaters = Math.max(
      ...Array.from({ length: data.items.length }, (_, i) => data.itemPtr[i + 1]! - data.itemPtr[i]!),
    );
    const exact = trainItemKnn(data, {
      ...DEFAULT_ITEM_KNN_CONFIG,
      maxUsersPerItem: Number.POSITIVE_INFINITY,
    });
    expect(trainItemKnn(data, { ...DEFAULT_ITEM_KNN_CONFIG, maxUsersPerItem: maxRaters })).toEqual(exact);
    const sampled = trainItemKnn(data, {
      ...DEFAULT_ITEM_KNN_CONFIG,
      maxUsersPerItem: Math.ceil(maxRaters / 2),
    });
    // Half the raters of the busiest items: most of each top-10 list survives.
    const overlap = top10Overlap(exact, sampled);
    expect(overlap).toBeGreaterThan(0.5);
    expect(overlap).toBeLessThan(1);
  });

  it('item-kNN history sampling is exact up to the cap and close below it', () => {
    let longest = 0;
    for (let u = 0; u < data.userVocab.size; u++)
      longest = Math.max(longest, data.userPtr[u + 1]! - data.userPtr[u]!);
    const exact = trainItemKnn(data, { ...DEFAULT_ITEM_KNN_CONFIG, maxHistory: Number.POSITIVE_INFINITY });
    expect(trainItemKnn(data, { ...DEFAULT_ITEM_KNN_CONFIG, maxHistory: longest })).toEqual(exact);
    const sampled = trainItemKnn(data, { ...DEFAULT_ITEM_KNN_CONFIG, maxHistory: Math.ceil(longest / 2) });
    expect(sampled).not.toEqual(exact);
    const overlap = top10Overlap(exact, sampled);
    expect(overlap).toBeGreaterThan(0.5);
  });

  it('item-kNN visit budget is exact when every item fits and samples raters when not', () => {
    let busiest = 0;
    for (let i = 0; i < data.items.length; i++) {
      let visits = 0;
      for (let k = data.itemPtr[i]!; k < data.itemPtr[i + 1]!; k++) {
        const u = data.itemUsers[k]!;
        visits += data.userPtr[u + 1]! - data.userPtr[u]!;
      }
      busiest = Math.max(busiest, visits);
    }
    const exact = trainItemKnn(data, {
      ...DEFAULT_ITEM_KNN_CONFIG,
      maxVisitsPerItem: Number.POSITIVE_INFINITY,
    });
    expect(trainItemKnn(data, { ...DEFAULT_ITEM_KNN_CONFIG, maxVisitsPerItem: busiest })).toEqual(exact);
    const sampled = trainItemKnn(data, {
      ...DEFAULT_ITEM_KNN_CONFIG,
      maxVisitsPerItem: Math.ceil(busiest / 2),
    });
    expect(sampled).not.toEqual(exact);
  });

  it('MF row sampling is exact up to the cap and close below it', () => {
    let longest = 0;
    for (let i = 0; i < data.items.length; i++)
      longest = Math.max(longest, data.itemPtr[i + 1]! - data.itemPtr[i]!);
    for (let u = 0; u < data.userVocab.size; u++)
      longest = Math.max(longest, data.userPtr[u + 1]! - data.userPtr[u]!);
    const config = { ...DEFAULT_MF_CONFIG, iterations: 3 };
    const exact = trainMf(data, { ...config, maxRatingsPerRow: Number.POSITIVE_INFINITY });
    expect(trainMf(data, { ...config, maxRatingsPerRow: longest })).toEqual({
      ...exact,
      maxRatingsPerRow: longest,
    });
    const sampled = trainMf(data, { ...config, maxRatingsPerRow: Math.ceil(longest / 2) });
    let diff = 0;
    for (let i = 0; i < exact.itemBias.length; i++)
      diff = Math.max(diff, Math.abs(sampled.itemBias[i]! - exact.itemBias[i]!));
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(0.5);
  });

  it('EASE Gram row parts fill disjoint cells that add up to the whole', () => {
    const config = { ...DEFAULT_EASE_CONFIG, minRatings: 2 };
    const kept = easeItems(data.itemPtr, config);
    const column = easeColumns(data.items.length, kept);
    const n = kept.length;
    const whole = new Float64Array(n * n);
    easeGram(data, column, whole, n, 1, 0, 1);
    const parts = new Float64Array(n * n);
    for (let p = 0; p < 3; p++) easeGram(data, column, parts, n, 1, p, 3);
    expect(parts).toEqual(whole);
    // Lower triangle only, and the diagonal is each item's Σ weight² (positive).
    for (let a = 0; a < n; a++) {
      expect(whole[a * n + a]).toBeGreaterThan(0);
      for (let b = a + 1; b < n; b++) expect(whole[a * n + b]).toBe(0);
    }
  });

  it('balanced ranges cover every row once', () => {
    for (const chunks of [1, 2, 5, 40]) {
      const ranges = balancedRanges(data.userPtr, chunks);
      expect(ranges[0]![0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(data.userPtr.length - 1);
      for (let r = 1; r < ranges.length; r++) expect(ranges[r]![0]).toBe(ranges[r - 1]![1]);
      for (const [from, to] of ranges) expect(to).toBeGreaterThan(from);
    }
  });

  it('MF matches an ml-matrix ALS reference', () => {
    const config = { ...DEFAULT_MF_CONFIG, iterations: 3 };
    const fast = trainMf(data, config);
    const ref = referenceMf(data, config);
    for (let x = 0; x < ref.q.length; x++) expect(fast.itemFactors[x]).toBeCloseTo(ref.q[x]!, 4);
    for (let i = 0; i < ref.bi.length; i++) expect(fast.itemBias[i]).toBeCloseTo(ref.bi[i]!, 4);
  });
});

/** ALS as it was written before the specialised loops: rows built per rating, solved by ml-matrix. */
function referenceMf(data: ReturnType<typeof prepareDataset>, config: typeof DEFAULT_MF_CONFIG) {
  const k = config.factors;
  const { p, q } = initialMfFactors(config, data.userVocab.size, data.items.length);
  const bu = new Float64Array(data.userVocab.size);
  const bi = new Float64Array(data.items.length);
  const solve = (
    ptr: Int32Array,
    idx: Int32Array,
    stars: Float32Array,
    fixed: Float64Array,
    fixedBias: Float64Array,
    out: Float64Array,
    outBias: Float64Array,
  ) => {
    for (let r = 0; r < ptr.length - 1; r++) {
      if (ptr[r + 1] === ptr[r]) continue;
      const m = new Matrix(k + 1, k + 1);
      const rhs = new Matrix(k + 1, 1);
      for (let t = ptr[r]!; t < ptr[r + 1]!; t++) {
        const j = idx[t]!;
        const row = [...fixed.subarray(j * k, j * k + k), 1];
        const y = stars[t]! - data.globalMean - fixedBias[j]!;
        for (let a = 0; a <= k; a++) {
          rhs.set(a, 0, rhs.get(a, 0) + row[a]! * y);
          for (let b = 0; b <= k; b++) m.set(a, b, m.get(a, b) + row[a]! * row[b]!);
        }
      }
      for (let a = 0; a <= k; a++) m.set(a, a, m.get(a, a) + (a === k ? config.biasReg : config.reg));
      const x = new CholeskyDecomposition(m).solve(rhs).getColumn(0);
      out.set(x.slice(0, k), r * k);
      outBias[r] = x[k]!;
    }
  };
  for (let it = 0; it < config.iterations; it++) {
    solve(data.userPtr, data.userItems, data.userRatings, q, bi, p, bu);
    solve(data.itemPtr, data.itemUsers, data.itemRatings, p, bu, q, bi);
  }
  return { q, bi };
}
