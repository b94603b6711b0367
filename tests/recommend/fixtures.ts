import { mulberry32 } from '../../src/random.ts';
import type { Dataset, ItemMeta, RatingRecord, UserState } from '../../src/recommend/types.ts';

export const GENRE_CLUSTERS = [
  ['Sci-Fi', 'Action'],
  ['Comedy', 'Romance'],
  ['Animation', 'Children'],
  ['Horror', 'Thriller'],
  ['Drama', 'War'],
] as const;

/**
 * A small synthetic catalog: items in genre clusters, users who like one cluster and rate its items
 * high (and a few others low). Seeded, so every run sees the same data.
 */
export function syntheticDataset(options: { items?: number; users?: number; seed?: number } = {}): Dataset {
  const nItems = options.items ?? 120;
  const nUsers = options.users ?? 60;
  const rnd = mulberry32(options.seed ?? 1);
  const items: ItemMeta[] = [];
  for (let i = 0; i < nItems; i++) {
    const cluster = GENRE_CLUSTERS[i % GENRE_CLUSTERS.length]!;
    items.push({
      id: 1000 + i,
      title: `Movie ${i}`,
      year: 1970 + ((i * 7) % 50),
      genres: [...cluster],
      tags: i % 3 === 0 ? [`tag${i % 5}`] : [],
      directors: [`Director ${i % 9}`],
      cast: [`Actor ${i % 13}`, `Actor ${(i + 5) % 13}`],
      runtime: 90 + (i % 60),
      imdbRating: 5 + (i % 5),
      imdbVotes: 1000 * (1 + (i % 17)),
    });
  }
  const ratings: RatingRecord[] = [];
  for (let u = 0; u < nUsers; u++) {
    const liked = u % GENRE_CLUSTERS.length;
    for (let i = 0; i < nItems; i++) {
      const inCluster = i % GENRE_CLUSTERS.length === liked;
      const p = inCluster ? 0.5 : 0.06;
      if (rnd() < p) {
        const stars = inCluster ? 3.5 + Math.round(rnd() * 3) / 2 : 1 + Math.round(rnd() * 4) / 2;
        ratings.push({ user: u + 1, item: 1000 + i, rating: stars, timestamp: 1_000_000 + u * 1000 + i });
      }
    }
  }
  return { items, ratings };
}

export function userState(partial: Partial<UserState> = {}): UserState {
  return { ratings: [], seen: [], notInterested: [], watchlist: [], ...partial };
}
