/**
 * Per-catalog tuning at training time (issue 15, item 4). A validation split is carved from the
 * training data only: every 5th user with ≥ 20 ratings is held out as a "new user" (folded in from
 * their first 5 and 10 ratings, as protocol C does), and the others' last 20 % of ratings are held
 * out as known users' future (as protocol T does). One model is trained on the rest; EASE's λ and
 * rating weighting and the new-user blend weights are chosen on it, within a time budget. The rule:
 * best mean new-user NDCG@10 (k = 5 and 10) among settings whose known-user NDCG@10 stays within
 * {@link KNOWN_USER_TOLERANCE} of the defaults' — known users' quality is not traded for new users';
 * a non-default EASE setting must also not lower known users' validation NDCG@10 and must beat the
 * best by {@link EASE_MARGIN}. The new-user weights only apply up to `newUserUntil` ratings.
 */
import { easeColumns, easeGram, easeItems, finishEase } from './ease.ts';
import { newUserSplit, PROFILE_SIZES, profileAndRelevant } from './eval/protocol-c.ts';
import { RankingAccumulator, temporalSplit } from './eval/protocol-t.ts';
import { type DeepPartial, type HybridConfig, resolveConfig } from './hybrid-config.ts';
import { scoreParts, weightsFor } from './hybrid-score.ts';
import { COMPONENTS, type Component, type HybridState } from './hybrid-state.ts';
import { prepareDataset } from './prepare.ts';
import { topK } from './top-k.ts';
import { type TrainOptions, trainHybridState } from './train.ts';
import type { Dataset, RatingRecord, UserState } from './types.ts';
import { buildUserContext } from './user-context.ts';
import { Vocabulary } from './vocab.ts';

/** What the tuner chose and how it scored on validation; stored with the model. */
export interface TuningReport {
  chosen: {
    lambda: number;
    ratingSlope: number;
    newUserWeights: Record<Component, number> | null;
  };
  /** Validation NDCG@10 (ranking without MMR) of the defaults and of the choice. */
  validation: {
    defaults: ValidationScores;
    chosen: ValidationScores;
  };
  newUsers: number;
  knownUsers: number;
  settingsTried: number;
  seconds: number;
  /** True when the budget ran out before every EASE setting was tried. */
  truncated: boolean;
}

export interface ValidationScores {
  /** New users with k = 5 and k = 10 ratings, and known users. */
  c5: number;
  c10: number;
  t: number;
}

export interface TuneOptions {
  /** Seconds the search may take after the validation model is trained (default 90). */
  budgetSeconds?: number;
  log?: (line: string) => void;
}

/** Known-user validation NDCG@10 may drop by at most this share of the defaults'. */
export const KNOWN_USER_TOLERANCE = 0.005;
/** A non-default EASE setting must beat the best so far on new users by this share. */
const EASE_MARGIN = 0.01;
/** Fewer held-out new users than this and the defaults stand (tiny catalogs, tests). */
const MIN_NEW_USERS = 20;
const DEFAULT_BUDGET_SECONDS = 90;
/** Per user and component, the items kept for re-blending: any top-20 of a blend lies among them. */
const KEEP_PER_COMPONENT = 300;
const ALL_ON: Record<Component, number> = {
  ease: 1,
  itemKnn: 1,
  userKnn: 1,
  content: 1,
  popularity: 1,
  mf: 0,
};
/** Values tried for each new-user blend weight. */
const WEIGHT_GRID: Record<Exclude<Component, 'mf'>, number[]> = {
  ease: [0.2, 0.5, 1, 1.5],
  itemKnn: [0, 0.1, 0.2, 0.4],
  userKnn: [0, 0.2, 0.4, 0.8],
  content: [0, 0.05, 0.15, 0.3, 0.6],
  popularity: [0, 0.3, 0.6, 1, 1.5],
};
/** EASE settings tried after the configured one, while the budget lasts. */
const EASE_GRID: { lambda: number; ratingSlope: number }[] = [
  { lambda: 250, ratingSlope: 1 },
  { lambda: 1000, ratingSlope: 1 },
  { lambda: 500, ratingSlope: 0.5 },
];

/** One validation user's component scores over the items any blend could rank in its top 20. */
interface Precomputed {
  history: number;
  /** Candidate item indices, and per component its (normalised) score of each candidate. */
  items: Int32Array;
  scores: Record<Component, Float32Array>;
  relevant: Set<number>;
  kind: 'c5' | 'c10' | 't';
}

type BlendKnobs = Pick<HybridConfig, 'newUserWeights'>;

/**
 * Chooses EASE λ / rating weighting and new-user blend settings for `dataset` (see the file comment).
 * Returns null when the data has too few users to validate on; the defaults then stand.
 */
export function tuneSettings(
  dataset: Dataset,
  base: DeepPartial<HybridConfig> | undefined,
  options: TuneOptions = {},
): { config: HybridConfig; report: TuningReport } | null {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const config = resolveConfig(base);
  if (config.skipEase) return null;
  const carve = newUserSplit(dataset.ratings);
  if (carve.users.length < MIN_NEW_USERS) return null;
  const known = temporalSplit(carve.train);
  const trainSet = { items: dataset.items, ratings: known.train };
  const state = trainHybridState(trainSet, { config });
  const trainSeconds = elapsed();
  log(`  tuning: validation model trained in ${trainSeconds.toFixed(1)} s`);
  const budget = trainSeconds + (options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS);
  const vocab = new Vocabulary(state.items.map((i) => i.id));
  const users: { user: UserState; relevant: Set<number>; kind: Precomputed['kind'] }[] = [];
  for (const u of carve.users) {
    for (const k of PROFILE_SIZES) {
      const p = profileAndRelevant(u, k);
      if (p) users.push({ user: asUser(p.profile), relevant: p.relevant, kind: k === 5 ? 'c5' : 'c10' });
    }
  }
  for (const u of known.users) users.push({ user: asUser(u.train), relevant: u.relevant, kind: 't' });

  const precompute = (s: HybridState): Precomputed[] =>
    users.map(({ user, relevant, kind }) => {
      const ctx = buildUserContext(user, vocab, s.config, false);
      const parts = scoreParts(s, ctx, ALL_ON);
      const keep = new Set<number>();
      const eligible = (i: number) => !ctx.excluded.has(i);
      for (const c of COMPONENTS) {
        if (ALL_ON[c] === 0) continue;
        for (const i of topK(parts.scores[c], KEEP_PER_COMPONENT, eligible)) keep.add(i);
      }
      const items = Int32Array.from([...keep].sort((a, b) => a - b));
      const scores = {} as Record<Component, Float32Array>;
      for (const c of COMPONENTS) {
        const all = parts.scores[c];
        scores[c] = Float32Array.from(items, (i) => (all.length > 0 ? all[i]! : 0));
      }
      const relevantIdx = new Set([...relevant].map((id) => vocab.indexOf(id)).filter((i) => i >= 0));
      return { history: ctx.items.length, items, scores, relevant: relevantIdx, kind };
    });

  let tried = 0;
  const score = (pre: Precomputed[], knobs: BlendKnobs): ValidationScores => {
    tried++;
    return evaluate(pre, { ...config, ...knobs }, state.ratingCount, state.items.length);
  };
  const defaultsKnobs: BlendKnobs = { newUserWeights: config.newUserWeights };
  let pre = precompute(state);
  const defaults = score(pre, defaultsKnobs);
  const floor = defaults.t * (1 - KNOWN_USER_TOLERANCE);
  const objective = (v: ValidationScores) => (v.t >= floor ? (v.c5 + v.c10) / 2 : Number.NEGATIVE_INFINITY);
  log(
    `  tuning: defaults c5=${defaults.c5.toFixed(4)} c10=${defaults.c10.toFixed(4)} t=${defaults.t.toFixed(4)}`,
  );

  let best = {
    ease: { lambda: config.ease.lambda, ratingSlope: config.ease.ratingSlope },
    knobs: defaultsKnobs,
    scores: defaults,
  };
  const search = (easeSetting: { lambda: number; ratingSlope: number }) => {
    // The search starts from the blend a 5-rating user gets without new-user weights.
    let knobs: BlendKnobs = {
      newUserWeights: best.knobs.newUserWeights ?? weightsFor(config, state.ratingCount, PROFILE_SIZES[0]),
    };
    let current = score(pre, knobs);
    // Coordinate ascent: two passes over the knobs, each value tried with the others held.
    for (let pass = 0; pass < 2; pass++) {
      for (const c of Object.keys(WEIGHT_GRID) as (keyof typeof WEIGHT_GRID)[]) {
        for (const v of WEIGHT_GRID[c]) {
          const next = { newUserWeights: { ...knobs.newUserWeights!, [c]: v } };
          const s = score(pre, next);
          if (objective(s) > objective(current)) {
            knobs = next;
            current = s;
          }
        }
      }
    }
    // Another EASE setting also changes known users' ranking: it must not cost them anything on
    // validation and must clearly help new users (the validation split is small and noisy).
    const configured =
      easeSetting.lambda === config.ease.lambda && easeSetting.ratingSlope === config.ease.ratingSlope;
    const better = configured
      ? objective(current) > objective(best.scores)
      : current.t >= defaults.t && objective(current) > objective(best.scores) * (1 + EASE_MARGIN);
    if (better) best = { ease: easeSetting, knobs, scores: current };
    log(
      `  tuning: EASE λ=${easeSetting.lambda} slope=${easeSetting.ratingSlope}: c5=${current.c5.toFixed(4)} c10=${current.c10.toFixed(4)} t=${current.t.toFixed(4)} (${elapsed().toFixed(0)} s)`,
    );
  };
  search(best.ease);

  let truncated = false;
  const data = prepareDataset(trainSet);
  const grams = new Map<number, Float64Array>();
  const kept = easeItems(data.itemPtr, config.ease);
  const column = easeColumns(data.items.length, kept);
  for (const setting of EASE_GRID) {
    if (setting.lambda === config.ease.lambda && setting.ratingSlope === config.ease.ratingSlope) continue;
    if (elapsed() > budget) {
      truncated = true;
      break;
    }
    let gram = grams.get(setting.ratingSlope);
    if (!gram) {
      gram = new Float64Array(kept.length * kept.length);
      easeGram(data, column, gram, kept.length, setting.ratingSlope, 0, 1);
      grams.set(setting.ratingSlope, gram);
    }
    const easeConfig = { ...config.ease, ...setting };
    const variant: HybridState = {
      ...state,
      config: { ...config, ease: easeConfig },
      ease: finishEase(Float64Array.from(gram), kept, column, easeConfig),
    };
    pre = precompute(variant);
    search(setting);
  }

  const chosen = resolveConfig({
    ...config,
    ease: { ...config.ease, ...best.ease },
    newUserWeights: best.knobs.newUserWeights,
  } as DeepPartial<HybridConfig>);
  const report: TuningReport = {
    chosen: { ...best.ease, newUserWeights: chosen.newUserWeights },
    validation: { defaults, chosen: best.scores },
    newUsers: carve.users.length,
    knownUsers: known.users.length,
    settingsTried: tried,
    seconds: elapsed(),
    truncated,
  };
  return { config: chosen, report };
}

/** Validation NDCG@10 of each group, ranking by the blend alone (no MMR: see the README). */
function evaluate(
  pre: Precomputed[],
  config: HybridConfig,
  ratingCount: number,
  catalogSize: number,
): ValidationScores {
  const acc = {
    c5: new RankingAccumulator(catalogSize),
    c10: new RankingAccumulator(catalogSize),
    t: new RankingAccumulator(catalogSize),
  };
  for (const p of pre) {
    const w = weightsFor(config, ratingCount, p.history);
    const values = new Float64Array(p.items.length);
    for (const c of COMPONENTS) {
      const wc = w[c];
      if (wc === 0) continue;
      const s = p.scores[c];
      for (let t = 0; t < values.length; t++) values[t]! += wc * s[t]!;
    }
    const top = topK(values, 20).map((t) => p.items[t]!);
    acc[p.kind].add(top, p.relevant);
  }
  return { c5: acc.c5.result().ndcg10, c10: acc.c10.result().ndcg10, t: acc.t.result().ndcg10 };
}

function asUser(ratings: readonly RatingRecord[]): UserState {
  return {
    ratings: ratings.map((r) => ({ item: r.item, rating: r.rating, timestamp: r.timestamp })),
    seen: [],
    notInterested: [],
    watchlist: [],
  };
}

/**
 * Tunes (see {@link tuneSettings}) and trains the model on all of `dataset` with the chosen settings;
 * the choice and its validation scores are stored with the model (`state.tuning`).
 */
export function trainTunedState(dataset: Dataset, options: TrainOptions & TuneOptions = {}): HybridState {
  const tuned = tuneSettings(dataset, options.config, options);
  const state = trainHybridState(dataset, { ...options, config: tuned?.config ?? options.config });
  if (tuned) state.tuning = tuned.report;
  return state;
}
