import { trainBaseline } from './baseline.ts';
import { trainContent } from './content.ts';
import { type EaseState, trainEase } from './ease.ts';
import { HybridRecommender } from './hybrid.ts';
import { type DeepPartial, type HybridConfig, resolveConfig } from './hybrid-config.ts';
import { type HybridState, MODEL_FORMAT } from './hybrid-state.ts';
import { trainItemKnn } from './item-knn.ts';
import { trainMf } from './mf.ts';
import { trainPopularity } from './popularity.ts';
import { prepareDataset } from './prepare.ts';
import type { Dataset } from './types.ts';
import { trainUserKnn } from './user-knn.ts';

export const HYBRID_MODEL_NAME = 'hybrid';

export interface TrainOptions {
  config?: DeepPartial<HybridConfig>;
  /** Stamp for the model version (defaults to now); fixed in tests for determinism. */
  trainedAt?: Date;
  /** Called after each component, e.g. for progress on stderr. */
  onProgress?: (component: string, seconds: number) => void;
}

/** Trains every component of the hybrid on `dataset` and returns its plain-data state. */
export function trainHybridState(dataset: Dataset, options: TrainOptions = {}): HybridState {
  const config = resolveConfig(options.config);
  const trainSeconds: Record<string, number> = {};
  const timed = <T>(name: string, fn: () => T): T => {
    const start = performance.now();
    const out = fn();
    trainSeconds[name] = (performance.now() - start) / 1000;
    options.onProgress?.(name, trainSeconds[name]!);
    return out;
  };
  const data = timed('prepare', () => prepareDataset(dataset));
  const noEase: EaseState = {
    items: new Int32Array(0),
    column: new Int32Array(data.items.length).fill(-1),
    dense: false,
    rowPtr: new Int32Array(1),
    cols: new Int32Array(0),
    weights: new Float32Array(0),
    ratingSlope: config.ease.ratingSlope,
    lambda: config.ease.lambda,
  };
  return {
    format: MODEL_FORMAT,
    name: HYBRID_MODEL_NAME,
    trainedAt: (options.trainedAt ?? new Date()).toISOString(),
    config,
    items: data.items,
    ratingCount: data.userItems.length,
    userCount: data.userVocab.size,
    popularity: timed('popularity', () => trainPopularity(data, config.popularity)),
    content: timed('content', () => trainContent(data, config.content)),
    itemKnn: timed('itemKnn', () => trainItemKnn(data, config.itemKnn)),
    userKnn: timed('userKnn', () => trainUserKnn(data, config.userKnn)),
    baseline: timed('baseline', () => trainBaseline(data, config.baseline)),
    ease: config.skipEase ? noEase : timed('ease', () => trainEase(data, config.ease)),
    mf: timed('mf', () => trainMf(data, config.mf)),
    trainSeconds,
  };
}

/**
 * Trains the production recommender (a hybrid of popularity, content, neighbourhood, EASE and matrix
 * factorisation models). Invalid and duplicate ratings are dropped; an empty dataset yields a
 * recommender that returns popular items (or nothing when there are no items).
 */
export function trainRecommender(dataset: Dataset, options: TrainOptions = {}): HybridRecommender {
  return new HybridRecommender(trainHybridState(dataset, options));
}
