import { inverseSpdInPlace } from './linalg.ts';
import type { PreparedData } from './prepare.ts';
import { topK } from './top-k.ts';
import type { UserContext } from './user-context.ts';

export interface EaseConfig {
  /** L2 regularisation of the item-item weights. */
  lambda: number;
  /** Items need this many ratings to enter the model. */
  minRatings: number;
  /** At most this many (most-rated) items: the closed form costs O(items³). */
  maxItems: number;
  /**
   * Interactions are weighted `1 + ratingSlope · (rating − user mean)`: explicit stars carry signal
   * that a 0/1 matrix drops.
   */
  ratingSlope: number;
  /**
   * Weights kept per row (largest magnitude first). The dense B is items² floats (16 MB for 2,000
   * items) and both databases move large values slowly; a sparse B stores and loads quickly.
   */
  keepPerRow: number;
}

export const DEFAULT_EASE_CONFIG: EaseConfig = {
  lambda: 500,
  minRatings: 5,
  maxItems: 2000,
  ratingSlope: 1,
  // Validation NDCG@10 of the hybrid: dense 0.1530, 250 per row 0.1496, 100 per row 0.1452.
  keepPerRow: Number.POSITIVE_INFINITY,
};

/** EASE (Steck 2019) on a pruned item set: `score = x_u · B`, with B dense over `items`. */
export interface EaseState {
  /** Model item index of each EASE column. */
  items: Int32Array;
  /** Column of each model item, or -1 when the item is outside the pruned set. */
  column: Int32Array;
  /** True: `weights` is the dense row-major n×n B (rowPtr/cols empty). */
  dense: boolean;
  /** Sparse rows of B: `cols/weights[rowPtr[c]..rowPtr[c+1]]`, columns ascending. */
  rowPtr: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
  ratingSlope: number;
  lambda: number;
}

/** Weight of one interaction in the EASE input (and query) vector. */
export function interactionWeight(rating: number, userMean: number, slope: number): number {
  return Number.isFinite(userMean) ? 1 + slope * (rating - userMean) : 1;
}

/** The pruned item set: the `maxItems` most-rated items with at least `minRatings`, ascending. */
export function easeItems(itemPtr: Int32Array, config: EaseConfig): Int32Array {
  const ni = itemPtr.length - 1;
  const counts: [number, number][] = [];
  for (let i = 0; i < ni; i++) {
    const c = itemPtr[i + 1]! - itemPtr[i]!;
    if (c >= config.minRatings) counts.push([i, c]);
  }
  counts.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return Int32Array.from(
    counts
      .slice(0, config.maxItems)
      .map((c) => c[0])
      .sort((a, b) => a - b),
  );
}

/** Column of each model item in the pruned set, -1 outside it. */
export function easeColumns(items: number, kept: Int32Array): Int32Array {
  const column = new Int32Array(items).fill(-1);
  for (let c = 0; c < kept.length; c++) column[kept[c]!] = c;
  return column;
}

/**
 * Accumulates into `gram` the lower triangle (row ≥ column) of XᵀX, where X holds each user's
 * interaction weights on the pruned columns, for the rows `part, part + parts, …` only. Parts write
 * disjoint cells and each cell sums the same products in the same (user) order whatever `parts` is,
 * so parts computed in parallel into one shared matrix equal the serial result bit for bit.
 * {@link finishEase} mirrors the triangle and adds λ.
 */
export function easeGram(
  data: Pick<PreparedData, 'userPtr' | 'userItems' | 'userRatings'>,
  column: Int32Array,
  gram: Float64Array,
  n: number,
  ratingSlope: number,
  part: number,
  parts: number,
): void {
  const nu = data.userPtr.length - 1;
  const weightOf = new Float64Array(n);
  let cols = new Int32Array(64);
  for (let u = 0; u < nu; u++) {
    const start = data.userPtr[u]!;
    const end = data.userPtr[u + 1]!;
    let sum = 0;
    for (let k = start; k < end; k++) sum += data.userRatings[k]!;
    const mean = end > start ? sum / (end - start) : Number.NaN;
    if (cols.length < end - start) cols = new Int32Array(end - start);
    let m = 0;
    for (let k = start; k < end; k++) {
      const c = column[data.userItems[k]!]!;
      if (c < 0) continue;
      cols[m++] = c;
      weightOf[c] = interactionWeight(data.userRatings[k]!, mean, ratingSlope);
    }
    const sorted = cols.subarray(0, m).sort();
    for (let a = 0; a < m; a++) {
      const ca = sorted[a]!;
      if (ca % parts !== part) continue;
      const va = weightOf[ca]!;
      const row = ca * n;
      for (let b = 0; b <= a; b++) {
        const cb = sorted[b]!;
        gram[row + cb]! += va * weightOf[cb]!;
      }
    }
  }
}

/** Closed-form EASE: B = I − P·diag(1/diag P) with P = (XᵀX + λI)⁻¹, zero diagonal. */
export function trainEase(data: PreparedData, config = DEFAULT_EASE_CONFIG): EaseState {
  const kept = easeItems(data.itemPtr, config);
  const column = easeColumns(data.items.length, kept);
  const gram = new Float64Array(kept.length * kept.length);
  easeGram(data, column, gram, kept.length, config.ratingSlope, 0, 1);
  return finishEase(gram, kept, column, config);
}

/** EASE from the lower triangle of XᵀX (summed over all users), `kept` and `column` as above; `gram` is consumed. */
export function finishEase(
  gram: Float64Array,
  kept: Int32Array,
  column: Int32Array,
  config: EaseConfig,
): EaseState {
  const n = kept.length;
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) gram[b * n + a] = gram[a * n + b]!;
  for (let c = 0; c < n; c++) gram[c * n + c]! += config.lambda;
  const p = n > 0 ? inverseSpdInPlace(gram, n) : new Float64Array(0);
  const meta = {
    items: kept,
    column,
    ratingSlope: config.ratingSlope,
    lambda: config.lambda,
  };
  if (config.keepPerRow >= n - 1) {
    const dense = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if (i !== j) dense[i * n + j] = -p[i * n + j]! / p[j * n + j]!;
    }
    return { ...meta, dense: true, rowPtr: new Int32Array(0), cols: new Int32Array(0), weights: dense };
  }
  const keep = Math.max(1, Math.floor(config.keepPerRow));
  const rowPtr = new Int32Array(n + 1);
  const cols = new Int32Array(n * keep);
  const weights = new Float32Array(n * keep);
  const magnitude = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) magnitude[j] = i === j ? -1 : Math.abs(p[i * n + j]! / p[j * n + j]!);
    for (const j of topK(magnitude, keep).sort((a, b) => a - b)) {
      cols[at] = j;
      weights[at] = -p[i * n + j]! / p[j * n + j]!;
      at++;
    }
    rowPtr[i + 1] = at;
  }
  return {
    ...meta,
    dense: false,
    rowPtr,
    cols: cols.slice(0, at),
    weights: weights.slice(0, at),
  };
}

/**
 * Adds `x_u · B` to `out` (model item indices), where x_u weighs each rated item by its star value
 * relative to the user's mean and by recency.
 */
export function scoreEase(state: EaseState, ctx: UserContext, out: Float64Array, useRecency = true): void {
  for (let h = 0; h < ctx.items.length; h++) {
    const c = state.column[ctx.items[h]!]!;
    if (c < 0) continue;
    const w =
      interactionWeight(ctx.ratings[h]!, ctx.mean, state.ratingSlope) * (useRecency ? ctx.recency[h]! : 1);
    if (w === 0) continue;
    if (state.dense) {
      const n = state.items.length;
      const row = c * n;
      for (let j = 0; j < n; j++) out[state.items[j]!]! += w * state.weights[row + j]!;
    } else {
      for (let k = state.rowPtr[c]!; k < state.rowPtr[c + 1]!; k++) {
        out[state.items[state.cols[k]!]!]! += w * state.weights[k]!;
      }
    }
  }
}

/** B[row][col] for EASE columns, 0 when pruned (binary search in the sparse row). */
export function easeWeight(state: EaseState, row: number, col: number): number {
  if (state.dense) return state.weights[row * state.items.length + col]!;
  let lo = state.rowPtr[row]!;
  let hi = state.rowPtr[row + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = state.cols[mid]!;
    if (c === col) return state.weights[mid]!;
    if (c < col) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}
