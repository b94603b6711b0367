import { topK } from '../top-k.ts';
import type { RatingRecord } from '../types.ts';

/** Users with fewer ratings stay entirely in training (EVAL.md protocol T, step 1). */
export const MIN_RATINGS_TO_SPLIT = 5;
export const TEST_SHARE = 0.2;
export const RELEVANT_STARS = 4;

export interface TemporalSplit {
  train: RatingRecord[];
  /** Per evaluated user: their training ratings (time order) and relevant test items. */
  users: { user: number; train: RatingRecord[]; relevant: Set<number> }[];
}

/**
 * Protocol T's split: per user, ratings sorted by (timestamp, movieId); the last
 * max(1, floor(0.2·n)) are test, the rest training. Users without a relevant (≥ 4★) test item are
 * not evaluated but their training ratings stay.
 */
export function temporalSplit(ratings: readonly RatingRecord[]): TemporalSplit {
  const byUser = groupByUser(ratings);
  const train: RatingRecord[] = [];
  const users: TemporalSplit['users'] = [];
  for (const user of [...byUser.keys()].sort((a, b) => a - b)) {
    const list = byUser.get(user)!.sort((a, b) => a.timestamp - b.timestamp || a.item - b.item);
    if (list.length < MIN_RATINGS_TO_SPLIT) {
      train.push(...list);
      continue;
    }
    const testSize = Math.max(1, Math.floor(TEST_SHARE * list.length));
    const userTrain = list.slice(0, list.length - testSize);
    train.push(...userTrain);
    const relevant = new Set(
      list
        .slice(list.length - testSize)
        .filter((r) => r.rating >= RELEVANT_STARS)
        .map((r) => r.item),
    );
    if (relevant.size > 0) users.push({ user, train: userTrain, relevant });
  }
  return { train, users };
}

export interface RankingMetrics {
  ndcg10: number;
  recall20: number;
  hr10: number;
  coverage10: number;
  users: number;
}

/** Accumulates protocol T's metrics over users' top-20 lists. */
export class RankingAccumulator {
  private ndcg = 0;
  private recall = 0;
  private hits = 0;
  private count = 0;
  private readonly shown = new Set<number>();

  constructor(private readonly catalogSize: number) {}

  add(top20: readonly number[], relevant: ReadonlySet<number>): void {
    let dcg = 0;
    let found20 = 0;
    let found10 = 0;
    top20.slice(0, 20).forEach((item, rank) => {
      if (!relevant.has(item)) return;
      found20++;
      if (rank < 10) {
        found10++;
        dcg += 1 / Math.log2(rank + 2);
      }
    });
    let idcg = 0;
    for (let r = 0; r < Math.min(relevant.size, 10); r++) idcg += 1 / Math.log2(r + 2);
    this.ndcg += dcg / idcg;
    this.recall += found20 / relevant.size;
    if (found10 > 0) this.hits++;
    this.count++;
    for (const item of top20.slice(0, 10)) this.shown.add(item);
  }

  result(): RankingMetrics {
    const n = Math.max(1, this.count);
    return {
      ndcg10: this.ndcg / n,
      recall20: this.recall / n,
      hr10: this.hits / n,
      coverage10: this.shown.size / Math.max(1, this.catalogSize),
      users: this.count,
    };
  }
}

/** Top-n item indices by score, excluding `excluded` (ties → lower index). */
export function rankTop(scores: Float64Array, n: number, excluded: ReadonlySet<number>): number[] {
  return topK(scores, n, (i) => !excluded.has(i));
}

/** Each user's ratings, in input order. */
export function groupByUser(ratings: readonly RatingRecord[]): Map<number, RatingRecord[]> {
  const byUser = new Map<number, RatingRecord[]>();
  for (const r of ratings) {
    let list = byUser.get(r.user);
    if (!list) {
      list = [];
      byUser.set(r.user, list);
    }
    list.push(r);
  }
  return byUser;
}
