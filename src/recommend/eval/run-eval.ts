import { readMovieLensDir } from '../../catalog/movielens-files.ts';
import { trainBaseline } from '../baseline.ts';
import { HybridRecommender } from '../hybrid.ts';
import { type DeepPartial, type HybridConfig, resolveConfig } from '../hybrid-config.ts';
import type { Component, HybridState } from '../hybrid-state.ts';
import { trainItemKnn } from '../item-knn.ts';
import { foldInMfUser, predictMf, trainMf } from '../mf.ts';
import { prepareDataset } from '../prepare.ts';
import { createRatingPredictor } from '../rating-predictor.ts';
import { trainHybridState } from '../train.ts';
import { trainTunedState } from '../tune-settings.ts';
import type { Dataset, RatingRecord, UserState } from '../types.ts';
import { ratingErrors, ratingFolds } from './protocol-r.ts';
import { RankingAccumulator, type RankingMetrics, temporalSplit } from './protocol-t.ts';
import { REFERENCE_MODELS, type ReferenceModel, referenceRankers } from './references.ts';
import { protocolC } from './run-protocol-c.ts';

/** Models `movierec eval` knows, in output order. `baseline` only predicts ratings. */
export const EVAL_MODELS = [
  'popularity',
  'item-knn',
  'user-knn',
  'content',
  'ease',
  'mf',
  'baseline',
  'hybrid',
] as const;
export { REFERENCE_MODELS };
export type EvalModel = (typeof EVAL_MODELS)[number] | ReferenceModel;
const ALL_MODELS: readonly EvalModel[] = [...EVAL_MODELS, ...REFERENCE_MODELS];
/**
 * References run by default: protocol T skips item-kNN (scored per request over a full history it
 * costs Σ co-ratings per user, minutes here) and λ=200 (EVAL.md's T table has it below λ=500).
 */
export const DEFAULT_REFERENCES: Record<'T' | 'C', readonly ReferenceModel[]> = {
  T: ['reference-popular', 'reference-ease', 'reference-ease-recency'],
  C: REFERENCE_MODELS,
};

export const COMPONENT_OF: Partial<Record<EvalModel, Component>> = {
  popularity: 'popularity',
  'item-knn': 'itemKnn',
  'user-knn': 'userKnn',
  content: 'content',
  ease: 'ease',
  mf: 'mf',
};
export const TRAIN_PARTS: Partial<Record<EvalModel, string[]>> = {
  popularity: ['prepare', 'popularity'],
  'item-knn': ['prepare', 'itemKnn'],
  'user-knn': ['prepare', 'userKnn'],
  content: ['prepare', 'content'],
  ease: ['prepare', 'ease'],
  mf: ['prepare', 'mf'],
};

export interface EvalLine {
  /** Set on protocol C lines (T and R share one line per model). */
  protocol?: 'C';
  /** Protocol C's profile size. */
  k?: number;
  model: string;
  ndcg10?: number;
  recall20?: number;
  hr10?: number;
  coverage10?: number;
  users?: number;
  /** The hybrid's NDCG@10 on the validation split its settings were chosen on (not the test split). */
  validationNdcg10?: number;
  rmse?: number;
  mae?: number;
  trainSeconds: number;
}

export interface EvalOptions {
  models: readonly EvalModel[];
  protocols: readonly ('T' | 'R' | 'C')[];
  /** Evaluate on a validation split carved from protocol T's training data (for tuning). */
  validation?: boolean;
  config?: DeepPartial<HybridConfig>;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** Choose the hybrid's settings on a validation split carved from the training data (default true). */
  tune?: boolean;
  /** How protocol C trains the hybrid (default: {@link trainHybridState} with `config`). */
  trainC?: (dataset: Dataset, options: EvalOptions) => HybridState;
}

/** Reads a MovieLens-layout directory into the recommender's dataset (genres and years only). */
export function readEvalDataset(dir: string): Dataset {
  const data = readMovieLensDir(dir);
  return {
    items: data.movies.map((m) => ({
      id: m.movieId,
      title: m.title,
      year: m.year,
      genres: m.genres,
      // Tags carry timestamps past users' split points; protocol T must not see them.
      tags: [],
      directors: [],
      cast: [],
      runtime: null,
    })),
    ratings: data.ratings.map((r) => ({
      user: r.userId,
      item: r.movieId,
      rating: r.rating,
      timestamp: r.timestamp,
    })),
  };
}

/** Runs protocols T and R of EVAL.md (one line per model), then C (one line per model and k). */
export function runEval(dataset: Dataset, options: EvalOptions): EvalLine[] {
  const lines = new Map<string, EvalLine>();
  const line = (model: string) => {
    let l = lines.get(model);
    if (!l) {
      l = { model, trainSeconds: 0 };
      lines.set(model, l);
    }
    return l;
  };
  if (options.protocols.includes('T')) {
    for (const [model, result] of protocolT(dataset, options)) Object.assign(line(model), result);
  }
  if (options.protocols.includes('R')) {
    for (const [model, result] of protocolR(dataset, options)) {
      const l = line(model);
      l.rmse = result.rmse;
      l.mae = result.mae;
      // Models ranked in protocol T keep T's training time (one full training).
      if (l.ndcg10 === undefined) l.trainSeconds = result.trainSeconds;
    }
  }
  const out = ALL_MODELS.filter((m) => lines.has(m)).map((m) => lines.get(m)!);
  if (options.protocols.includes('C')) out.push(...protocolC(dataset, options));
  return out;
}

/**
 * The hybrid as `train` builds it: settings tuned on a validation split carved from `train` (unless
 * `options.tune` is false or a config is given), then trained on all of it.
 */
export function trainForEval(train: Dataset, options: EvalOptions): HybridState {
  const onProgress = (name: string, s: number) => options.log(`  trained ${name} in ${s.toFixed(1)} s`);
  if (options.tune === false) return trainHybridState(train, { config: options.config, onProgress });
  const state = trainTunedState(train, { config: options.config, onProgress, log: options.log });
  if (state.tuning) options.log(`  tuned: ${JSON.stringify(state.tuning.chosen)}`);
  return state;
}

function protocolT(
  dataset: Dataset,
  options: EvalOptions,
): Map<string, RankingMetrics & { trainSeconds: number; validationNdcg10?: number }> {
  let split = temporalSplit(dataset.ratings);
  if (options.validation) split = temporalSplit(split.train);
  options.log(`protocol T: ${split.train.length} training ratings, ${split.users.length} evaluated users`);
  // With protocol C in the same run, T keeps to its own references (see DEFAULT_REFERENCES).
  const models = options.protocols.includes('C')
    ? options.models.filter(
        (m) =>
          !(REFERENCE_MODELS as readonly string[]).includes(m) ||
          DEFAULT_REFERENCES.T.includes(m as ReferenceModel),
      )
    : options.models;
  const references = referenceRankers(dataset, split.train, models, options.log);
  const started = performance.now();
  const state = trainForEval({ items: dataset.items, ratings: split.train }, options);
  const totalTrain = (performance.now() - started) / 1000;
  const rec = new HybridRecommender(state);
  const out = new Map<string, RankingMetrics & { trainSeconds: number; validationNdcg10?: number }>();
  for (const model of models) {
    if (model === 'baseline') continue;
    const acc = new RankingAccumulator(dataset.items.length);
    const t = performance.now();
    for (const u of split.users) {
      const user = toUserState(u.train);
      const reference = references.get(model as ReferenceModel);
      const top = reference
        ? reference.rank(u.train, 20)
        : model === 'hybrid'
          ? rec.recommend(user, { n: 20, watchlist: 'neutral' }).map((r) => r.item)
          : rec.rankWith(COMPONENT_OF[model]!, user, 20);
      acc.add(top, u.relevant);
    }
    const trainSeconds = references.has(model as ReferenceModel)
      ? references.get(model as ReferenceModel)!.seconds
      : model === 'hybrid'
        ? totalTrain
        : (TRAIN_PARTS[model] ?? []).reduce((s, k) => s + (state.trainSeconds[k] ?? 0), 0);
    const metrics = acc.result();
    options.log(
      `  ${model}: ndcg10=${metrics.ndcg10.toFixed(4)} coverage10=${metrics.coverage10.toFixed(3)} (${((performance.now() - t) / 1000).toFixed(1)} s scoring)`,
    );
    const validation = model === 'hybrid' ? state.tuning?.validation.chosen.t : undefined;
    out.set(model, {
      ...metrics,
      ...(validation === undefined ? {} : { validationNdcg10: validation }),
      trainSeconds,
    });
  }
  return out;
}

function protocolR(
  dataset: Dataset,
  options: EvalOptions,
): Map<string, { rmse: number; mae: number; trainSeconds: number }> {
  const wanted = options.models.filter((m) => m === 'mf' || m === 'baseline' || m === 'hybrid');
  const out = new Map<string, { rmse: number; mae: number; trainSeconds: number }>();
  if (wanted.length === 0) return out;
  let ratings = dataset.ratings;
  if (options.validation) {
    // Tune on the training part of the first outer fold only; its test fold stays unseen.
    const outer = new Uint8Array(ratings.length);
    for (const k of ratingFolds(ratings.length)[0]!) outer[k] = 1;
    ratings = ratings.filter((_, k) => !outer[k]);
  }
  const folds = ratingFolds(ratings.length);
  const config = resolveConfig(options.config);
  const sums = new Map<string, { rmse: number; mae: number; trainSeconds: number }>();
  for (let f = 0; f < folds.length; f++) {
    const inTest = new Uint8Array(ratings.length);
    for (const k of folds[f]!) inTest[k] = 1;
    const train = ratings.filter((_, k) => !inTest[k]);
    const test = Array.from(folds[f]!, (k) => ratings[k]!);
    let t = performance.now();
    const data = prepareDataset({ items: dataset.items, ratings: train });
    const prepSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const baseline = trainBaseline(data, config.baseline);
    const baselineSeconds = prepSeconds + (performance.now() - t) / 1000;
    t = performance.now();
    const mf = trainMf(data, config.mf);
    const mfSeconds = prepSeconds + (performance.now() - t) / 1000;
    const wantHybrid = wanted.includes('hybrid');
    t = performance.now();
    const knn = wantHybrid ? trainItemKnn(data, config.itemKnn) : null;
    const hybridSeconds = mfSeconds + (performance.now() - t) / 1000;
    const predB = new Float64Array(test.length);
    const predM = new Float64Array(test.length);
    const predH = new Float64Array(test.length);
    const byUser = new Map<number, number[]>();
    test.forEach((r, k) => {
      let list = byUser.get(r.user);
      if (!list) {
        list = [];
        byUser.set(r.user, list);
      }
      list.push(k);
    });
    for (const [user, ks] of byUser) {
      const u = data.userVocab.indexOf(user);
      const items: number[] = [];
      const stars: number[] = [];
      if (u >= 0) {
        for (let q = data.userPtr[u]!; q < data.userPtr[u + 1]!; q++) {
          items.push(data.userItems[q]!);
          stars.push(data.userRatings[q]!);
        }
      }
      let bu = 0;
      for (let q = 0; q < items.length; q++) bu += stars[q]! - baseline.mean - baseline.itemBias[items[q]!]!;
      bu /= baseline.userReg + items.length;
      const folded = foldInMfUser(mf, items, stars);
      const blended = knn ? createRatingPredictor(mf, knn, items, stars, config.ratingBlend) : null;
      for (const k of ks) {
        const i = data.itemVocab.indexOf(test[k]!.item);
        predB[k] = baseline.mean + bu + (i >= 0 ? baseline.itemBias[i]! : 0);
        predM[k] = i >= 0 ? predictMf(mf, folded, i) : mf.mean + folded.bias;
        predH[k] = i >= 0 && blended ? blended(i) : predM[k]!;
      }
    }
    const results: [string, Float64Array, number][] = [
      ['baseline', predB, baselineSeconds],
      ['mf', predM, mfSeconds],
      ['hybrid', predH, hybridSeconds],
    ];
    for (const [model, pred, seconds] of results) {
      if (!(wanted as string[]).includes(model)) continue;
      const e = ratingErrors(test, pred);
      const s = sums.get(model) ?? { rmse: 0, mae: 0, trainSeconds: 0 };
      sums.set(model, { rmse: s.rmse + e.rmse, mae: s.mae + e.mae, trainSeconds: s.trainSeconds + seconds });
    }
    const hybridNote = wantHybrid ? ` hybrid rmse=${ratingErrors(test, predH).rmse.toFixed(4)}` : '';
    options.log(
      `protocol R fold ${f + 1}/${folds.length}: mf rmse=${ratingErrors(test, predM).rmse.toFixed(4)}${hybridNote}`,
    );
  }
  for (const [model, s] of sums) {
    out.set(model, {
      rmse: s.rmse / folds.length,
      mae: s.mae / folds.length,
      trainSeconds: s.trainSeconds / folds.length,
    });
  }
  return out;
}

function toUserState(train: readonly RatingRecord[]): UserState {
  return {
    ratings: train.map((r) => ({ item: r.item, rating: r.rating, timestamp: r.timestamp })),
    seen: [],
    notInterested: [],
    watchlist: [],
  };
}
