import { trainBaseline } from './baseline.ts';
import { trainContent } from './content.ts';
import { type EaseState, trainEase } from './ease.ts';
import { HybridRecommender } from './hybrid.ts';
import { type DeepPartial, type HybridConfig, resolveConfig } from './hybrid-config.ts';
import { type HybridState, MODEL_FORMAT } from './hybrid-state.ts';
import { trainItemKnn } from './item-knn.ts';
import { trainMf } from './mf.ts';
import { trainPopularity } from './popularity.ts';
import { type PreparedData, prepareColumns, prepareDataset, type RatingColumns } from './prepare.ts';
import type { Dataset, ItemMeta } from './types.ts';
import { trainUserKnn } from './user-knn.ts';

export const HYBRID_MODEL_NAME = 'hybrid';

export interface TrainOptions {
  config?: DeepPartial<HybridConfig>;
  /** Stamp for the model version (defaults to now); fixed in tests for determinism. */
  trainedAt?: Date;
  /** Called after each component, e.g. for progress on stderr. */
  onProgress?: (component: string, seconds: number) => void;
}

/** Ratings as columns instead of objects (the scale-up's input: no 25M objects). */
export interface ColumnarDataset {
  items: readonly ItemMeta[];
  columns: RatingColumns;
}

export type TrainInput = Dataset | ColumnarDataset;

export function prepareInput(input: TrainInput): PreparedData {
  return 'columns' in input ? prepareColumns(input.items, input.columns) : prepareDataset(input);
}

/** Times named steps into `trainSeconds` and reports them through `onProgress`. */
export function stepTimer(options: TrainOptions): {
  trainSeconds: Record<string, number>;
  timed: <T>(name: string, fn: () => T) => T;
  record: (name: string, seconds: number) => void;
} {
  const trainSeconds: Record<string, number> = {};
  const record = (name: string, seconds: number) => {
    trainSeconds[name] = seconds;
    options.onProgress?.(name, seconds);
  };
  const timed = <T>(name: string, fn: () => T): T => {
    const start = performance.now();
    const out = fn();
    record(name, (performance.now() - start) / 1000);
    return out;
  };
  return { trainSeconds, timed, record };
}

/** The EASE state of a hybrid trained with `skipEase`. */
export function emptyEase(items: number, config: HybridConfig): EaseState {
  return {
    items: new Int32Array(0),
    column: new Int32Array(items).fill(-1),
    dense: false,
    rowPtr: new Int32Array(1),
    cols: new Int32Array(0),
    weights: new Float32Array(0),
    ratingSlope: config.ease.ratingSlope,
    lambda: config.ease.lambda,
  };
}

/** Trains every component of the hybrid on `dataset` and returns its plain-data state. */
export function trainHybridState(dataset: TrainInput, options: TrainOptions = {}): HybridState {
  const config = resolveConfig(options.config);
  const { trainSeconds, timed } = stepTimer(options);
  const data = timed('prepare', () => prepareInput(dataset));
  const popularity = timed('popularity', () => trainPopularity(data, config.popularity));
  const content = timed('content', () => trainContent(data, config.content));
  const itemKnn = timed('itemKnn', () => trainItemKnn(data, config.itemKnn));
  const userKnn = timed('userKnn', () => trainUserKnn(data, config.userKnn));
  const baseline = timed('baseline', () => trainBaseline(data, config.baseline));
  const ease = config.skipEase
    ? emptyEase(data.items.length, config)
    : timed('ease', () => trainEase(data, config.ease));
  const mf = timed('mf', () => trainMf(data, config.mf));
  return assembleState(data, config, options, trainSeconds, {
    popularity,
    content,
    itemKnn,
    userKnn,
    baseline,
    ease,
    mf,
  });
}

export type ComponentStates = Pick<
  HybridState,
  'popularity' | 'content' | 'itemKnn' | 'userKnn' | 'baseline' | 'ease' | 'mf'
>;

/** The hybrid's state from its trained components. */
export function assembleState(
  data: PreparedData,
  config: HybridConfig,
  options: TrainOptions,
  trainSeconds: Record<string, number>,
  components: ComponentStates,
): HybridState {
  return {
    format: MODEL_FORMAT,
    name: HYBRID_MODEL_NAME,
    trainedAt: (options.trainedAt ?? new Date()).toISOString(),
    config,
    items: data.items,
    ratingCount: data.userItems.length,
    userCount: data.userVocab.size,
    ...components,
    trainSeconds,
  };
}

/**
 * Trains the production recommender (a hybrid of popularity, content, neighbourhood, EASE and matrix
 * factorisation models). Invalid and duplicate ratings are dropped; an empty dataset yields a
 * recommender that returns popular items (or nothing when there are no items).
 */
export function trainRecommender(dataset: TrainInput, options: TrainOptions = {}): HybridRecommender {
  return new HybridRecommender(trainHybridState(dataset, options));
}
