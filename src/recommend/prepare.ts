import type { Dataset, ItemMeta, RatingRecord } from './types.ts';
import { Vocabulary } from './vocab.ts';

export const MIN_STARS = 0.5;
export const MAX_STARS = 5;
/** Used as the global mean when there are no ratings at all. */
export const DEFAULT_MEAN_STARS = 3.5;

/**
 * A dataset cleaned and indexed for training: one rating per (user, item) — the latest wins — with
 * NaN / out-of-range ratings and unknown items dropped, and compressed sparse rows both ways.
 */
export interface PreparedData {
  items: ItemMeta[];
  itemVocab: Vocabulary;
  userVocab: Vocabulary;
  /** Per user (rows sorted by timestamp, then item): `userPtr[u]..userPtr[u+1]`. */
  userPtr: Int32Array;
  userItems: Int32Array;
  userRatings: Float32Array;
  userTimes: Float64Array;
  /** Per item: `itemPtr[i]..itemPtr[i+1]` over users. */
  itemPtr: Int32Array;
  itemUsers: Int32Array;
  itemRatings: Float32Array;
  globalMean: number;
  /** How many ratings were dropped as invalid or duplicate, for logs. */
  dropped: { invalid: number; duplicate: number; unknownItem: number };
}

/** Cleans and indexes a dataset. Never throws on bad ratings: they are counted and dropped. */
export function prepareDataset(dataset: Dataset): PreparedData {
  const seen = new Set<number>();
  const items: ItemMeta[] = [];
  for (const item of dataset.items) {
    if (!Number.isFinite(item.id) || seen.has(item.id)) continue;
    seen.add(item.id);
    items.push(item);
  }
  const itemVocab = new Vocabulary(items.map((i) => i.id));
  const dropped = { invalid: 0, duplicate: 0, unknownItem: 0 };

  // Latest rating per (user, item) wins.
  const latest = new Map<string, RatingRecord>();
  for (const r of dataset.ratings) {
    if (
      !Number.isFinite(r.user) ||
      !Number.isFinite(r.rating) ||
      r.rating < MIN_STARS ||
      r.rating > MAX_STARS
    ) {
      dropped.invalid++;
      continue;
    }
    if (itemVocab.indexOf(r.item) < 0) {
      dropped.unknownItem++;
      continue;
    }
    const key = `${r.user}:${r.item}`;
    const prev = latest.get(key);
    if (prev) {
      dropped.duplicate++;
      if (timeOf(prev) > timeOf(r)) continue;
    }
    latest.set(key, r);
  }
  const ratings = [...latest.values()];
  ratings.sort((a, b) => a.user - b.user || timeOf(a) - timeOf(b) || a.item - b.item);
  const userIds: number[] = [];
  for (const r of ratings) if (userIds[userIds.length - 1] !== r.user) userIds.push(r.user);
  const userVocab = new Vocabulary(userIds);

  const nnz = ratings.length;
  const userPtr = new Int32Array(userIds.length + 1);
  const userItems = new Int32Array(nnz);
  const userRatings = new Float32Array(nnz);
  const userTimes = new Float64Array(nnz);
  const itemPtr = new Int32Array(items.length + 1);
  let sum = 0;
  for (let k = 0; k < nnz; k++) {
    const r = ratings[k]!;
    const u = userVocab.indexOf(r.user);
    const i = itemVocab.indexOf(r.item);
    userPtr[u + 1]!++;
    itemPtr[i + 1]!++;
    userItems[k] = i;
    userRatings[k] = r.rating;
    userTimes[k] = timeOf(r);
    sum += r.rating;
  }
  for (let u = 0; u < userIds.length; u++) userPtr[u + 1]! += userPtr[u]!;
  for (let i = 0; i < items.length; i++) itemPtr[i + 1]! += itemPtr[i]!;
  const itemUsers = new Int32Array(nnz);
  const itemRatings = new Float32Array(nnz);
  const fill = itemPtr.slice(0, items.length);
  for (let u = 0; u < userIds.length; u++) {
    for (let k = userPtr[u]!; k < userPtr[u + 1]!; k++) {
      const i = userItems[k]!;
      const at = fill[i]!++;
      itemUsers[at] = u;
      itemRatings[at] = userRatings[k]!;
    }
  }
  return {
    items,
    itemVocab,
    userVocab,
    userPtr,
    userItems,
    userRatings,
    userTimes,
    itemPtr,
    itemUsers,
    itemRatings,
    globalMean: nnz > 0 ? sum / nnz : DEFAULT_MEAN_STARS,
    dropped,
  };
}

function timeOf(r: RatingRecord): number {
  return Number.isFinite(r.timestamp) ? r.timestamp : 0;
}

/** Number of ratings of item `i`. */
export function itemCount(data: PreparedData, i: number): number {
  return data.itemPtr[i + 1]! - data.itemPtr[i]!;
}
