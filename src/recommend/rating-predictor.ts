import type { NeighbourState } from './item-knn.ts';
import { foldInMfUser, type MfState, predictMf } from './mf.ts';

export interface RatingBlendConfig {
  /** Weight of the neighbourhood correction added to the MF prediction (0 = MF alone). */
  neighbourWeight: number;
  /** Added to the similarity sum so one similar rated movie moves the prediction only a little. */
  neighbourShrink: number;
}

export const DEFAULT_RATING_BLEND: RatingBlendConfig = { neighbourWeight: 1, neighbourShrink: 1 };

/**
 * Predicted stars for one user: biased MF with the user folded in, corrected by how the user's
 * ratings of each item's nearest neighbours deviate from MF's own predictions for them (the
 * "integrated" neighbourhood + factor idea, done at request time).
 */
export function createRatingPredictor(
  mf: MfState,
  knn: NeighbourState,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
  config: RatingBlendConfig = DEFAULT_RATING_BLEND,
): (i: number) => number {
  const user = foldInMfUser(mf, items, ratings);
  const residual = new Map<number, number>();
  if (config.neighbourWeight !== 0) {
    for (let h = 0; h < items.length; h++)
      residual.set(items[h]!, ratings[h]! - predictMf(mf, user, items[h]!));
  }
  return (i) => {
    const base = predictMf(mf, user, i);
    if (residual.size === 0) return base;
    let num = 0;
    let den = 0;
    for (let k = knn.ptr[i]!; k < knn.ptr[i + 1]!; k++) {
      const r = residual.get(knn.nbr[k]!);
      if (r === undefined) continue;
      num += knn.sim[k]! * r;
      den += knn.sim[k]!;
    }
    return den > 0 ? base + (config.neighbourWeight * num) / (den + config.neighbourShrink) : base;
  };
}
