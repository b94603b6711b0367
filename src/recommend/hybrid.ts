import { ArrayPool } from './array-pool.ts';
import { addToProfile, scoreProfile } from './content.ts';
import { blendWeights, combineAll, scoreParts } from './hybrid-score.ts';
import { COMPONENTS, type Component, type HybridState, type ScoreParts } from './hybrid-state.ts';
import { MAX_STARS, MIN_STARS } from './prepare.ts';
import { createRatingPredictor } from './rating-predictor.ts';
import { explain, historyLinks } from './reasons.ts';
import { mmrRerank } from './rerank.ts';
import { applySteering, buildFeatureLookup, type FeatureLookup } from './steer.ts';
import { topK } from './top-k.ts';
import type { Recommendation, Recommender, RecommendOptions, UserRecommender, UserState } from './types.ts';
import { buildUserContext, type UserContext } from './user-context.ts';
import { Vocabulary } from './vocab.ts';

const MAX_REASON_FEATURES = 3;
/**
 * In `similar()`, how much the seed's collaborative neighbours count against its content twins
 * (genres, people, keywords, era). Half and half: co-rating cosine alone drifts to the blockbusters
 * everyone rated (Toy Story → Star Wars), content alone to one director's every film.
 */
const SIMILAR_CF_SHARE = 0.5;
/** In `similar()`, at most this many films by any one of the seed's directors. */
const SIMILAR_PER_DIRECTOR = 2;

/** The production recommender: blends popularity, content and collaborative scores per request. */
export class HybridRecommender implements Recommender {
  readonly version: string;
  readonly vocab: Vocabulary;
  private readonly lookup: FeatureLookup;
  /** The blended relevance of a user without history (popularity alone), once per model. */
  private coldBlend: Float64Array | undefined;
  /** All zeros between uses: see {@link HybridRecommender.rerank}. */
  private cosineScratch: Float64Array | undefined;
  /** All zeros between uses: see `historyLinks`. */
  private slotScratch: Int32Array | undefined;
  /** See {@link scratch}. */
  private readonly scratchArrays = new Map<ScratchSlot, Float64Array>();
  /** The component scores of bound users, taken back on release (see {@link forUser}). */
  private readonly pool: ArrayPool;

  constructor(readonly state: HybridState) {
    this.version = `${state.name}@${state.trainedAt}`;
    this.vocab = new Vocabulary(state.items.map((i) => i.id));
    this.lookup = buildFeatureLookup(state.content);
    this.pool = new ArrayPool(state.items.length);
  }

  recommend(user: UserState, options: RecommendOptions): Recommendation[] {
    return once(this.forUser(user), (b) => b.recommend(options));
  }

  similar(itemId: number, options: RecommendOptions & { user?: UserState }): Recommendation[] {
    const { user, ...rest } = options;
    return once(this.forUser(user ?? EMPTY_USER), (b) => b.similar(itemId, rest));
  }

  predict(user: UserState, itemId: number): number | null {
    return once(this.forUser(user), (b) => b.predict(itemId));
  }

  /**
   * Binds `user`: their context, component scores and blended relevance are computed on first use
   * (once per watchlist mode, since excluding the watchlist changes normalisation) and reused by every
   * list asked of the result; each list works on its own copies of what it changes. `release()` hands
   * the scores' arrays back to the pool (a later list computes them again).
   */
  forUser(user: UserState): UserRecommender {
    const scored = new Map<boolean, UserScores>();
    let predictor: Predictor | undefined;
    const scores = (options: Pick<RecommendOptions, 'watchlist'>): UserScores => {
      const key = options.watchlist === 'exclude';
      const known = scored.get(key);
      if (known) return known;
      const s = this.score(user, options);
      scored.set(key, s);
      return s;
    };
    // Predictions need only the history, not the scores: any context of this user will do.
    const predict = (): Predictor => {
      predictor ??= this.predictor((scored.get(false) ?? scored.get(true))?.ctx ?? this.context(user, {}));
      return predictor;
    };
    return {
      recommend: (options) => this.recommendFor(scores(options), user, options, predict),
      similar: (itemId, options) => this.similarFor(scores(options), user, itemId, options, predict),
      predict: (itemId) => {
        const i = this.vocab.indexOf(itemId);
        return i < 0 ? null : predict()(i);
      },
      release: () => {
        for (const s of scored.values()) this.pool.give(s.owned);
        scored.clear();
      },
    };
  }

  /** The user's context, component scores (steer left at zero) and blended relevance per item. */
  private score(user: UserState, options: Pick<RecommendOptions, 'watchlist'>): UserScores {
    const ctx = this.context(user, options);
    const owned: Float64Array[] = [];
    const take = () => {
      const a = this.pool.take();
      owned.push(a);
      return a;
    };
    const parts = scoreParts(this.state, ctx, blendWeights(this.state, ctx.items.length), undefined, take);
    // Without history the blend is popularity alone, the same for everyone: computed once per model.
    if (ctx.items.length > 0) return { ctx, parts, blended: combineAll(parts, take()), owned };
    this.coldBlend ??= combineAll(parts, new Float64Array(this.state.items.length));
    return { ctx, parts, blended: this.coldBlend, owned };
  }

  private recommendFor(
    scores: UserScores,
    user: UserState,
    options: RecommendOptions,
    predict: () => Predictor,
  ): Recommendation[] {
    const ctx = { ...scores.ctx, excluded: new Set(scores.ctx.excluded) };
    const parts = { ...scores.parts, steer: this.scratch('steer') };
    const because = this.steer(parts, user, options);
    // "Like Alien" should not answer Alien.
    for (const i of because) ctx.excluded.add(i);
    if (options.watchlist !== 'neutral' && options.watchlist !== 'exclude') {
      for (const i of ctx.watchlist) parts.steer[i]! += this.state.config.watchlistBoost;
    }
    const cold = ctx.items.length === 0;
    const diversity =
      options.diversity ?? (cold ? this.state.config.coldDiversity : this.state.config.diversity);
    return this.finish(ctx, parts, scores.blended, user, options, diversity, because, predict);
  }

  /**
   * Scores of one model component alone (no steering, no re-ranking), best first, for offline
   * evaluation of each component against the hybrid.
   */
  rankWith(component: Component | 'hybrid', user: UserState, n: number): number[] {
    const ctx = this.context(user, {});
    let weights = blendWeights(this.state, ctx.items.length);
    if (component !== 'hybrid') {
      weights = Object.fromEntries(COMPONENTS.map((k) => [k, k === component ? 1 : 0])) as Record<
        Component,
        number
      >;
    }
    const parts = scoreParts(this.state, ctx, weights);
    const values = combineAll(parts, new Float64Array(this.state.items.length));
    return topK(values, n, (i) => !ctx.excluded.has(i)).map((i) => this.state.items[i]!.id);
  }

  private similarFor(
    scores: UserScores,
    user: UserState,
    itemId: number,
    options: RecommendOptions,
    predict: () => Predictor,
  ): Recommendation[] {
    const ctx = { ...scores.ctx, excluded: new Set(scores.ctx.excluded) };
    const base = this.vocab.indexOf(itemId);
    if (base < 0) return [];
    ctx.excluded.add(base);
    const { ptr, nbr, sim } = this.state.itemKnn;
    const hasCf = ptr[base + 1]! > ptr[base]!;
    // About the film only: no popularity, no personal relevance; the user's history only filters.
    const weights = Object.fromEntries(COMPONENTS.map((k) => [k, 0])) as Record<Component, number>;
    weights.itemKnn = hasCf ? SIMILAR_CF_SHARE : 0;
    weights.content = hasCf ? 1 - SIMILAR_CF_SHARE : 1;
    const parts = scoreParts(
      this.state,
      { ...ctx, items: new Int32Array(0) },
      weights,
      this.scratch('steer'),
    );
    const cf = this.scratch('cf');
    for (let k = ptr[base]!; k < ptr[base + 1]!; k++) cf[nbr[k]!] = sim[k]!;
    const content = this.scratch('content');
    addToProfile(this.state.content, parts.profile, base, 1);
    scoreProfile(this.state.content, parts.profile, content);
    parts.scores.itemKnn = scaleToMax(cf);
    parts.scores.content = scaleToMax(content);
    this.steer(parts, user, options);
    const diversity = options.diversity ?? this.state.config.diversity;
    // Explained as links to the seed, not to the user's history (which only filtered).
    const seedOnly = { ...ctx, items: new Int32Array(0), ratings: new Float32Array(0) };
    const directors = new Set(this.state.items[base]!.directors.map((d) => d.toLowerCase()));
    const wide = { ...options, n: directors.size > 0 ? options.n * 3 : options.n };
    const list = this.finish(seedOnly, parts, null, user, wide, diversity, [base], predict);
    const perDirector = new Map<string, number>();
    return list
      .filter((r) => {
        const shared = this.state.items[this.vocab.indexOf(r.item)]!.directors.map((d) =>
          d.toLowerCase(),
        ).filter((d) => directors.has(d));
        if (shared.some((d) => (perDirector.get(d) ?? 0) >= SIMILAR_PER_DIRECTOR)) return false;
        for (const d of shared) perDirector.set(d, (perDirector.get(d) ?? 0) + 1);
        return true;
      })
      .slice(0, Math.max(0, Math.floor(options.n)));
  }

  /** Predicted stars for many items of one user (one fold-in). */
  predictMany(user: UserState, itemIds: readonly number[]): (number | null)[] {
    const p = this.predictor(this.context(user, {}));
    return itemIds.map((id) => {
      const i = this.vocab.indexOf(id);
      return i < 0 ? null : p(i);
    });
  }

  /** Maps a request's user state onto this model. */
  context(user: UserState, options: Pick<RecommendOptions, 'watchlist'>): UserContext {
    return buildUserContext(user, this.vocab, this.state.config, options.watchlist === 'exclude');
  }

  /**
   * A catalog-length array for one list's temporary scores, zeroed (or a copy of `from`), reused by every
   * later list: about half of a list's arrays (steering, the final values, a similar-list's seed scores)
   * live only while the list is built, and allocating them anew (~240 KB each at 30,000 films, a dozen
   * per `/recommend`) made V8 run a full collection every few requests, which set the p99. Safe because
   * building a list is synchronous, no list is built inside another, and only numbers leave it.
   */
  private scratch(slot: ScratchSlot, from?: Float64Array): Float64Array {
    let a = this.scratchArrays.get(slot);
    if (!a) {
      a = new Float64Array(this.state.items.length);
      this.scratchArrays.set(slot, a);
    }
    if (from) a.set(from);
    else a.fill(0);
    return a;
  }

  private steer(parts: ScoreParts, user: UserState, options: RecommendOptions): number[] {
    const s = this.state;
    return applySteering(
      options.steer,
      user.likedGenres,
      s.items,
      this.vocab,
      s.content,
      this.lookup,
      parts.steer,
    );
  }

  /**
   * MMR over the content model's cosine. MMR compares each pick with every remaining candidate, so the
   * pick's feature row is spread into a dense scratch vector once and each candidate's row is summed
   * against it: the products of `itemCosine`'s merge, in the same (feature) order, so the same
   * values, without the merge's branches.
   */
  private rerank(candidates: number[], relevance: number[], n: number, diversity: number): number[] {
    const { rowPtr, rowIdx, rowVal } = this.state.content;
    this.cosineScratch ??= new Float64Array(this.state.content.features.length);
    const dense = this.cosineScratch;
    let spread = -1;
    const clear = () => {
      if (spread >= 0) for (let k = rowPtr[spread]!; k < rowPtr[spread + 1]!; k++) dense[rowIdx[k]!] = 0;
    };
    const cosine = (a: number, b: number) => {
      if (a !== spread) {
        clear();
        for (let k = rowPtr[a]!; k < rowPtr[a + 1]!; k++) dense[rowIdx[k]!] = rowVal[k]!;
        spread = a;
      }
      let dot = 0;
      for (let k = rowPtr[b]!; k < rowPtr[b + 1]!; k++) dot += dense[rowIdx[k]!]! * rowVal[k]!;
      return dot;
    };
    try {
      return mmrRerank(candidates, relevance, cosine, n, diversity);
    } finally {
      clear();
    }
  }

  /** Stars for item index → prediction, from MF with the user folded in (IMDb prior without ratings). */
  private predictor(ctx: UserContext): Predictor {
    const s = this.state;
    if (s.ratingCount === 0) {
      return (i) => {
        const r = s.items[i]!.imdbRating;
        return r != null && Number.isFinite(r) ? round(clip(r / 2)) : null;
      };
    }
    const predict = createRatingPredictor(s.mf, s.itemKnn, ctx.items, ctx.ratings, s.config.ratingBlend);
    return (i) => {
      const v = predict(i);
      return Number.isFinite(v) ? round(clip(v)) : null;
    };
  }

  /**
   * Blends (or takes `blended`, the precomputed blend of `parts`), adds steering, filters, re-ranks
   * and explains the top `options.n`.
   */
  private finish(
    ctx: UserContext,
    parts: ScoreParts,
    blended: Float64Array | null,
    user: UserState,
    options: RecommendOptions,
    diversity: number,
    because: number[],
    predictor: () => Predictor,
  ): Recommendation[] {
    const n = Math.max(0, Math.floor(Number.isFinite(options.n) ? options.n : 0));
    if (n === 0) return [];
    const items = this.state.items;
    const avoided = new Set((user.avoidedGenres ?? []).map((g) => g.toLowerCase()));
    for (const g of options.steer?.genres ?? []) avoided.delete(g.toLowerCase());
    const values = blended ? this.scratch('values', blended) : combineAll(parts, this.scratch('values'));
    for (let i = 0; i < items.length; i++) values[i]! += parts.steer[i]!;
    const pool = Math.max(n, Math.ceil(n * this.state.config.candidateFactor));
    const candidates = topK(values, pool, (i) => {
      if (ctx.excluded.has(i) || !Number.isFinite(values[i]!)) return false;
      const meta = items[i]!;
      if (options.filter && !options.filter(meta)) return false;
      return !(avoided.size > 0 && meta.genres.some((g) => avoided.has(g.toLowerCase())));
    });
    if (candidates.length === 0) return [];
    const top = values[candidates[0]!]!;
    const bottom = values[candidates[candidates.length - 1]!]!;
    const relevance = candidates.map((i) => (top > bottom ? (values[i]! - bottom) / (top - bottom) : 1));
    const chosen = this.rerank(candidates, relevance, n, diversity);
    const predict = predictor();
    let links: Map<number, number> | undefined;
    const linkOf = (i: number) => {
      this.slotScratch ??= new Int32Array(items.length);
      links ??= historyLinks(this.state, ctx.items, parts.cfWeight, chosen, this.slotScratch);
      return links.get(i) ?? -1;
    };
    return chosen.map((i) => {
      const { reason, strategy } = explain(
        this.state,
        ctx,
        parts,
        i,
        because,
        options.steer,
        MAX_REASON_FEATURES,
        linkOf,
      );
      return { item: items[i]!.id, score: values[i]!, predictedRating: predict(i), reason, strategy };
    });
  }
}

/** The scratch arrays of one list (see `HybridRecommender.scratch`). */
type ScratchSlot = 'steer' | 'values' | 'cf' | 'content';

const EMPTY_USER: UserState = { ratings: [], notInterested: [], seen: [], watchlist: [] };

type Predictor = (i: number) => number | null;

/** One user's scoring, shared by the lists of a {@link UserRecommender}; never mutated after creation. */
interface UserScores {
  ctx: UserContext;
  parts: ScoreParts;
  /** `combined(parts, i)` for every item. */
  blended: Float64Array;
  /** The arrays above taken from the recommender's pool, given back on release. */
  owned: Float64Array[];
}

/** `use(binding)`, then the binding's arrays go back to the pool: only numbers and text leave a list. */
function once<T>(binding: UserRecommender, use: (b: UserRecommender) => T): T {
  try {
    return use(binding);
  } finally {
    binding.release();
  }
}

function scaleToMax(v: Float64Array): Float64Array {
  let max = 0;
  for (const x of v) if (x > max) max = x;
  if (max > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / max;
  return v;
}

const clip = (x: number) => Math.min(MAX_STARS, Math.max(MIN_STARS, x));
const round = (x: number) => Math.round(x * 10) / 10;
