/**
 * EVAL.md's reference algorithms, reimplemented on the same splits so the hybrid's figures can be set
 * beside them (and so this implementation of each protocol can be checked against EVAL.md's numpy
 * table): most popular by rating count, item-kNN cosine over who rated what, binary EASE, EASE queried
 * with a rating-centred profile, and that EASE with recency weighting as well.
 */
import { type EaseState, easeColumns, easeGram, easeItems, finishEase } from '../ease.ts';
import { DEFAULT_HYBRID_CONFIG } from '../hybrid-config.ts';
import { type PreparedData, prepareDataset } from '../prepare.ts';
import type { Dataset, RatingRecord } from '../types.ts';
import { rankTop } from './protocol-t.ts';

export const REFERENCE_MODELS = [
  'reference-popular',
  'reference-item-knn',
  'reference-ease-200',
  'reference-ease',
  'reference-ease-centred',
  'reference-ease-recency',
] as const;
export type ReferenceModel = (typeof REFERENCE_MODELS)[number];

/** A reference ranker: the top-n movie ids for a history (oldest first), history excluded. */
export interface ReferenceRanker {
  rank: (history: readonly Pick<RatingRecord, 'item' | 'rating'>[], n: number) => number[];
  seconds: number;
}

/** Binary EASE's item set: EVAL.md uses all items; items with < 5 ratings add O(n³) cost, no signal. */
const EASE_MIN_RATINGS = 5;
/** Slope of the rating-centred profile: weight `1 + (r − mean) / 2` (EVAL.md protocol C). */
const CENTRED_SLOPE = 0.5;

/** Trains the requested reference models on `train`. */
export function referenceRankers(
  dataset: Dataset,
  train: readonly RatingRecord[],
  models: readonly string[],
  log: (line: string) => void,
): Map<ReferenceModel, ReferenceRanker> {
  const out = new Map<ReferenceModel, ReferenceRanker>();
  const wanted = REFERENCE_MODELS.filter((m) => models.includes(m));
  if (wanted.length === 0) return out;
  const start = performance.now();
  const data = prepareDataset({ items: dataset.items, ratings: train });
  const prepSeconds = (performance.now() - start) / 1000;
  const indexOf = (history: readonly Pick<RatingRecord, 'item' | 'rating'>[]) =>
    history.map((r) => ({ i: data.itemVocab.indexOf(r.item), rating: r.rating })).filter((h) => h.i >= 0);
  const top = (scores: Float64Array, history: { i: number }[], n: number) =>
    rankTop(scores, n, new Set(history.map((h) => h.i))).map((i) => data.items[i]!.id);

  if (wanted.includes('reference-popular')) {
    const counts = new Float64Array(data.items.length);
    for (let i = 0; i < counts.length; i++) counts[i] = data.itemPtr[i + 1]! - data.itemPtr[i]!;
    out.set('reference-popular', {
      rank: (history, n) => top(counts, indexOf(history), n),
      seconds: prepSeconds,
    });
  }
  if (wanted.includes('reference-item-knn')) {
    out.set('reference-item-knn', {
      rank: (history, n) => {
        const h = indexOf(history);
        return top(cosineScores(data, h), h, n);
      },
      seconds: prepSeconds,
    });
  }
  const easeModels = wanted.filter((m) => m.startsWith('reference-ease'));
  if (easeModels.length > 0) {
    const t = performance.now();
    const config = {
      minRatings: EASE_MIN_RATINGS,
      maxItems: Number.MAX_SAFE_INTEGER,
      ratingSlope: 0,
      keepPerRow: Number.POSITIVE_INFINITY,
    };
    const kept = easeItems(data.itemPtr, { ...config, lambda: 0 });
    const column = easeColumns(data.items.length, kept);
    const gram = new Float64Array(kept.length * kept.length);
    easeGram(data, column, gram, kept.length, 0, 0, 1);
    const gramSeconds = (performance.now() - t) / 1000;
    const byLambda = new Map<number, { ease: EaseState; seconds: number }>();
    for (const lambda of new Set(easeModels.map((m) => (m === 'reference-ease-200' ? 200 : 500)))) {
      const t2 = performance.now();
      const ease = finishEase(Float64Array.from(gram), kept, column, { ...config, lambda });
      const seconds = prepSeconds + gramSeconds + (performance.now() - t2) / 1000;
      log(`  trained reference EASE λ=${lambda} (${kept.length} items) in ${seconds.toFixed(1)} s`);
      byLambda.set(lambda, { ease, seconds });
    }
    const { recentHalf, recencyFloor } = DEFAULT_HYBRID_CONFIG;
    for (const model of easeModels) {
      const { ease, seconds } = byLambda.get(model === 'reference-ease-200' ? 200 : 500)!;
      const centred = model === 'reference-ease-centred' || model === 'reference-ease-recency';
      const recency = model === 'reference-ease-recency';
      out.set(model, {
        rank: (history, n) => {
          const h = indexOf(history);
          const mean = h.reduce((s, x) => s + x.rating, 0) / Math.max(1, h.length);
          const last = h.length - 1;
          const weights = h.map(
            (x, pos) =>
              (centred ? 1 + CENTRED_SLOPE * (x.rating - mean) : 1) *
              (recency ? recencyFloor + (1 - recencyFloor) * 0.5 ** ((last - pos) / recentHalf) : 1),
          );
          return top(easeScores(ease, data.items.length, h, weights), h, n);
        },
        seconds,
      });
    }
  }
  return out;
}

/** `Σ_h w_h · B[h, ·]` over the history items in the EASE set. */
function easeScores(
  ease: EaseState,
  items: number,
  history: { i: number }[],
  weights: number[],
): Float64Array {
  const out = new Float64Array(items);
  const n = ease.items.length;
  history.forEach((h, k) => {
    const c = ease.column[h.i]!;
    if (c < 0) return;
    const row = c * n;
    for (let j = 0; j < n; j++) out[ease.items[j]!]! += weights[k]! * ease.weights[row + j]!;
  });
  return out;
}

/**
 * Item-kNN cosine over the binary rating matrix with the full neighbourhood, computed for the
 * history's items only: `score(j) = Σ_h co(h, j) / √(n_h · n_j)`.
 */
function cosineScores(data: PreparedData, history: { i: number }[]): Float64Array {
  const n = data.items.length;
  const out = new Float64Array(n);
  const co = new Float64Array(n);
  for (const { i } of history) {
    co.fill(0);
    for (let k = data.itemPtr[i]!; k < data.itemPtr[i + 1]!; k++) {
      const u = data.itemUsers[k]!;
      for (let q = data.userPtr[u]!; q < data.userPtr[u + 1]!; q++) co[data.userItems[q]!]! += 1;
    }
    const ni = data.itemPtr[i + 1]! - data.itemPtr[i]!;
    for (let j = 0; j < n; j++) {
      if (co[j] === 0 || j === i) continue;
      out[j]! += co[j]! / Math.sqrt(ni * (data.itemPtr[j + 1]! - data.itemPtr[j]!));
    }
  }
  return out;
}
