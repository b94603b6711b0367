import type { PreparedData } from './prepare.ts';

export interface PopularityConfig {
  /** Pseudo-ratings at the global mean added to every item (Bayesian average prior strength). */
  priorStrength: number;
  /** Weight of rating count vs. Bayesian-average quality in the popularity score (0–1). */
  countWeight: number;
}

export const DEFAULT_POPULARITY_CONFIG: PopularityConfig = { priorStrength: 10, countWeight: 0.7 };

/** Trained popularity: per item, 0–1 popularity and a Bayesian-average star estimate. */
export interface PopularityState {
  /** 0–1, higher is more popular and better rated. */
  score: Float32Array;
  /** Bayesian-average stars (0.5–5). */
  bayes: Float32Array;
  count: Int32Array;
}

/** IMDb votes equivalent to one MovieLens rating, when the catalog has no ratings of its own. */
const IMDB_VOTES_PER_RATING = 1000;

/**
 * Bayesian-average popularity. Uses the catalog's ratings when there are any; items without ratings
 * fall back to their IMDb rating and votes (rescaled to stars), so a catalog with no users still has
 * a sensible "popular" list.
 */
export function trainPopularity(data: PreparedData, config = DEFAULT_POPULARITY_CONFIG): PopularityState {
  const n = data.items.length;
  const count = new Int32Array(n);
  const bayes = new Float32Array(n);
  const pseudoCount = new Float64Array(n);
  const m = data.globalMean;
  const c = config.priorStrength;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    const cnt = data.itemPtr[i + 1]! - data.itemPtr[i]!;
    for (let k = data.itemPtr[i]!; k < data.itemPtr[i + 1]!; k++) sum += data.itemRatings[k]!;
    count[i] = cnt;
    let mean = m;
    let votes = cnt;
    if (cnt > 0) {
      mean = sum / cnt;
    } else {
      const meta = data.items[i]!;
      if (meta.imdbRating != null && Number.isFinite(meta.imdbRating) && meta.imdbVotes) {
        mean = Math.min(5, Math.max(0.5, meta.imdbRating / 2));
        votes = meta.imdbVotes / IMDB_VOTES_PER_RATING;
      }
    }
    pseudoCount[i] = votes;
    bayes[i] = (c * m + votes * mean) / (c + votes);
  }
  let maxLog = 0;
  let minB = Number.POSITIVE_INFINITY;
  let maxB = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    maxLog = Math.max(maxLog, Math.log1p(pseudoCount[i]!));
    minB = Math.min(minB, bayes[i]!);
    maxB = Math.max(maxB, bayes[i]!);
  }
  const score = new Float32Array(n);
  const w = config.countWeight;
  for (let i = 0; i < n; i++) {
    const pop = maxLog > 0 ? Math.log1p(pseudoCount[i]!) / maxLog : 0;
    const quality = maxB > minB ? (bayes[i]! - minB) / (maxB - minB) : 0;
    score[i] = w * pop + (1 - w) * quality;
  }
  return { score, bayes, count };
}
