import { type BaselineConfig, DEFAULT_BASELINE_CONFIG } from './baseline.ts';
import { type ContentConfig, DEFAULT_CONTENT_CONFIG } from './content.ts';
import { DEFAULT_ITEM_KNN_CONFIG, type ItemKnnConfig } from './item-knn.ts';
import { DEFAULT_POPULARITY_CONFIG, type PopularityConfig } from './popularity.ts';

/** Every knob of the production recommender, with defaults tuned on a validation split (see README). */
export interface HybridConfig {
  popularity: PopularityConfig;
  content: ContentConfig;
  itemKnn: ItemKnnConfig;
  baseline: BaselineConfig;
  /** A rating this many days older than the user's latest counts half as much. */
  halfLifeDays: number;
  /** History size at which collaborative signals get half the weight (more history → more CF). */
  knowledgeHalf: number;
  /** Default MMR diversity (0–1) when a request does not say. */
  diversity: number;
  /** Default MMR diversity for a user with no history (popular but varied). */
  coldDiversity: number;
  /** Candidates considered by the re-ranker, as a multiple of `n`. */
  candidateFactor: number;
  /** Bonus for watchlisted movies when `watchlist: 'boost'` (0–1 relevance scale). */
  watchlistBoost: number;
}

export const DEFAULT_HYBRID_CONFIG: HybridConfig = {
  popularity: DEFAULT_POPULARITY_CONFIG,
  content: DEFAULT_CONTENT_CONFIG,
  itemKnn: DEFAULT_ITEM_KNN_CONFIG,
  baseline: DEFAULT_BASELINE_CONFIG,
  halfLifeDays: 180,
  knowledgeHalf: 8,
  diversity: 0.15,
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
    baseline: { ...d.baseline, ...p.baseline },
  } as HybridConfig;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };
