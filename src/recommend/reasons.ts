import { sharedFeatures } from './content.ts';
import { easeWeight } from './ease.ts';
import { contribution } from './hybrid-score.ts';
import type { HybridState, ScoreParts } from './hybrid-state.ts';
import type { Reason, Recommendation, Steering } from './types.ts';
import type { UserContext } from './user-context.ts';

/** Share of the blended score a personal component needs to be named as the reason. */
const PERSONAL_SHARE = 0.25;

/**
 * Why item `i` was picked: the component that contributed most decides the kind of reason, and the
 * reason names the history item or features behind it.
 */
export function explain(
  state: HybridState,
  ctx: UserContext,
  parts: ScoreParts,
  i: number,
  because: readonly number[],
  steer: Steering | undefined,
  maxFeatures: number,
): { reason: Reason; strategy: Recommendation['strategy'] } {
  const cf =
    contribution(parts, 'ease', i) + contribution(parts, 'itemKnn', i) + contribution(parts, 'mf', i);
  const people = contribution(parts, 'userKnn', i);
  const content = contribution(parts, 'content', i);
  const pop = contribution(parts, 'popularity', i);
  const steerBonus = parts.steer[i]!;
  const best = Math.max(cf, people, content, pop);
  if (ctx.watchlist.has(i) && steerBonus >= best) {
    return { reason: { kind: 'watchlist' }, strategy: 'personal' };
  }
  if (because.length > 0 && (steerBonus >= best || ctx.items.length === 0)) {
    const seed = strongestLink(state, because, null, i);
    // Name the real link: shared features when content carries the pick more than co-ratings do.
    if (seed === null || content > cf + people) {
      const features = sharedFeatures(state.content, parts.profile, i, maxFeatures);
      if (features.length > 0) return { reason: { kind: 'matches', features }, strategy: 'because' };
    }
    return {
      reason: { kind: 'liked-by-similar', item: state.items[seed ?? because[0]!]!.id },
      strategy: 'because',
    };
  }
  if (steerBonus > best && steer) {
    const features = steerFeatures(state, i, steer, maxFeatures);
    if (features.length > 0) return { reason: { kind: 'matches', features }, strategy: 'content' };
  }
  // Personal reasons win unless popularity clearly dominates: they are what users want to read.
  const total = cf + people + content + pop;
  if (
    Math.max(cf, people) > 0 &&
    Math.max(cf, people) >= content &&
    Math.max(cf, people) >= PERSONAL_SHARE * total
  ) {
    const at = historyLink(state, ctx.items, parts.cfWeight, i);
    if (at >= 0) {
      const h = ctx.items[at]!;
      if (people > cf)
        return { reason: { kind: 'liked-by-similar', item: state.items[h]!.id }, strategy: 'personal' };
      return {
        reason: { kind: 'rated', item: state.items[h]!.id, rating: ctx.ratings[at]! },
        strategy: 'personal',
      };
    }
  }
  if (content > 0 && content >= PERSONAL_SHARE * total) {
    const features = sharedFeatures(state.content, parts.profile, i, maxFeatures);
    if (features.length > 0) return { reason: { kind: 'matches', features }, strategy: 'content' };
  }
  return { reason: { kind: 'popular' }, strategy: 'popular' };
}

/**
 * The best item-kNN link into every item from one weighted history, found in one pass over the
 * history's neighbour lists instead of one scan of the whole history per explained pick (a user with
 * 2,700 ratings and 80 picks to explain). Links from history items in the EASE set are kept apart,
 * because for an item in that set EASE's weight decides instead.
 */
interface LinkIndex {
  history: ArrayLike<number>;
  /** Best `weight · similarity` into each item over the whole history, and the position giving it. */
  knnValue: Float64Array;
  knnAt: Int32Array;
  /** The same over history items outside the EASE set. */
  outsideValue: Float64Array;
  outsideAt: Int32Array;
  /** Positions of history items in the EASE set, ascending, and each one's EASE row. */
  easeAt: Int32Array;
  easeRow: Int32Array;
}

/** One index per request's history weights (shared by every list of a user-bound recommender). */
const linkIndexes = new WeakMap<Float64Array, LinkIndex>();

function linkIndex(state: HybridState, history: ArrayLike<number>, weights: Float64Array): LinkIndex {
  const known = linkIndexes.get(weights);
  if (known && known.history === history) return known;
  const n = state.items.length;
  const { ptr, nbr, sim } = state.itemKnn;
  const ease = state.ease;
  const index: LinkIndex = {
    history,
    knnValue: new Float64Array(n),
    knnAt: new Int32Array(n).fill(-1),
    outsideValue: new Float64Array(n),
    outsideAt: new Int32Array(n).fill(-1),
    easeAt: new Int32Array(0),
    easeRow: new Int32Array(0),
  };
  const easeAt: number[] = [];
  // Ascending positions and strict comparisons: ties go to the earliest position, as in the scan.
  for (let h = 0; h < history.length; h++) {
    const j = history[h]!;
    const w = weights[h]!;
    const inEase = ease.items.length > 0 && ease.column[j]! >= 0;
    if (inEase) easeAt.push(h);
    for (let k = ptr[j]!; k < ptr[j + 1]!; k++) {
      const t = nbr[k]!;
      const v = w * sim[k]!;
      if (v > index.knnValue[t]!) {
        index.knnValue[t] = v;
        index.knnAt[t] = h;
      }
      if (!inEase && v > index.outsideValue[t]!) {
        index.outsideValue[t] = v;
        index.outsideAt[t] = h;
      }
    }
  }
  index.easeAt = Int32Array.from(easeAt);
  index.easeRow = Int32Array.from(easeAt, (h) => ease.column[history[h]!]!);
  linkIndexes.set(weights, index);
  return index;
}

/**
 * Position in `history` of the item that pushes `i` up the most (see {@link strongestLink}), or -1;
 * through a {@link LinkIndex} when every history item has its weight.
 */
function historyLink(
  state: HybridState,
  history: ArrayLike<number>,
  weights: Float64Array,
  i: number,
): number {
  // Without weights every product is NaN and nothing links, as in the scan (similar() lists).
  if (weights.length === 0) return -1;
  if (weights.length !== history.length) {
    const j = strongestLink(state, history, weights, i);
    return j === null ? -1 : Array.prototype.indexOf.call(history, j);
  }
  const index = linkIndex(state, history, weights);
  const ease = state.ease;
  const ci = ease.items.length > 0 ? ease.column[i]! : -1;
  if (ci < 0) return index.knnAt[i]!;
  let bestAt = index.outsideAt[i]!;
  let bestValue = index.outsideValue[i]!;
  const { easeAt, easeRow } = index;
  const dense = ease.dense ? ease.weights : null;
  const width = ease.items.length;
  for (let e = 0; e < easeAt.length; e++) {
    const h = easeAt[e]!;
    const link = dense ? dense[easeRow[e]! * width + ci]! : easeWeight(ease, easeRow[e]!, ci);
    const v = weights[h]! * link;
    if (v > bestValue || (v === bestValue && v > 0 && h < bestAt)) {
      bestValue = v;
      bestAt = h;
    }
  }
  return bestAt;
}

/**
 * The history item that pushes `i` up the most: its EASE weight towards `i` (when both are in the
 * EASE item set), else its item-kNN similarity, times the history weight. Null when none links.
 */
function strongestLink(
  state: HybridState,
  history: ArrayLike<number>,
  weights: Float64Array | null,
  i: number,
): number | null {
  const ease = state.ease;
  const n = ease.items.length;
  const ci = n > 0 ? ease.column[i]! : -1;
  const { ptr, nbr, sim } = state.itemKnn;
  let best: number | null = null;
  let bestValue = 0;
  for (let h = 0; h < history.length; h++) {
    const j = history[h]!;
    const w = weights ? weights[h]! : 1;
    let link = 0;
    const cj = ci >= 0 ? ease.column[j]! : -1;
    if (cj >= 0) link = easeWeight(ease, cj, ci);
    else {
      for (let k = ptr[j]!; k < ptr[j + 1]!; k++) {
        if (nbr[k] === i) {
          link = sim[k]!;
          break;
        }
      }
    }
    if (w * link > bestValue) {
      bestValue = w * link;
      best = j;
    }
  }
  return best;
}

/** Requested genres / people / keywords this item matches, as display labels. */
function steerFeatures(state: HybridState, i: number, steer: Steering, max: number): string[] {
  const item = state.items[i]!;
  const out: string[] = [];
  const genres = new Map(item.genres.map((g) => [g.toLowerCase(), g]));
  for (const g of steer.genres ?? []) {
    const hit = genres.get(g.toLowerCase());
    if (hit) out.push(hit);
  }
  const people = [...item.directors, ...item.cast, ...(item.writers ?? [])];
  for (const p of steer.people ?? []) {
    const hit = people.find((x) => x.toLowerCase() === p.toLowerCase());
    if (hit) out.push(hit);
  }
  const c = state.content;
  for (let k = c.rowPtr[i]!; k < c.rowPtr[i + 1]!; k++) {
    const f = c.features[c.rowIdx[k]!]!;
    if ((f.startsWith('t:') || f.startsWith('w:')) && steer.keywords?.includes(f.slice(2)))
      out.push(c.labels[c.rowIdx[k]!]!);
  }
  return [...new Set(out)].slice(0, max);
}
