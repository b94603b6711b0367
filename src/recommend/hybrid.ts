import { foldInUserBias } from './baseline.ts';
import { addToProfile, type ContentProfile, itemCosine, scoreProfile } from './content.ts';
import type { HybridState, ScoreParts } from './hybrid-state.ts';
import { MAX_STARS, MIN_STARS } from './prepare.ts';
import { explain } from './reasons.ts';
import { mmrRerank } from './rerank.ts';
import { applySteering, buildFeatureLookup, type FeatureLookup } from './steer.ts';
import type { ItemMeta, Recommendation, Recommender, RecommendOptions, UserState } from './types.ts';
import { buildUserContext, type UserContext } from './user-context.ts';
import { Vocabulary } from './vocab.ts';

/** How strongly a rating's distance from the user's mean moves its collaborative weight. */
const CF_RATING_SLOPE = 0.3;
/** Neutral point for content preferences: halfway between the user's mean and 3 stars. */
const CONTENT_NEUTRAL_STARS = 3;
const MAX_REASON_FEATURES = 3;

/** The production recommender: blends popularity, content and collaborative scores per request. */
export class HybridRecommender implements Recommender {
  readonly version: string;
  readonly vocab: Vocabulary;
  private readonly lookup: FeatureLookup;

  constructor(readonly state: HybridState) {
    this.version = `${state.name}@${state.trainedAt}`;
    this.vocab = new Vocabulary(state.items.map((i) => i.id));
    this.lookup = buildFeatureLookup(state.content);
  }

  recommend(user: UserState, options: RecommendOptions): Recommendation[] {
    const ctx = this.context(user, options);
    const parts = this.score(ctx);
    const similar = applySteering(
      options.steer,
      user.likedGenres,
      this.state.items,
      this.vocab,
      this.state.content,
      this.lookup,
      parts.steer,
    );
    if (options.watchlist !== 'neutral' && options.watchlist !== 'exclude') {
      for (const i of ctx.watchlist) parts.steer[i]! += this.state.config.watchlistBoost;
    }
    const cold = ctx.items.length === 0;
    const diversity =
      options.diversity ?? (cold ? this.state.config.coldDiversity : this.state.config.diversity);
    return this.finish(ctx, parts, user, options, diversity, similar);
  }

  similar(itemId: number, options: RecommendOptions & { user?: UserState }): Recommendation[] {
    const user = options.user ?? emptyUser();
    const ctx = this.context(user, options);
    const base = this.vocab.indexOf(itemId);
    const n = this.state.items.length;
    const parts = emptyParts(n, ctx, this.state.popularity.score);
    if (base < 0) return [];
    ctx.excluded.add(base);
    const { ptr, nbr, sim } = this.state.itemKnn;
    for (let k = ptr[base]!; k < ptr[base + 1]!; k++) parts.cf[nbr[k]!] = sim[k]!;
    const profile: ContentProfile = new Map();
    addToProfile(this.state.content, profile, base, 1);
    scoreProfile(this.state.content, profile, parts.content);
    normalise(parts.cf, ctx.excluded);
    normalise(parts.content, ctx.excluded);
    const hasCf = ptr[base + 1]! > ptr[base]!;
    parts.weights = { cf: hasCf ? 0.6 : 0, content: hasCf ? 0.35 : 0.9, pop: 0.05 };
    parts.profile = profile;
    if (options.user && ctx.items.length > 0) {
      const personal = this.score(ctx);
      for (let i = 0; i < n; i++) parts.steer[i]! += 0.2 * combined(personal, i);
    }
    applySteering(
      options.steer,
      user.likedGenres,
      this.state.items,
      this.vocab,
      this.state.content,
      this.lookup,
      parts.steer,
    );
    return this.finish(ctx, parts, user, options, options.diversity ?? this.state.config.diversity, [base]);
  }

  predict(user: UserState, itemId: number): number | null {
    const i = this.vocab.indexOf(itemId);
    if (i < 0) return null;
    return this.predictIndex(this.context(user, {}), i);
  }

  /** Per-component relevance (each 0–1) for every item, with blend weights from what is known. */
  score(ctx: UserContext): ScoreParts {
    const n = this.state.items.length;
    const parts = emptyParts(n, ctx, this.state.popularity.score);
    const s = this.state;
    const { ptr, nbr, sim } = s.itemKnn;
    const profile: ContentProfile = new Map();
    const neutral = Number.isFinite(ctx.mean)
      ? 0.5 * ctx.mean + 0.5 * CONTENT_NEUTRAL_STARS
      : CONTENT_NEUTRAL_STARS;
    for (let h = 0; h < ctx.items.length; h++) {
      const i = ctx.items[h]!;
      const r = ctx.ratings[h]!;
      const w = ctx.recency[h]! * Math.max(0, 1 + CF_RATING_SLOPE * (r - ctx.mean));
      parts.cfWeight[h] = w;
      for (let k = ptr[i]!; k < ptr[i + 1]!; k++) parts.cf[nbr[k]!]! += w * sim[k]!;
      addToProfile(s.content, profile, i, ctx.recency[h]! * ((r - neutral) / 2));
    }
    scoreProfile(s.content, profile, parts.content);
    normalise(parts.cf, ctx.excluded);
    normalise(parts.content, ctx.excluded);
    parts.profile = profile;
    const know = ctx.items.length / (ctx.items.length + s.config.knowledgeHalf);
    parts.weights = { cf: know, content: 0.2 + 0.4 * (1 - know), pop: 0.05 + 0.6 * (1 - know) };
    return parts;
  }

  private finish(
    ctx: UserContext,
    parts: ScoreParts,
    user: UserState,
    options: RecommendOptions,
    diversity: number,
    because: number[],
  ): Recommendation[] {
    const n = Math.max(0, Math.floor(options.n));
    if (n === 0) return [];
    const items = this.state.items;
    const avoided = new Set((user.avoidedGenres ?? []).map((g) => g.toLowerCase()));
    for (const g of options.steer?.genres ?? []) avoided.delete(g.toLowerCase());
    const pool = Math.max(n, Math.ceil(n * this.state.config.candidateFactor));
    const candidates: number[] = [];
    const values: number[] = [];
    // Keep the best `pool` eligible items with a simple bounded insertion (pool is small).
    for (let i = 0; i < items.length; i++) {
      if (ctx.excluded.has(i)) continue;
      const v = combined(parts, i) + parts.steer[i]!;
      if (!Number.isFinite(v)) continue;
      if (candidates.length === pool && v <= values[pool - 1]!) continue;
      const meta = items[i]!;
      if (options.filter && !options.filter(meta)) continue;
      if (avoided.size > 0 && meta.genres.some((g) => avoided.has(g.toLowerCase()))) continue;
      let at = candidates.length;
      while (at > 0 && values[at - 1]! < v) at--;
      candidates.splice(at, 0, i);
      values.splice(at, 0, v);
      if (candidates.length > pool) {
        candidates.pop();
        values.pop();
      }
    }
    if (candidates.length === 0) return [];
    const top = values[0]!;
    const bottom = values[values.length - 1]!;
    const relevance = values.map((v) => (top > bottom ? (v - bottom) / (top - bottom) : 1));
    const content = this.state.content;
    const chosen = mmrRerank(candidates, relevance, (a, b) => itemCosine(content, a, b), n, diversity);
    return chosen.map((i) => {
      const { reason, strategy } = explain(
        this.state,
        ctx,
        parts,
        i,
        because,
        options.steer,
        MAX_REASON_FEATURES,
      );
      return {
        item: items[i]!.id,
        score: combined(parts, i) + parts.steer[i]!,
        predictedRating: this.predictIndex(ctx, i),
        reason,
        strategy,
      };
    });
  }

  private predictIndex(ctx: UserContext, i: number): number | null {
    const s = this.state;
    if (s.ratingCount === 0) {
      const meta: ItemMeta = s.items[i]!;
      return meta.imdbRating != null && Number.isFinite(meta.imdbRating)
        ? round(clip(meta.imdbRating / 2))
        : null;
    }
    const bu = foldInUserBias(s.baseline, ctx.items, ctx.ratings);
    const base = (j: number) => s.baseline.mean + bu + s.baseline.itemBias[j]!;
    // Neighbourhood residual: how the user rated this item's neighbours relative to their baseline.
    let num = 0;
    let den = 0;
    const rated = new Map<number, number>();
    for (let h = 0; h < ctx.items.length; h++) rated.set(ctx.items[h]!, ctx.ratings[h]!);
    const { ptr, nbr, sim } = s.itemKnn;
    for (let k = ptr[i]!; k < ptr[i + 1]!; k++) {
      const r = rated.get(nbr[k]!);
      if (r === undefined) continue;
      num += sim[k]! * (r - base(nbr[k]!));
      den += sim[k]!;
    }
    const residual = den > 0 ? num / (den + 1) : 0;
    return round(clip(base(i) + residual));
  }

  /** Maps a request's user state onto this model. */
  context(user: UserState, options: Pick<RecommendOptions, 'watchlist'>): UserContext {
    return buildUserContext(
      user,
      this.vocab,
      this.state.config.halfLifeDays,
      options.watchlist === 'exclude',
    );
  }
}

/** Blended relevance of item `i`, before steering. */
export function combined(parts: ScoreParts, i: number): number {
  const w = parts.weights;
  return w.cf * parts.cf[i]! + w.content * parts.content[i]! + w.pop * parts.pop[i]!;
}

function emptyParts(n: number, ctx: UserContext, pop: Float32Array): ScoreParts {
  return {
    cf: new Float64Array(n),
    content: new Float64Array(n),
    pop,
    steer: new Float64Array(n),
    cfWeight: new Float64Array(ctx.items.length),
    weights: { cf: 0, content: 0, pop: 0 },
    profile: new Map(),
  };
}

/** Scales `v` so its maximum over eligible items is 1 (left as is when nothing is positive). */
function normalise(v: Float64Array, excluded: Set<number>): void {
  let max = 0;
  for (let i = 0; i < v.length; i++) if (!excluded.has(i) && v[i]! > max) max = v[i]!;
  if (max > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / max;
}

function emptyUser(): UserState {
  return { ratings: [], notInterested: [], seen: [], watchlist: [] };
}

const clip = (x: number) => Math.min(MAX_STARS, Math.max(MIN_STARS, x));
const round = (x: number) => Math.round(x * 10) / 10;
