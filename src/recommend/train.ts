import { trainBaseline } from './baseline.ts';
import { trainContent } from './content.ts';
import { HybridRecommender } from './hybrid.ts';
import { type DeepPartial, type HybridConfig, resolveConfig } from './hybrid-config.ts';
import { type HybridState, MODEL_FORMAT } from './hybrid-state.ts';
import { trainItemKnn } from './item-knn.ts';
import { trainPopularity } from './popularity.ts';
import { prepareDataset } from './prepare.ts';
import type { Dataset } from './types.ts';

export const HYBRID_MODEL_NAME = 'hybrid';

export interface TrainOptions {
  config?: DeepPartial<HybridConfig>;
  /** Stamp for the model version (defaults to now); fixed in tests for determinism. */
  trainedAt?: Date;
}

/** Trains every component of the hybrid on `dataset` and returns its plain-data state. */
export function trainHybridState(dataset: Dataset, options: TrainOptions = {}): HybridState {
  const config = resolveConfig(options.config);
  const data = prepareDataset(dataset);
  return {
    format: MODEL_FORMAT,
    name: HYBRID_MODEL_NAME,
    trainedAt: (options.trainedAt ?? new Date()).toISOString(),
    config,
    items: data.items,
    ratingCount: data.userItems.length,
    userCount: data.userVocab.size,
    popularity: trainPopularity(data, config.popularity),
    content: trainContent(data, config.content),
    itemKnn: trainItemKnn(data, config.itemKnn),
    baseline: trainBaseline(data, config.baseline),
  };
}

/**
 * Trains the production recommender (a hybrid of popularity, content and collaborative models).
 * Invalid and duplicate ratings are dropped; an empty dataset yields a recommender that returns [].
 */
export function trainRecommender(dataset: Dataset, options: TrainOptions = {}): HybridRecommender {
  return new HybridRecommender(trainHybridState(dataset, options));
}
