import type { BaselineState } from './baseline.ts';
import type { ContentState } from './content.ts';
import type { EaseState } from './ease.ts';
import type { HybridConfig } from './hybrid-config.ts';
import type { NeighbourState } from './item-knn.ts';
import type { MfState } from './mf.ts';
import type { PopularityState } from './popularity.ts';
import type { TuningReport } from './tune-settings.ts';
import type { ItemMeta } from './types.ts';
import type { UserKnnState } from './user-knn.ts';

/** Bumped whenever the stored layout changes; older stored models are retrained. */
export const MODEL_FORMAT = 3;

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
  userKnn: UserKnnState;
  baseline: BaselineState;
  ease: EaseState;
  mf: MfState;
  /** Seconds each component took to train. */
  trainSeconds: Record<string, number>;
  /** The settings chosen on a validation split at training time, when tuned. */
  tuning?: TuningReport;
}

/** The ranking components a hybrid blends; each scores every item 0–1 for a user. */
export const COMPONENTS = ['ease', 'itemKnn', 'userKnn', 'content', 'popularity', 'mf'] as const;
export type Component = (typeof COMPONENTS)[number];

/** One request's per-item component scores (each normalised to 0–1) and how they are blended. */
export interface ScoreParts {
  scores: Record<Component, Float64Array | Float32Array>;
  weights: Record<Component, number>;
  /** Steering and watchlist bonuses, added after blending. */
  steer: Float64Array;
  /** The item-kNN weight of each history entry (aligned with `UserContext.items`). */
  cfWeight: Float64Array;
  /** The user's (or the seed item's) content profile. */
  profile: Map<number, number>;
  /** Training users most like this one (user-kNN), for explanations. */
  neighbours: number[];
}
