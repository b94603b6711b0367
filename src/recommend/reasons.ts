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
    if (seed === null) {
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
    const h = strongestLink(state, ctx.items, parts.cfWeight, i);
    if (h !== null) {
      const at = ctx.items.indexOf(h);
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
  const people = [...item.directors, ...item.cast];
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
