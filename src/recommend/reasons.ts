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
 * reason names the history item or features behind it. `linkOf(i)`: the position in the history of
 * the item that pushes `i` up the most, or -1 (see {@link historyLinks}).
 */
export function explain(
  state: HybridState,
  ctx: UserContext,
  parts: ScoreParts,
  i: number,
  because: readonly number[],
  steer: Steering | undefined,
  maxFeatures: number,
  linkOf: (i: number) => number,
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
    const at = linkOf(i);
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
 * For each of `targets` (item indices), the position in `history` of the item that pushes it up the
 * most (see {@link strongestLink}), or -1 when none does. One pass over the history's neighbour lists
 * serves every target, instead of one scan of the whole history per target (a user with 2,700 ratings
 * and 80 picks to explain); only the targets' best links are kept, so nothing catalog-length is
 * allocated per list. Links from history items in the EASE set are kept apart, because for a target in
 * that set EASE's weight decides instead. `slotOf` is a catalog-length array of zeros, left so.
 */
export function historyLinks(
  state: HybridState,
  history: ArrayLike<number>,
  weights: Float64Array,
  targets: readonly number[],
  slotOf: Int32Array,
): Map<number, number> {
  const links = new Map<number, number>();
  // Without weights every product is NaN and nothing links, as in the scan (similar() lists).
  if (weights.length === 0) return links;
  if (weights.length !== history.length) {
    for (const i of targets) {
      const j = strongestLink(state, history, weights, i);
      links.set(i, j === null ? -1 : Array.prototype.indexOf.call(history, j));
    }
    return links;
  }
  const m = targets.length;
  const knnValue = new Float64Array(m);
  const knnAt = new Int32Array(m).fill(-1);
  const outsideValue = new Float64Array(m);
  const outsideAt = new Int32Array(m).fill(-1);
  const { ptr, nbr, sim } = state.itemKnn;
  const ease = state.ease;
  const easeAt: number[] = [];
  try {
    for (let t = m - 1; t >= 0; t--) slotOf[targets[t]!] = t + 1;
    // Ascending positions and strict comparisons: ties go to the earliest position, as in the scan.
    for (let h = 0; h < history.length; h++) {
      const j = history[h]!;
      const w = weights[h]!;
      const inEase = ease.items.length > 0 && ease.column[j]! >= 0;
      if (inEase) easeAt.push(h);
      for (let k = ptr[j]!; k < ptr[j + 1]!; k++) {
        const slot = slotOf[nbr[k]!]!;
        if (slot === 0) continue;
        const t = slot - 1;
        const v = w * sim[k]!;
        if (v > knnValue[t]!) {
          knnValue[t] = v;
          knnAt[t] = h;
        }
        if (!inEase && v > outsideValue[t]!) {
          outsideValue[t] = v;
          outsideAt[t] = h;
        }
      }
    }
  } finally {
    for (const i of targets) slotOf[i] = 0;
  }
  const easeRow = easeAt.map((h) => ease.column[history[h]!]!);
  const dense = ease.dense ? ease.weights : null;
  const width = ease.items.length;
  for (let t = 0; t < m; t++) {
    const i = targets[t]!;
    if (links.has(i)) continue;
    const ci = width > 0 ? ease.column[i]! : -1;
    if (ci < 0) {
      links.set(i, knnAt[t]!);
      continue;
    }
    let bestAt = outsideAt[t]!;
    let bestValue = outsideValue[t]!;
    for (let e = 0; e < easeAt.length; e++) {
      const h = easeAt[e]!;
      const link = dense ? dense[easeRow[e]! * width + ci]! : easeWeight(ease, easeRow[e]!, ci);
      const v = weights[h]! * link;
      if (v > bestValue || (v === bestValue && v > 0 && h < bestAt)) {
        bestValue = v;
        bestAt = h;
      }
    }
    links.set(i, bestAt);
  }
  return links;
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
