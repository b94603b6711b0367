import type { PreparedData } from './prepare.ts';

export interface BaselineConfig {
  itemReg: number;
  userReg: number;
  iterations: number;
}

/** Regularisation as in Surprise's BaselineOnly (ALS), which EVAL.md's reference uses. */
export const DEFAULT_BASELINE_CONFIG: BaselineConfig = { itemReg: 10, userReg: 15, iterations: 10 };

/** Global mean and per-item bias; user biases are folded in per request from the user's own ratings. */
export interface BaselineState {
  mean: number;
  itemBias: Float32Array;
  userReg: number;
}

/** Alternating least squares for rating ≈ μ + b_u + b_i. */
export function trainBaseline(data: PreparedData, config = DEFAULT_BASELINE_CONFIG): BaselineState {
  const nu = data.userVocab.size;
  const ni = data.items.length;
  const mu = data.globalMean;
  const bu = new Float64Array(nu);
  const bi = new Float64Array(ni);
  for (let it = 0; it < config.iterations; it++) {
    for (let i = 0; i < ni; i++) {
      let s = 0;
      for (let k = data.itemPtr[i]!; k < data.itemPtr[i + 1]!; k++) {
        s += data.itemRatings[k]! - mu - bu[data.itemUsers[k]!]!;
      }
      bi[i] = s / (config.itemReg + data.itemPtr[i + 1]! - data.itemPtr[i]!);
    }
    for (let u = 0; u < nu; u++) {
      let s = 0;
      for (let k = data.userPtr[u]!; k < data.userPtr[u + 1]!; k++) {
        s += data.userRatings[k]! - mu - bi[data.userItems[k]!]!;
      }
      bu[u] = s / (config.userReg + data.userPtr[u + 1]! - data.userPtr[u]!);
    }
  }
  return { mean: mu, itemBias: Float32Array.from(bi), userReg: config.userReg };
}

/** The user's bias given their ratings (item indices and stars). */
export function foldInUserBias(
  state: BaselineState,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
): number {
  let s = 0;
  for (let k = 0; k < items.length; k++) s += ratings[k]! - state.mean - state.itemBias[items[k]!]!;
  return s / (state.userReg + items.length);
}
