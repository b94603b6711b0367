import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEAN_STARS,
  MAX_STARS,
  MIN_STARS,
  type PreparedData,
  prepareColumns,
  prepareDataset,
} from '../../src/recommend/prepare.ts';
import type { Dataset, ItemMeta, RatingRecord } from '../../src/recommend/types.ts';
import { Vocabulary } from '../../src/recommend/vocab.ts';

// The object-based implementation prepareDataset had before it moved to columns (a Map keyed by
// "user:item" strings, which cannot hold 25M keys), kept verbatim as the reference.
function referencePrepare(dataset: Dataset): PreparedData {
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

function item(id: number): ItemMeta {
  return {
    id,
    title: `Movie ${id}`,
    year: 2000,
    genres: [],
    tags: [],
    directors: [],
    cast: [],
    runtime: null,
  };
}

function plain(d: PreparedData) {
  return {
    ...d,
    itemVocab: Array.from(d.itemVocab.ids),
    userVocab: Array.from(d.userVocab.ids),
  };
}

/** Ratings with duplicates, timestamp ties, NaN and out-of-range values and unknown items. */
const ratingArb = fc.record({
  user: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(Number.NaN)),
  item: fc.integer({ min: 1, max: 25 }),
  rating: fc.oneof(
    fc.integer({ min: 1, max: 10 }).map((h) => h / 2),
    fc.constantFrom(Number.NaN, 0, 7, -1),
  ),
  timestamp: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(Number.NaN)),
});

describe('prepareDataset', () => {
  it('matches the object-based reference (dedupe, order, drops, mean)', () => {
    fc.assert(
      fc.property(
        fc.array(ratingArb, { maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 22 }), { maxLength: 30 }),
        (ratings, ids) => {
          const dataset: Dataset = { items: ids.map(item), ratings };
          expect(plain(prepareDataset(dataset))).toEqual(plain(referencePrepare(dataset)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts columns and gives the same result as objects', () => {
    const ratings: RatingRecord[] = [];
    for (let k = 0; k < 500; k++) {
      ratings.push({
        user: (k * 7) % 31,
        item: 1 + ((k * 13) % 40),
        rating: 0.5 + (k % 10) / 2,
        timestamp: k % 17,
      });
    }
    const items = Array.from({ length: 40 }, (_, i) => item(i + 1));
    const cols = {
      user: Int32Array.from(ratings, (r) => r.user),
      item: Int32Array.from(ratings, (r) => r.item),
      rating: Float32Array.from(ratings, (r) => r.rating),
      timestamp: Uint32Array.from(ratings, (r) => r.timestamp),
    };
    expect(plain(prepareColumns(items, cols))).toEqual(plain(prepareDataset({ items, ratings })));
  });

  it('uses the default mean when nothing is left', () => {
    const d = prepareDataset({ items: [item(1)], ratings: [{ user: 1, item: 2, rating: 4, timestamp: 0 }] });
    expect(d.globalMean).toBe(DEFAULT_MEAN_STARS);
    expect(d.dropped.unknownItem).toBe(1);
    expect(MIN_STARS).toBeLessThan(MAX_STARS);
  });
});
