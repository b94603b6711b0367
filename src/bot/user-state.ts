import type { Executor } from '../db/store/executor.ts';
import { listMarks } from '../db/store/marks.ts';
import { listUserRatingValues } from '../db/store/ratings.ts';
import type { UserRow } from '../db/store/users.ts';
import type { ParsedPreferences } from '../nlp/types.ts';
import type { UserState } from '../recommend/types.ts';

/** Preferences stored by `/prefs` in `users.prefs`. */
export interface StoredPrefs {
  text: string;
  likedGenres: string[];
  avoidedGenres: string[];
  yearFrom: number | null;
  yearTo: number | null;
  people: string[];
  /** The full parse, merged into later requests. */
  parsed: ParsedPreferences | null;
}

export function storedPrefs(user: UserRow): StoredPrefs | null {
  const p = user.prefs as Partial<StoredPrefs> | null;
  if (!p || !Array.isArray(p.likedGenres)) return null;
  return {
    text: String(p.text ?? ''),
    likedGenres: p.likedGenres,
    avoidedGenres: p.avoidedGenres ?? [],
    yearFrom: p.yearFrom ?? null,
    yearTo: p.yearTo ?? null,
    people: p.people ?? [],
    parsed: p.parsed ?? null,
  };
}

/** Everything the engine needs about a user, read fresh from the database on each request. */
export async function loadUserState(db: Executor, user: UserRow): Promise<UserState> {
  const [ratings, marks] = await Promise.all([listUserRatingValues(db, user.id), listMarks(db, user.id)]);
  const prefs = storedPrefs(user);
  const ofKind = (kind: string) => marks.filter((m) => m.kind === kind).map((m) => m.movieId);
  return {
    ratings,
    notInterested: ofKind('not_interested'),
    seen: ofKind('seen'),
    watchlist: ofKind('watchlist'),
    likedGenres: prefs?.likedGenres ?? [],
    avoidedGenres: prefs?.avoidedGenres ?? [],
  };
}
