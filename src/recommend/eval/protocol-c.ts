import type { RatingRecord } from '../types.ts';
import { groupByUser, RELEVANT_STARS } from './protocol-t.ts';

/** Users with at least this many ratings are candidates for protocol C's test users. */
export const MIN_CANDIDATE_RATINGS = 20;
/** Every `TEST_EVERY`-th candidate (by user id, starting with the first) is a test user. */
export const TEST_EVERY = 5;
/** Profile sizes protocol C reports. */
export const PROFILE_SIZES = [5, 10] as const;

/** One held-out user: all their ratings in (timestamp, movieId) order. */
export interface NewUser {
  user: number;
  ratings: RatingRecord[];
}

export interface NewUserSplit {
  /** All ratings of every user who is not held out. */
  train: RatingRecord[];
  /** Held-out users, by user id. */
  users: NewUser[];
}

/**
 * Protocol C's split (EVAL.md): candidates are users with ≥ 20 ratings sorted by id; every 5th one,
 * starting with the first (`candidates[::5]`), is held out entirely; everyone else's ratings train.
 * `offset` picks another fifth (validation carves use 1 … 4, never the test fifth's 0).
 */
export function newUserSplit(ratings: readonly RatingRecord[], offset = 0): NewUserSplit {
  const byUser = groupByUser(ratings);
  const candidates = [...byUser.keys()]
    .filter((u) => byUser.get(u)!.length >= MIN_CANDIDATE_RATINGS)
    .sort((a, b) => a - b);
  const held = new Set(candidates.filter((_, k) => k % TEST_EVERY === offset));
  const train: RatingRecord[] = [];
  const users: NewUser[] = [];
  for (const [user, list] of byUser) {
    if (!held.has(user)) {
      train.push(...list);
      continue;
    }
    users.push({ user, ratings: sortByTime(list) });
  }
  users.sort((a, b) => a.user - b.user);
  return { train, users };
}

/**
 * The first `k` ratings (the profile a new user gives) and the relevant (≥ 4★) items among the rest,
 * or null when nothing later is relevant (the user is skipped).
 */
export function profileAndRelevant(
  user: NewUser,
  k: number,
): { profile: RatingRecord[]; relevant: Set<number> } | null {
  const profile = user.ratings.slice(0, k);
  const relevant = new Set(
    user.ratings
      .slice(k)
      .filter((r) => r.rating >= RELEVANT_STARS)
      .map((r) => r.item),
  );
  return relevant.size > 0 ? { profile, relevant } : null;
}

function sortByTime(list: RatingRecord[]): RatingRecord[] {
  return list.sort((a, b) => a.timestamp - b.timestamp || a.item - b.item);
}
