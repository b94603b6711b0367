import type { PreparedData } from './prepare.ts';
import { topK } from './top-k.ts';

export interface ItemKnnConfig {
  /** Neighbours kept per item. */
  neighbours: number;
  /** Added to the cosine denominator so pairs with few co-ratings count less. */
  shrinkage: number;
  /** Items with fewer ratings get no neighbours (their similarities are noise). */
  minRatings: number;
  /**
   * Co-ratings of an item with more raters than this are counted over an evenly spaced sample of
   * them (bounds the Σ|history|² cost at scale; ml-latest-small's most-rated movie has 329 raters,
   * so 1,000 leaves it exact). See the README for the measured effect at 25M.
   */
  maxUsersPerItem: number;
  /**
   * A rater with a longer history contributes an evenly spaced sample of this many of their items,
   * each counted once (a heavy rater weighs like one with this many ratings: up-weighting the sample
   * instead is unbiased but noisier, 0.58 vs 0.65 of the exact top-10 similarity kept at 25M). Heavy
   * raters dominate the cost (Σ|history|²: 1.3·10¹¹ visits at 25M, 2.6·10¹⁰ with this cap);
   * ml-latest-small's largest history is 2,698, so 3,000 is exact there.
   */
  maxHistory: number;
  /**
   * Co-rating visits (Σ over the item's counted raters of their counted history) allowed per item;
   * above it the raters are sampled evenly down to the budget. ml-latest-small's busiest item needs
   * 81,340 visits, so 100,000 is exact there; at 25M it cuts the visits from 2.6·10¹⁰ to 6.2·10⁹.
   */
  maxVisitsPerItem: number;
}

export const DEFAULT_ITEM_KNN_CONFIG: ItemKnnConfig = {
  neighbours: 50,
  shrinkage: 10,
  minRatings: 2,
  maxUsersPerItem: 1000,
  maxHistory: 3000,
  maxVisitsPerItem: 100_000,
};

/** Each item's nearest neighbours by rating cosine: `nbr/sim[ptr[i]..ptr[i+1]]`, most similar first. */
export interface NeighbourState {
  ptr: Int32Array;
  nbr: Int32Array;
  sim: Float32Array;
}

/** The rating matrix both ways as compressed sparse rows (a subset of {@link PreparedData}). */
export type RatingMatrix = Pick<
  PreparedData,
  'userPtr' | 'userItems' | 'userRatings' | 'itemPtr' | 'itemUsers' | 'itemRatings' | 'globalMean'
>;

/**
 * Item-item cosine similarity over who rated what (binary), keeping the top neighbours per item.
 * Cost is Σ over users of |history|², computed one item row at a time with a dense accumulator.
 */
export function trainItemKnn(data: PreparedData, config = DEFAULT_ITEM_KNN_CONFIG): NeighbourState {
  return itemKnnRows(data, config, 0, 1);
}

/**
 * The neighbour lists of items `part, part + parts, part + 2·parts, …` (interleaved, so parts of a
 * Zipf-shaped catalog cost about the same), packed in that order. `parts = 1` is the whole model;
 * {@link interleaveNeighbours} merges parts computed in parallel.
 *
 * An item rated by more than `maxUsersPerItem` users counts co-ratings over an evenly spaced sample
 * of that many of its raters, scaled back up by the sampling ratio (an unbiased estimate of the
 * co-rating count); items with fewer raters are exact.
 */
export function itemKnnRows(
  data: RatingMatrix,
  config: ItemKnnConfig,
  part: number,
  parts: number,
): NeighbourState {
  const n = data.itemPtr.length - 1;
  const cap = Math.max(1, config.maxUsersPerItem);
  const maxHistory = Math.max(1, config.maxHistory);
  const count = new Float64Array(n);
  for (let i = 0; i < n; i++) count[i] = data.itemPtr[i + 1]! - data.itemPtr[i]!;
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  const sims = new Float64Array(n);
  const lists: { nbr: Int32Array; sim: Float32Array }[] = [];
  let total = 0;
  for (let i = part; i < n; i += parts) {
    const ci = count[i]!;
    if (ci < config.minRatings) {
      lists.push({ nbr: new Int32Array(0), sim: new Float32Array(0) });
      continue;
    }
    const base = data.itemPtr[i]!;
    let sampled = Math.min(ci, cap);
    let visits = 0;
    for (let k = base; k < base + ci; k++) {
      const u = data.itemUsers[k]!;
      visits += Math.min(maxHistory, data.userPtr[u + 1]! - data.userPtr[u]!);
    }
    if (visits > config.maxVisitsPerItem) {
      sampled = Math.min(sampled, Math.max(1, Math.floor((ci * config.maxVisitsPerItem) / visits)));
    }
    let nt = 0;
    for (let t = 0; t < sampled; t++) {
      const u = data.itemUsers[sampled === ci ? base + t : base + Math.floor((t * ci) / sampled)]!;
      const from = data.userPtr[u]!;
      const length = data.userPtr[u + 1]! - from;
      if (length <= maxHistory) {
        for (let q = from; q < from + length; q++) {
          const j = data.userItems[q]!;
          if (j === i) continue;
          if (acc[j] === 0) touched[nt++] = j;
          acc[j]! += 1;
        }
      } else {
        for (let h = 0; h < maxHistory; h++) {
          const j = data.userItems[from + Math.floor((h * length) / maxHistory)]!;
          if (j === i) continue;
          if (acc[j] === 0) touched[nt++] = j;
          acc[j]! += 1;
        }
      }
    }
    const scale = ci / sampled;
    for (let t = 0; t < nt; t++) {
      const j = touched[t]!;
      sims[j] =
        count[j]! >= config.minRatings
          ? (acc[j]! * scale) / (Math.sqrt(ci * count[j]!) + config.shrinkage)
          : 0;
    }
    const keep = topK(sims, config.neighbours, (j) => sims[j]! > 0, touched, nt);
    lists.push({ nbr: Int32Array.from(keep), sim: Float32Array.from(keep, (j) => sims[j]!) });
    total += keep.length;
    for (let t = 0; t < nt; t++) {
      acc[touched[t]!] = 0;
      sims[touched[t]!] = 0;
    }
  }
  return packNeighbours(lists, total);
}

/** Merges `parts[p]` = {@link itemKnnRows}(…, p, parts.length) into the whole model's lists. */
export function interleaveNeighbours(parts: NeighbourState[], items: number): NeighbourState {
  const w = parts.length;
  const ptr = new Int32Array(items + 1);
  for (let i = 0; i < items; i++) {
    const p = parts[i % w]!;
    const r = Math.floor(i / w);
    ptr[i + 1] = ptr[i]! + p.ptr[r + 1]! - p.ptr[r]!;
  }
  const nbr = new Int32Array(ptr[items]!);
  const sim = new Float32Array(ptr[items]!);
  for (let i = 0; i < items; i++) {
    const p = parts[i % w]!;
    const r = Math.floor(i / w);
    nbr.set(p.nbr.subarray(p.ptr[r]!, p.ptr[r + 1]!), ptr[i]!);
    sim.set(p.sim.subarray(p.ptr[r]!, p.ptr[r + 1]!), ptr[i]!);
  }
  return { ptr, nbr, sim };
}

export function packNeighbours(
  lists: { nbr: Int32Array; sim: Float32Array }[],
  total: number,
): NeighbourState {
  const ptr = new Int32Array(lists.length + 1);
  const nbr = new Int32Array(total);
  const sim = new Float32Array(total);
  for (let i = 0; i < lists.length; i++) {
    const l = lists[i]!;
    ptr[i + 1] = ptr[i]! + l.nbr.length;
    nbr.set(l.nbr, ptr[i]!);
    sim.set(l.sim, ptr[i]!);
  }
  return { ptr, nbr, sim };
}
