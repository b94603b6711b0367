import type { PreparedData } from './prepare.ts';
import { topK } from './top-k.ts';
import type { UserContext } from './user-context.ts';

export interface UserKnnConfig {
  neighbours: number;
  /** Added to the cosine denominator so users sharing few movies count less. */
  shrinkage: number;
}

export const DEFAULT_USER_KNN_CONFIG: UserKnnConfig = { neighbours: 50, shrinkage: 10 };

/** The training users' histories (binary), kept so a new or changed user finds neighbours per request. */
export interface UserKnnState {
  userPtr: Int32Array;
  userItems: Int32Array;
  itemPtr: Int32Array;
  itemUsers: Int32Array;
  neighbours: number;
  shrinkage: number;
}

export function trainUserKnn(data: PreparedData, config = DEFAULT_USER_KNN_CONFIG): UserKnnState {
  return {
    userPtr: data.userPtr,
    userItems: data.userItems,
    itemPtr: data.itemPtr,
    itemUsers: data.itemUsers,
    neighbours: config.neighbours,
    shrinkage: config.shrinkage,
  };
}

/**
 * User-based CF: finds the training users most similar to this history (cosine over who rated what,
 * with shrinkage) and scores each item by the summed similarity of the neighbours who rated it.
 * Returns the neighbours (training user indices) for explanations.
 */
export function scoreUserKnn(state: UserKnnState, ctx: UserContext, out: Float64Array): number[] {
  const nu = state.userPtr.length - 1;
  const h = ctx.items.length;
  if (h === 0 || nu <= 0) return [];
  const overlap = new Float64Array(nu);
  for (let t = 0; t < h; t++) {
    const i = ctx.items[t]!;
    const w = ctx.recency[t]!;
    for (let k = state.itemPtr[i]!; k < state.itemPtr[i + 1]!; k++) overlap[state.itemUsers[k]!]! += w;
  }
  const sims = new Float64Array(nu);
  for (let v = 0; v < nu; v++) {
    if (overlap[v] === 0) continue;
    const size = state.userPtr[v + 1]! - state.userPtr[v]!;
    sims[v] = overlap[v]! / (Math.sqrt(h * size) + state.shrinkage);
  }
  const nbrs = topK(sims, state.neighbours, (v) => sims[v]! > 0);
  for (const v of nbrs) {
    const s = sims[v]!;
    for (let k = state.userPtr[v]!; k < state.userPtr[v + 1]!; k++) out[state.userItems[k]!]! += s;
  }
  return nbrs;
}
