import type { Dataset, ItemMeta } from './types.ts';
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
  /** Per user (rows sorted by timestamp, then movie id): `userPtr[u]..userPtr[u+1]`. */
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

/**
 * Ratings as parallel columns (external user and item ids, stars, Unix seconds): the large-scale
 * input form, without one object per rating. NaN marks a missing value.
 */
export interface RatingColumns {
  user: ArrayLike<number>;
  item: ArrayLike<number>;
  rating: ArrayLike<number>;
  timestamp: ArrayLike<number>;
}

/** Cleans and indexes a dataset. Never throws on bad ratings: they are counted and dropped. */
export function prepareDataset(dataset: Dataset): PreparedData {
  const n = dataset.ratings.length;
  const cols = {
    user: new Float64Array(n),
    item: new Float64Array(n),
    rating: new Float64Array(n),
    timestamp: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const r = dataset.ratings[k]!;
    cols.user[k] = r.user;
    cols.item[k] = r.item;
    cols.rating[k] = r.rating;
    cols.timestamp[k] = r.timestamp;
  }
  return prepareColumns(dataset.items, cols);
}

/**
 * {@link prepareDataset} on columns. Linear apart from sorting each user's ratings by time; no
 * per-rating objects or string keys (a Map cannot even hold MovieLens 25M's 25M (user, item) keys).
 */
export function prepareColumns(catalog: readonly ItemMeta[], cols: RatingColumns): PreparedData {
  const seen = new Set<number>();
  const items: ItemMeta[] = [];
  for (const item of catalog) {
    if (!Number.isFinite(item.id) || seen.has(item.id)) continue;
    seen.add(item.id);
    items.push(item);
  }
  const itemVocab = new Vocabulary(items.map((i) => i.id));
  const dropped = { invalid: 0, duplicate: 0, unknownItem: 0 };
  const total = cols.user.length;

  // Pass 1: validate, index items, number users in order of appearance.
  const itemOf = new Int32Array(total).fill(-1);
  const firstSeen = new Map<number, number>();
  const firstIds: number[] = [];
  const userOf = new Int32Array(total);
  for (let k = 0; k < total; k++) {
    const user = cols.user[k]!;
    const rating = cols.rating[k]!;
    if (!Number.isFinite(user) || !Number.isFinite(rating) || rating < MIN_STARS || rating > MAX_STARS) {
      dropped.invalid++;
      continue;
    }
    const i = itemVocab.indexOf(cols.item[k]!);
    if (i < 0) {
      dropped.unknownItem++;
      continue;
    }
    itemOf[k] = i;
    let u = firstSeen.get(user);
    if (u === undefined) {
      u = firstIds.length;
      firstSeen.set(user, u);
      firstIds.push(user);
    }
    userOf[k] = u;
  }
  // Users in ascending id order.
  const byId = Int32Array.from(firstIds.keys()).sort((a, b) => firstIds[a]! - firstIds[b]!);
  const rank = new Int32Array(firstIds.length);
  for (let r = 0; r < byId.length; r++) rank[byId[r]!] = r;
  const userVocab = new Vocabulary(Array.from(byId, (t) => firstIds[t]!));
  const nu = userVocab.size;

  // Pass 2: counting sort of the valid ratings by user (stable: input order within a user).
  const start = new Int32Array(nu + 1);
  for (let k = 0; k < total; k++) if (itemOf[k]! >= 0) start[rank[userOf[k]!]! + 1]!++;
  for (let u = 0; u < nu; u++) start[u + 1]! += start[u]!;
  const order = new Int32Array(start[nu]!);
  const at = start.slice(0, nu);
  for (let k = 0; k < total; k++) if (itemOf[k]! >= 0) order[at[rank[userOf[k]!]!]!++] = k;

  // Pass 3: per user, the latest rating per item wins (a later record wins a tie), then sort the
  // survivors by (timestamp, movie id) — the order EVAL.md's protocol uses — not by catalog position,
  // which differs from id order whenever the catalog is not sorted by id.
  const owner = new Int32Array(items.length).fill(-1);
  const slot = new Int32Array(items.length);
  const kept = new Int32Array(order.length);
  const userPtr = new Int32Array(nu + 1);
  let nnz = 0;
  for (let u = 0; u < nu; u++) {
    const from = nnz;
    for (let t = start[u]!; t < start[u + 1]!; t++) {
      const k = order[t]!;
      const i = itemOf[k]!;
      if (owner[i] !== u) {
        owner[i] = u;
        slot[i] = nnz;
        kept[nnz++] = k;
        continue;
      }
      dropped.duplicate++;
      if (timeAt(cols, kept[slot[i]!]!) > timeAt(cols, k)) continue;
      kept[slot[i]!] = k;
    }
    if (nnz - from > 1) {
      kept
        .subarray(from, nnz)
        .sort((a, b) => timeAt(cols, a) - timeAt(cols, b) || cols.item[a]! - cols.item[b]!);
    }
    userPtr[u + 1] = nnz;
  }

  const userItems = new Int32Array(nnz);
  const userRatings = new Float32Array(nnz);
  const userTimes = new Float64Array(nnz);
  const itemPtr = new Int32Array(items.length + 1);
  let sum = 0;
  for (let t = 0; t < nnz; t++) {
    const k = kept[t]!;
    const i = itemOf[k]!;
    itemPtr[i + 1]!++;
    userItems[t] = i;
    userRatings[t] = cols.rating[k]!;
    userTimes[t] = timeAt(cols, k);
    sum += cols.rating[k]!;
  }
  for (let i = 0; i < items.length; i++) itemPtr[i + 1]! += itemPtr[i]!;
  const itemUsers = new Int32Array(nnz);
  const itemRatings = new Float32Array(nnz);
  const fill = itemPtr.slice(0, items.length);
  for (let u = 0; u < nu; u++) {
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

function timeAt(cols: RatingColumns, k: number): number {
  const t = cols.timestamp[k]!;
  return Number.isFinite(t) ? t : 0;
}

/** Number of ratings of item `i`. */
export function itemCount(data: PreparedData, i: number): number {
  return data.itemPtr[i + 1]! - data.itemPtr[i]!;
}
