import type { PreparedData } from './prepare.ts';
import { topK } from './top-k.ts';

export interface ItemKnnConfig {
  /** Neighbours kept per item. */
  neighbours: number;
  /** Added to the cosine denominator so pairs with few co-ratings count less. */
  shrinkage: number;
  /** Items with fewer ratings get no neighbours (their similarities are noise). */
  minRatings: number;
}

export const DEFAULT_ITEM_KNN_CONFIG: ItemKnnConfig = { neighbours: 50, shrinkage: 10, minRatings: 2 };

/** Each item's nearest neighbours by rating cosine: `nbr/sim[ptr[i]..ptr[i+1]]`, most similar first. */
export interface NeighbourState {
  ptr: Int32Array;
  nbr: Int32Array;
  sim: Float32Array;
}

/**
 * Item-item cosine similarity over who rated what (binary), keeping the top neighbours per item.
 * Cost is Σ over users of |history|², computed one item row at a time with a dense accumulator.
 */
export function trainItemKnn(data: PreparedData, config = DEFAULT_ITEM_KNN_CONFIG): NeighbourState {
  const n = data.items.length;
  const count = new Float64Array(n);
  for (let i = 0; i < n; i++) count[i] = data.itemPtr[i + 1]! - data.itemPtr[i]!;
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  const sims = new Float64Array(n);
  const lists: { nbr: Int32Array; sim: Float32Array }[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (count[i]! < config.minRatings) {
      lists.push({ nbr: new Int32Array(0), sim: new Float32Array(0) });
      continue;
    }
    let nt = 0;
    for (let k = data.itemPtr[i]!; k < data.itemPtr[i + 1]!; k++) {
      const u = data.itemUsers[k]!;
      for (let q = data.userPtr[u]!; q < data.userPtr[u + 1]!; q++) {
        const j = data.userItems[q]!;
        if (j === i) continue;
        if (acc[j] === 0) touched[nt++] = j;
        acc[j]! += 1;
      }
    }
    for (let t = 0; t < nt; t++) {
      const j = touched[t]!;
      sims[j] =
        count[j]! >= config.minRatings ? acc[j]! / (Math.sqrt(count[i]! * count[j]!) + config.shrinkage) : 0;
    }
    const keep = topK(sims, config.neighbours, (j) => sims[j]! > 0, touched, nt);
    lists.push({ nbr: Int32Array.from(keep), sim: Float32Array.from(keep, (j) => sims[j]!) });
    total += keep.length;
    for (let t = 0; t < nt; t++) {
      acc[touched[t]!] = 0;
      sims[touched[t]!] = 0;
    }
  }
  return packNeighbours(lists, total);
}

export function packNeighbours(
  lists: { nbr: Int32Array; sim: Float32Array }[],
  total: number,
): NeighbourState {
  const ptr = new Int32Array(lists.length + 1);
  const nbr = new Int32Array(total);
  const sim = new Float32Array(total);
  for (let i = 0; i < lists.length; i++) {
    const l = lists[i]!;
    ptr[i + 1] = ptr[i]! + l.nbr.length;
    nbr.set(l.nbr, ptr[i]!);
    sim.set(l.sim, ptr[i]!);
  }
  return { ptr, nbr, sim };
}
