import { mulberry32 } from '../../random.ts';
import type { RatingRecord } from '../types.ts';

export const FOLDS = 5;
export const SHUFFLE_SEED = 42;

/**
 * Protocol R's folds: rating indices shuffled with a fixed seed (Fisher–Yates) and cut into 5
 * near-equal consecutive parts (the first `n mod 5` folds get one more, like numpy's array_split).
 */
export function ratingFolds(count: number, folds = FOLDS, seed = SHUFFLE_SEED): Int32Array[] {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const rnd = mulberry32(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const base = Math.floor(count / folds);
  const extra = count % folds;
  const out: Int32Array[] = [];
  let at = 0;
  for (let f = 0; f < folds; f++) {
    const size = base + (f < extra ? 1 : 0);
    out.push(order.slice(at, at + size));
    at += size;
  }
  return out;
}

export interface RatingMetrics {
  rmse: number;
  mae: number;
}

/** Errors of predictions clipped to [0.5, 5]; a null prediction counts as the training mean. */
export function ratingErrors(test: readonly RatingRecord[], predictions: Float64Array): RatingMetrics {
  let se = 0;
  let ae = 0;
  for (let k = 0; k < test.length; k++) {
    const p = Math.min(5, Math.max(0.5, predictions[k]!));
    const e = p - test[k]!.rating;
    se += e * e;
    ae += Math.abs(e);
  }
  const n = Math.max(1, test.length);
  return { rmse: Math.sqrt(se / n), mae: ae / n };
}
