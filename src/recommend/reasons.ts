import { sharedFeatures } from './content.ts';
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
  const w = parts.weights;
  const cf = w.cf * parts.cf[i]!;
  const content = w.content * parts.content[i]!;
  const pop = w.pop * parts.pop[i]!;
  const steerBonus = parts.steer[i]!;
  if (ctx.watchlist.has(i) && steerBonus >= Math.max(cf, content, pop)) {
    return { reason: { kind: 'watchlist' }, strategy: 'personal' };
  }
  if (because.length > 0 && (steerBonus >= Math.max(cf, content, pop) || ctx.items.length === 0)) {
    const seed = strongestCfLink(state, because, null, i) ?? because[0]!;
    const features = sharedFeatures(state.content, parts.profile, i, maxFeatures);
    if (features.length > 0 && strongestCfLink(state, because, null, i) === null) {
      return { reason: { kind: 'matches', features }, strategy: 'because' };
    }
    return { reason: { kind: 'liked-by-similar', item: state.items[seed]!.id }, strategy: 'because' };
  }
  if (steerBonus > Math.max(cf, content, pop) && steer) {
    const features = steerFeatures(state, i, steer, maxFeatures);
    if (features.length > 0) return { reason: { kind: 'matches', features }, strategy: 'content' };
  }
  // Personal reasons win unless popularity clearly dominates: they are what users want to read.
  const total = cf + content + pop;
  if (cf > 0 && cf >= content && cf >= PERSONAL_SHARE * total) {
    const h = strongestCfLink(state, ctx.items, parts.cfWeight, i);
    if (h !== null) {
      const at = ctx.items.indexOf(h);
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

/** The history item whose neighbour list gives `i` the largest weighted similarity, or null. */
function strongestCfLink(
  state: HybridState,
  history: ArrayLike<number>,
  weights: Float64Array | null,
  i: number,
): number | null {
  const { ptr, nbr, sim } = state.itemKnn;
  let best: number | null = null;
  let bestValue = 0;
  for (let h = 0; h < history.length; h++) {
    const j = history[h]!;
    const w = weights ? weights[h]! : 1;
    for (let k = ptr[j]!; k < ptr[j + 1]!; k++) {
      if (nbr[k] === i) {
        const v = w * sim[k]!;
        if (v > bestValue) {
          bestValue = v;
          best = j;
        }
        break;
      }
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
