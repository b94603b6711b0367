import type { BaselineState } from './baseline.ts';
import type { ContentState } from './content.ts';
import type { HybridConfig } from './hybrid-config.ts';
import type { NeighbourState } from './item-knn.ts';
import type { PopularityState } from './popularity.ts';
import type { ItemMeta } from './types.ts';

/** Bumped whenever the stored layout changes; older stored models are retrained. */
export const MODEL_FORMAT = 1;

/** Everything a trained hybrid needs, as plain data and typed arrays (serialisable with `v8`). */
export interface HybridState {
  format: typeof MODEL_FORMAT;
  name: string;
  trainedAt: string;
  config: HybridConfig;
  items: ItemMeta[];
  ratingCount: number;
  userCount: number;
  popularity: PopularityState;
  content: ContentState;
  itemKnn: NeighbourState;
  baseline: BaselineState;
}

/** One request's per-item component scores (each normalised to 0–1) and how they are blended. */
export interface ScoreParts {
  cf: Float64Array;
  content: Float64Array;
  pop: Float32Array | Float64Array;
  /** Steering and watchlist bonuses, added after blending. */
  steer: Float64Array;
  /** The collaborative weight of each history entry (aligned with `UserContext.items`). */
  cfWeight: Float64Array;
  weights: { cf: number; content: number; pop: number };
  /** The user's (or the seed item's) content profile. */
  profile: Map<number, number>;
}
