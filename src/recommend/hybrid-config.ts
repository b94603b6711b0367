import { type BaselineConfig, DEFAULT_BASELINE_CONFIG } from './baseline.ts';
import { type ContentConfig, DEFAULT_CONTENT_CONFIG } from './content.ts';
import { DEFAULT_EASE_CONFIG, type EaseConfig } from './ease.ts';
import { COMPONENTS, type Component } from './hybrid-state.ts';
import { DEFAULT_ITEM_KNN_CONFIG, type ItemKnnConfig } from './item-knn.ts';
import { DEFAULT_MF_CONFIG, type MfConfig } from './mf.ts';
import { DEFAULT_POPULARITY_CONFIG, type PopularityConfig } from './popularity.ts';
import { DEFAULT_RATING_BLEND, type RatingBlendConfig } from './rating-predictor.ts';
import { DEFAULT_USER_KNN_CONFIG, type UserKnnConfig } from './user-knn.ts';

/** Every knob of the production recommender, with defaults tuned on a validation split (see README). */
export interface HybridConfig {
  popularity: PopularityConfig;
  content: ContentConfig;
  itemKnn: ItemKnnConfig;
  userKnn: UserKnnConfig;
  baseline: BaselineConfig;
  ease: EaseConfig;
  mf: MfConfig;
  /** How predicted stars blend MF with the neighbourhood correction. */
  ratingBlend: RatingBlendConfig;
  /** Blend weights for a user the system knows well (many ratings). */
  knownWeights: Record<Component, number>;
  /** Blend weights for a user with (almost) no ratings. */
  coldWeights: Record<Component, number>;
  /** History size at which the known-user weights get half the say. */
  knowledgeHalf: number;
  /**
   * Blend weights for a new user (1 to `newUserUntil` ratings), chosen per catalog by `train` on a
   * validation split of new users (tune-settings.ts); null = the cold → known mix alone. They fade
   * into that mix over the next `newUserFade` ratings, so users with longer histories (every user
   * protocol T evaluates on ml-latest-small has ≥ 16) are ranked exactly as without them.
   */
  newUserWeights: Record<Component, number> | null;
  newUserUntil: number;
  newUserFade: number;
  /** Recency by position: the n-th newest rating weighs `floor + (1 − floor)·0.5^(n / recentHalf)`. */
  recentHalf: number;
  recencyFloor: number;
  /** Recency by time: a rating this many days older than the newest weighs half (0 = off). */
  halfLifeDays: number;
  /** Default MMR diversity (0–1) when a request does not say. */
  diversity: number;
  /** Default MMR diversity for a user with no history (popular but varied). */
  coldDiversity: number;
  /** Candidates considered by the re-ranker, as a multiple of `n`. */
  candidateFactor: number;
  /** Bonus for watchlisted movies when `watchlist: 'boost'` (0–1 relevance scale). */
  watchlistBoost: number;
  /** Skip the O(items³) EASE model (tiny catalogs, tests). */
  skipEase?: boolean;
}

export const DEFAULT_HYBRID_CONFIG: HybridConfig = {
  popularity: DEFAULT_POPULARITY_CONFIG,
  content: DEFAULT_CONTENT_CONFIG,
  itemKnn: DEFAULT_ITEM_KNN_CONFIG,
  userKnn: DEFAULT_USER_KNN_CONFIG,
  baseline: DEFAULT_BASELINE_CONFIG,
  ease: DEFAULT_EASE_CONFIG,
  mf: DEFAULT_MF_CONFIG,
  ratingBlend: DEFAULT_RATING_BLEND,
  knownWeights: { ease: 1, itemKnn: 0.05, userKnn: 0.05, content: 0.05, popularity: -0.6, mf: 0 },
  coldWeights: { ease: 0.2, itemKnn: 0.2, userKnn: 0, content: 0.6, popularity: 0.6, mf: 0 },
  knowledgeHalf: 5,
  newUserWeights: null,
  newUserUntil: 10,
  newUserFade: 5,
  recentHalf: 10,
  recencyFloor: 0.3,
  halfLifeDays: 0,
  diversity: 0.1,
  coldDiversity: 0.5,
  candidateFactor: 5,
  watchlistBoost: 0.3,
};

/** Deep-merges a partial config over the defaults. */
export function resolveConfig(partial?: DeepPartial<HybridConfig>): HybridConfig {
  const d = DEFAULT_HYBRID_CONFIG;
  const p = partial ?? {};
  return {
    ...d,
    ...p,
    popularity: { ...d.popularity, ...p.popularity },
    content: { ...d.content, ...p.content },
    itemKnn: { ...d.itemKnn, ...p.itemKnn },
    userKnn: { ...d.userKnn, ...p.userKnn },
    baseline: { ...d.baseline, ...p.baseline },
    ease: { ...d.ease, ...p.ease },
    mf: { ...d.mf, ...p.mf },
    ratingBlend: { ...d.ratingBlend, ...p.ratingBlend },
    knownWeights: { ...d.knownWeights, ...p.knownWeights },
    coldWeights: { ...d.coldWeights, ...p.coldWeights },
    newUserWeights: p.newUserWeights
      ? { ...d.knownWeights, ...p.newUserWeights }
      : (d.newUserWeights ?? null),
  } as HybridConfig;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

/** Config that makes the hybrid rank with one component alone (contract tests, evaluation). */
export function onlyComponent(component: Component): DeepPartial<HybridConfig> {
  const weights = Object.fromEntries(COMPONENTS.map((k) => [k, k === component ? 1 : 0])) as Record<
    Component,
    number
  >;
  return { knownWeights: weights, coldWeights: weights, newUserWeights: null };
}
