import { inverseSpd } from './linalg.ts';
import type { PreparedData } from './prepare.ts';
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
}

export const DEFAULT_EASE_CONFIG: EaseConfig = { lambda: 500, minRatings: 5, maxItems: 2000, ratingSlope: 1 };

/** EASE (Steck 2019) on a pruned item set: `score = x_u · B`, with B dense over `items`. */
export interface EaseState {
  /** Model item index of each EASE column. */
  items: Int32Array;
  /** Column of each model item, or -1 when the item is outside the pruned set. */
  column: Int32Array;
  /** Row-major `items.length²` weights. */
  weights: Float32Array;
  ratingSlope: number;
  lambda: number;
}

/** Weight of one interaction in the EASE input (and query) vector. */
export function interactionWeight(rating: number, userMean: number, slope: number): number {
  return Number.isFinite(userMean) ? 1 + slope * (rating - userMean) : 1;
}

/** Closed-form EASE: B = I − P·diag(1/diag P) with P = (XᵀX + λI)⁻¹, zero diagonal. */
export function trainEase(data: PreparedData, config = DEFAULT_EASE_CONFIG): EaseState {
  const ni = data.items.length;
  const counts: [number, number][] = [];
  for (let i = 0; i < ni; i++) {
    const c = data.itemPtr[i + 1]! - data.itemPtr[i]!;
    if (c >= config.minRatings) counts.push([i, c]);
  }
  counts.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const kept = counts
    .slice(0, config.maxItems)
    .map((c) => c[0])
    .sort((a, b) => a - b);
  const n = kept.length;
  const column = new Int32Array(ni).fill(-1);
  kept.forEach((i, c) => {
    column[i] = c;
  });
  const gram = new Float64Array(n * n);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let u = 0; u < data.userVocab.size; u++) {
    const start = data.userPtr[u]!;
    const end = data.userPtr[u + 1]!;
    let sum = 0;
    for (let k = start; k < end; k++) sum += data.userRatings[k]!;
    const mean = end > start ? sum / (end - start) : Number.NaN;
    cols.length = 0;
    vals.length = 0;
    for (let k = start; k < end; k++) {
      const c = column[data.userItems[k]!]!;
      if (c < 0) continue;
      cols.push(c);
      vals.push(interactionWeight(data.userRatings[k]!, mean, config.ratingSlope));
    }
    for (let a = 0; a < cols.length; a++) {
      const row = cols[a]! * n;
      const va = vals[a]!;
      for (let b = 0; b < cols.length; b++) gram[row + cols[b]!]! += va * vals[b]!;
    }
  }
  for (let c = 0; c < n; c++) gram[c * n + c]! += config.lambda;
  const p = n > 0 ? inverseSpd(gram, n) : new Float64Array(0);
  const weights = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) weights[i * n + j] = -p[i * n + j]! / p[j * n + j]!;
    }
  }
  return {
    items: Int32Array.from(kept),
    column,
    weights,
    ratingSlope: config.ratingSlope,
    lambda: config.lambda,
  };
}

/**
 * Adds `x_u · B` to `out` (model item indices), where x_u weighs each rated item by its star value
 * relative to the user's mean and by recency.
 */
export function scoreEase(state: EaseState, ctx: UserContext, out: Float64Array, useRecency = true): void {
  const n = state.items.length;
  for (let h = 0; h < ctx.items.length; h++) {
    const c = state.column[ctx.items[h]!]!;
    if (c < 0) continue;
    const w =
      interactionWeight(ctx.ratings[h]!, ctx.mean, state.ratingSlope) * (useRecency ? ctx.recency[h]! : 1);
    if (w === 0) continue;
    const row = c * n;
    for (let j = 0; j < n; j++) out[state.items[j]!]! += w * state.weights[row + j]!;
  }
}
