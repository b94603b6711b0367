import { addToProfile, type ContentProfile, scoreProfile } from './content.ts';
import { scoreEase } from './ease.ts';
import type { HybridConfig } from './hybrid-config.ts';
import { COMPONENTS, type Component, type HybridState, type ScoreParts } from './hybrid-state.ts';
import { foldInMfUser, type MfState } from './mf.ts';
import type { UserContext } from './user-context.ts';
import { scoreUserKnn } from './user-knn.ts';

/** How strongly a rating's distance from the user's mean moves its item-kNN weight. */
const CF_RATING_SLOPE = 0.5;
/** Neutral point for content preferences: halfway between the user's mean and 3 stars. */
const CONTENT_NEUTRAL_STARS = 3;

/** On a catalog without ratings, the content weight (against quality's 1) of a user the system knows well. */
const STARTER_CONTENT_WEIGHT = 1.5;

/** Blend weights for a user with `history` ratings: from the cold-start mix towards the known-user mix. */
export function blendWeights(state: HybridState, history: number): Record<Component, number> {
  return weightsFor(state.config, state.ratingCount, history);
}

/**
 * {@link blendWeights} for a config and catalog size: the tuner scores many configs on one trained
 * state.
 */
export function weightsFor(
  c: Pick<
    HybridConfig,
    'knownWeights' | 'coldWeights' | 'knowledgeHalf' | 'newUserWeights' | 'newUserUntil' | 'newUserFade'
  >,
  ratingCount: number,
  history: number,
): Record<Component, number> {
  const know = history / (history + c.knowledgeHalf);
  const out = {} as Record<Component, number>;
  for (const k of COMPONENTS) out[k] = know * c.knownWeights[k] + (1 - know) * c.coldWeights[k];
  const fresh = c.newUserWeights;
  if (fresh && history > 0) {
    const share =
      history <= c.newUserUntil
        ? 1
        : Math.max(0, 1 - (history - c.newUserUntil) / Math.max(1, c.newUserFade));
    for (const k of COMPONENTS) out[k] = share * fresh[k] + (1 - share) * out[k]!;
  }
  // Without collaborative data (a fresh catalog, e.g. the starter one) there is nothing for CF to
  // say, and the known-user mix's popularity penalty would push the list towards obscure, badly rated
  // films of the liked kind ("Def-Con 4 ≈ 1.9★"): quality (IMDb rating and votes, shrunk) keeps full
  // weight and content gains weight as the user rates.
  if (ratingCount === 0) {
    for (const k of COMPONENTS) out[k] = 0;
    out.popularity = 1;
    out.content = (STARTER_CONTENT_WEIGHT * history) / (history + 2);
  }
  return out;
}

/**
 * Scores every item with each component that has a non-zero weight, each normalised so its best
 * eligible item scores 1. `steer` (zeroed, catalog-length) becomes the parts' steering array: a
 * caller's reused scratch array, or a new one. `alloc` gives the zeroed catalog-length arrays the
 * component scores are written into (a pool's, or new ones).
 */
export function scoreParts(
  state: HybridState,
  ctx: UserContext,
  weights: Record<Component, number>,
  steer?: Float64Array,
  alloc: () => Float64Array = () => new Float64Array(state.items.length),
): ScoreParts {
  const parts: ScoreParts = {
    scores: {
      ease: EMPTY,
      itemKnn: EMPTY,
      userKnn: EMPTY,
      content: EMPTY,
      popularity: state.popularity.score,
      mf: EMPTY,
    },
    weights,
    steer: steer ?? alloc(),
    cfWeight: new Float64Array(ctx.items.length),
    profile: new Map(),
    neighbours: [],
  };
  const history = ctx.items.length;
  for (let h = 0; h < history; h++) {
    const w = ctx.recency[h]! * Math.max(0, 1 + CF_RATING_SLOPE * (ctx.ratings[h]! - ctx.mean));
    parts.cfWeight[h] = w;
  }
  if (history > 0) {
    parts.profile = contentProfile(state, ctx);
    if (weights.ease > 0 && state.ease.items.length > 0) {
      const s = alloc();
      scoreEase(state.ease, ctx, s);
      parts.scores.ease = normalise(s, ctx.excluded);
    }
    if (weights.itemKnn > 0) {
      const s = alloc();
      const { ptr, nbr, sim } = state.itemKnn;
      for (let h = 0; h < history; h++) {
        const i = ctx.items[h]!;
        const w = parts.cfWeight[h]!;
        for (let k = ptr[i]!; k < ptr[i + 1]!; k++) s[nbr[k]!]! += w * sim[k]!;
      }
      parts.scores.itemKnn = normalise(s, ctx.excluded);
    }
    if (weights.userKnn > 0) {
      const s = alloc();
      parts.neighbours = scoreUserKnn(state.userKnn, ctx, s);
      parts.scores.userKnn = normalise(s, ctx.excluded);
    }
    if (weights.content > 0) {
      const s = alloc();
      scoreProfile(state.content, parts.profile, s);
      parts.scores.content = normalise(s, ctx.excluded);
    }
    if (weights.mf > 0) {
      parts.scores.mf = mfScores(state.mf, foldInMfUser(state.mf, ctx.items, ctx.ratings), alloc());
    }
  }
  return parts;
}

/**
 * `predictMf` of every item, scaled from stars to 0–1, into `s`, written out inline (the same sums in
 * the same order) because it runs over the whole catalog on every request.
 */
function mfScores(mf: MfState, user: { factors: Float64Array; bias: number }, s: Float64Array): Float64Array {
  const { factors: k, itemFactors, itemBias } = mf;
  const uf = user.factors;
  const base = mf.mean + user.bias;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    const at = i * k;
    for (let f = 0; f < k; f++) dot += uf[f]! * itemFactors[at + f]!;
    s[i] = (base + itemBias[i]! + dot - 0.5) / 4.5;
  }
  return s;
}

/** The user's content profile: item vectors weighted by recency and how much they liked them. */
export function contentProfile(state: HybridState, ctx: UserContext): ContentProfile {
  const profile: ContentProfile = new Map();
  const neutral = Number.isFinite(ctx.mean)
    ? 0.5 * ctx.mean + 0.5 * CONTENT_NEUTRAL_STARS
    : CONTENT_NEUTRAL_STARS;
  for (let h = 0; h < ctx.items.length; h++) {
    addToProfile(state.content, profile, ctx.items[h]!, ctx.recency[h]! * ((ctx.ratings[h]! - neutral) / 2));
  }
  return profile;
}

/** Blended relevance of item `i`, before steering. */
export function combined(parts: ScoreParts, i: number): number {
  let v = 0;
  for (const k of COMPONENTS) {
    const w = parts.weights[k];
    if (w !== 0) v += w * (parts.scores[k][i] ?? 0);
  }
  return v;
}

/**
 * {@link combined} for every item at once, component by component (the same sums in the same order,
 * so the same values), into `out`.
 */
export function combineAll(parts: ScoreParts, out: Float64Array): Float64Array {
  out.fill(0);
  for (const k of COMPONENTS) {
    const w = parts.weights[k];
    if (w === 0) continue;
    const s = parts.scores[k];
    const m = Math.min(s.length, out.length);
    for (let i = 0; i < m; i++) out[i]! += w * s[i]!;
  }
  return out;
}

/** Contribution of one component to item `i`'s blended score. */
export function contribution(parts: ScoreParts, component: Component, i: number): number {
  return parts.weights[component] * (parts.scores[component][i] ?? 0);
}

const EMPTY = new Float64Array(0);

/** Scales `v` so its maximum over eligible items is 1 (left as is when nothing is positive). */
function normalise(v: Float64Array, excluded: ReadonlySet<number>): Float64Array {
  let max = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! > max && !excluded.has(i)) max = v[i]!;
  if (max > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / max;
  return v;
}
