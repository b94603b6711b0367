import { mulberry32 } from '../src/random.ts';
/**
 * A deterministic, seeded generator of rating data with the SHAPE of MovieLens 25M (162,541 users,
 * 62,423 movies, 25,000,095 ratings): Zipf-like movie popularity, a heavy-tailed number of ratings
 * per user (at least 20, as in MovieLens), and MovieLens' skewed star distribution (mean ≈ 3.5,
 * whole stars more common than half stars). Everything lives in typed arrays and is never written
 * to disk. It mimics costs, not taste: there is no latent structure worth evaluating accuracy on.
 */

export const ML25M = { users: 162_541, items: 62_423, ratings: 25_000_095 } as const;

/** MovieLens genres, for synthetic item metadata (the content model needs something to index). */
const GENRES = [
  'Action',
  'Adventure',
  'Animation',
  'Children',
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'IMAX',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

/** MovieLens users rate at least this many movies. */
const MIN_USER_RATINGS = 20;
/** Zipf exponent of movie popularity (MovieLens' rank-frequency curve is close to 1 at the head). */
const POPULARITY_EXPONENT = 1.0;
/** Pareto shape of ratings per user; with the 20-rating floor it gives a mean near ML-25M's 154. */
const ACTIVITY_SHAPE = 1.15;
/** Catalog size grows slower than the number of ratings (ml-1m has 3.7k movies, ml-25m 62k). */
const ITEM_GROWTH_EXPONENT = 0.75;
const SECONDS_PER_DAY = 86_400;
const FIRST_TIMESTAMP = 1_104_537_600; // 2005-01-01

export interface SyntheticRatings {
  seed: number;
  users: number;
  items: number;
  /** Per rating, sorted by user: dense user index, dense item index (0 = most popular). */
  user: Int32Array;
  item: Int32Array;
  /** Stars × 2 (1–10), so half stars fit a byte. */
  halfStars: Uint8Array;
  timestamp: Uint32Array;
  /** Item index → year and genres, derived from the seed. */
  itemYear: Uint16Array;
  itemGenres: string[][];
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Size of a scale-up point with `ratings` ratings: users linear, movies sub-linear (as MovieLens grows). */
export function shapeFor(ratings: number): { users: number; items: number; ratings: number } {
  const f = ratings / ML25M.ratings;
  return {
    users: Math.max(50, Math.round(ML25M.users * f)),
    items: Math.max(200, Math.round(ML25M.items * f ** ITEM_GROWTH_EXPONENT)),
    ratings,
  };
}

/** Generates about `targetRatings` ratings (exactly reported in the result) from `seed`. */
export function generateRatings(targetRatings: number, seed = 42): SyntheticRatings {
  const shape = shapeFor(targetRatings);
  const rand = mulberry32(seed);
  const { users, items } = shape;
  const maxPerUser = Math.floor(items * 0.5);

  // Ratings per user: Pareto draws, rescaled so the total lands near the target.
  const raw = new Float64Array(users);
  let rawSum = 0;
  for (let u = 0; u < users; u++) {
    raw[u] = MIN_USER_RATINGS * (1 - rand()) ** (-1 / ACTIVITY_SHAPE);
    rawSum += raw[u]!;
  }
  // The per-user cap truncates the tail, so find the scale that lands on the target by bisection.
  const countFor = (u: number, scale: number) =>
    Math.min(
      maxPerUser,
      Math.max(MIN_USER_RATINGS, Math.round(MIN_USER_RATINGS + (raw[u]! - MIN_USER_RATINGS) * scale)),
    );
  let lo = 0;
  let hi = (targetRatings / Math.max(1, rawSum - users * MIN_USER_RATINGS)) * 64;
  for (let iter = 0; iter < 60; iter++) {
    const mid = (lo + hi) / 2;
    let sum = 0;
    for (let u = 0; u < users; u++) sum += countFor(u, mid);
    if (sum < targetRatings) lo = mid;
    else hi = mid;
  }
  const counts = new Int32Array(users);
  let total = 0;
  for (let u = 0; u < users; u++) {
    counts[u] = countFor(u, hi);
    total += counts[u]!;
  }

  // Zipf popularity as a cumulative table; items are drawn by binary search.
  const cdf = new Float64Array(items);
  let acc = 0;
  for (let i = 0; i < items; i++) {
    acc += 1 / (i + 1) ** POPULARITY_EXPONENT;
    cdf[i] = acc;
  }
  for (let i = 0; i < items; i++) cdf[i]! /= acc;

  // Per-item quality (popular movies rate a little higher) and per-user leniency.
  const itemBias = new Float32Array(items);
  for (let i = 0; i < items; i++) itemBias[i] = 0.45 * gaussian(rand) + 0.25 * (1 - Math.log10(i + 1) / 5);

  const user = new Int32Array(total);
  const item = new Int32Array(total);
  const halfStars = new Uint8Array(total);
  const timestamp = new Uint32Array(total);
  const stamp = new Int32Array(items).fill(-1);
  let k = 0;
  for (let u = 0; u < users; u++) {
    const n = counts[u]!;
    const userBias = 0.4 * gaussian(rand);
    const halfStarUser = rand() < 0.45;
    const start = FIRST_TIMESTAMP + Math.floor(rand() * 14 * 365 * SECONDS_PER_DAY);
    const span = Math.floor(rand() * 3 * 365 * SECONDS_PER_DAY) + 60;
    let placed = 0;
    while (placed < n) {
      const i = sampleIndex(cdf, rand());
      if (stamp[i] === u) continue;
      stamp[i] = u;
      const stars = 3.45 + userBias + itemBias[i]! + 0.85 * gaussian(rand);
      const step = halfStarUser ? 1 : 2; // in half stars
      let h = Math.round((stars * 2) / step) * step;
      h = Math.min(10, Math.max(halfStarUser ? 1 : 2, h));
      user[k] = u;
      item[k] = i;
      halfStars[k] = h;
      timestamp[k] = start + Math.floor((placed / n) * span);
      k++;
      placed++;
    }
  }

  const itemYear = new Uint16Array(items);
  const itemGenres: string[][] = [];
  for (let i = 0; i < items; i++) {
    itemYear[i] = 1920 + Math.floor(rand() ** 0.5 * 104);
    const g = new Set<string>();
    const ng = 1 + Math.floor(rand() * 3);
    while (g.size < ng) g.add(GENRES[Math.floor(rand() * GENRES.length)]!);
    itemGenres.push([...g]);
  }
  return { seed, users, items, user, item, halfStars, timestamp, itemYear, itemGenres };
}

function sampleIndex(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Shape statistics, to check the generated data looks like MovieLens (and to report it). */
export function describeRatings(data: SyntheticRatings): Record<string, number> {
  const n = data.user.length;
  const perItem = new Int32Array(data.items);
  let sum = 0;
  let sumSq = 0;
  let halves = 0;
  for (let k = 0; k < n; k++) {
    perItem[data.item[k]!]!++;
    const s = data.halfStars[k]! / 2;
    sum += s;
    sumSq += s * s;
    if (data.halfStars[k]! % 2 === 1) halves++;
  }
  const sortedItems = Array.from(perItem).sort((a, b) => b - a);
  const top1pct = sortedItems.slice(0, Math.max(1, Math.round(data.items / 100))).reduce((a, b) => a + b, 0);
  const perUser = new Int32Array(data.users);
  for (let k = 0; k < n; k++) perUser[data.user[k]!]!++;
  const sortedUsers = Array.from(perUser).sort((a, b) => a - b);
  const mean = sum / n;
  return {
    ratings: n,
    users: data.users,
    items: data.items,
    ratedItems: sortedItems.filter((c) => c > 0).length,
    meanStars: Math.round(mean * 1000) / 1000,
    sdStars: Math.round(Math.sqrt(sumSq / n - mean * mean) * 1000) / 1000,
    halfStarShare: Math.round((halves / n) * 1000) / 1000,
    top1pctItemsShare: Math.round((top1pct / n) * 1000) / 1000,
    medianUserRatings: sortedUsers[Math.floor(sortedUsers.length / 2)]!,
    maxUserRatings: sortedUsers[sortedUsers.length - 1]!,
  };
}
