import type { UserState } from './types.ts';
import type { Vocabulary } from './vocab.ts';

const SECONDS_PER_DAY = 86_400;

/** What the models see of the requesting user: their history as dense item indices. */
export interface UserContext {
  /** Rated items (latest rating per item), oldest first. */
  items: Int32Array;
  ratings: Float32Array;
  /** Recency weight 0–1 per rating: 1 for the newest, lower for older ones (see {@link RecencyConfig}). */
  recency: Float64Array;
  /** Mean of the user's ratings (or NaN without ratings). */
  mean: number;
  /** Items never to recommend back: rated, seen, not interested (+ watchlist when excluded). */
  excluded: Set<number>;
  watchlist: Set<number>;
}

/**
 * How much older ratings count. Tastes drift, and what someone rated last says most about what they
 * want next: by position (the n-th newest rating) and, optionally, by age in days.
 */
export interface RecencyConfig {
  recentHalf: number;
  recencyFloor: number;
  halfLifeDays: number;
}

/** Maps a request's user state onto the model's item indices; unknown items are ignored. */
export function buildUserContext(
  user: UserState,
  vocab: Vocabulary,
  recency: RecencyConfig,
  excludeWatchlist: boolean,
): UserContext {
  const latest = new Map<number, { rating: number; timestamp: number }>();
  for (const r of user.ratings) {
    const i = vocab.indexOf(r.item);
    if (i < 0 || !Number.isFinite(r.rating)) continue;
    const ts = Number.isFinite(r.timestamp) ? r.timestamp : 0;
    const prev = latest.get(i);
    if (!prev || prev.timestamp <= ts) latest.set(i, { rating: r.rating, timestamp: ts });
  }
  const entries = [...latest.entries()].sort((a, b) => a[1].timestamp - b[1].timestamp || a[0] - b[0]);
  const items = Int32Array.from(entries, (e) => e[0]);
  const ratings = Float32Array.from(entries, (e) => e[1].rating);
  const newest = entries.length > 0 ? entries[entries.length - 1]![1].timestamp : 0;
  const { recentHalf, recencyFloor, halfLifeDays } = recency;
  const last = entries.length - 1;
  const weights = Float64Array.from(entries, (e, pos) => {
    const byPosition =
      recentHalf > 0 ? recencyFloor + (1 - recencyFloor) * 0.5 ** ((last - pos) / recentHalf) : 1;
    const byTime =
      halfLifeDays > 0 ? 0.5 ** ((newest - e[1].timestamp) / (halfLifeDays * SECONDS_PER_DAY)) : 1;
    return byPosition * byTime;
  });
  let sum = 0;
  for (const r of ratings) sum += r;
  const excluded = new Set<number>(items);
  for (const id of [...user.seen, ...user.notInterested]) {
    const i = vocab.indexOf(id);
    if (i >= 0) excluded.add(i);
  }
  const watchlist = new Set<number>();
  for (const id of user.watchlist) {
    const i = vocab.indexOf(id);
    if (i < 0) continue;
    watchlist.add(i);
    if (excludeWatchlist) excluded.add(i);
  }
  return {
    items,
    ratings,
    recency: weights,
    mean: items.length > 0 ? sum / items.length : Number.NaN,
    excluded,
    watchlist,
  };
}
