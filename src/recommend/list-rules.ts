/**
 * Rules a list must follow before a fan sees it (issue 15, item 2), as pure functions over ranked
 * entries so the chat's list assembly (src/bot/recommend-list.ts) and tests share them:
 * - never show a film the bot itself predicts the user will dislike (below 3★, or well below their
 *   own mean);
 * - films with almost no evidence (one or two ratings) do not outrank well-evidenced ones unless the
 *   prediction is confident;
 * - a user without ratings sees an average (shrunk toward the catalog's mean), not a "prediction".
 */

/** Predictions below this are films the user would probably not enjoy. */
export const DISLIKE_STARS = 3;
/** A prediction this far below the user's own mean is "well below" what they usually give. */
export const WELL_BELOW_MEAN = 1.5;
/** Films with fewer ratings (or IMDb votes / 1000 on a catalog without ratings) count as barely evidenced. */
export const FEW_RATINGS = 3;
/** A barely evidenced film keeps its place only with a prediction at least this high. */
export const CONFIDENT_STARS = 4;
/** How many well-evidenced entries a barely evidenced one is moved behind. */
export const DEMOTE_BEHIND = 10;
/** Bayesian average prior strength, in pseudo-ratings at the catalog mean (as popularity.ts). */
export const PRIOR_RATINGS = 10;
/** IMDb votes worth one rating when a film has no ratings in the catalog (as popularity.ts). */
const IMDB_VOTES_PER_RATING = 1000;

export interface RankedEntry {
  id: number;
  /** Predicted stars for this user, or null when the model cannot tell. */
  predicted: number | null;
  /** Ratings behind the film (see {@link evidenceOf}). */
  evidence: number;
}

/** The lowest prediction a personal list may show a user whose ratings average `userMean`. */
export function predictionFloor(userMean: number): number {
  return Number.isFinite(userMean) ? Math.max(DISLIKE_STARS, userMean - WELL_BELOW_MEAN) : DISLIKE_STARS;
}

/** Ratings behind a film: its rating count, or its IMDb votes scaled to ratings when it has none. */
export function evidenceOf(m: { ratingCount: number; imdbVotes?: number | null }): number {
  return m.ratingCount > 0 ? m.ratingCount : (m.imdbVotes ?? 0) / IMDB_VOTES_PER_RATING;
}

/**
 * A film's Bayesian average in stars: its ratings (or IMDb rating and votes when it has none) shrunk
 * toward `prior` by {@link PRIOR_RATINGS} pseudo-ratings, so "5★ from 1 rating" reads near the mean.
 * Null when nothing is known.
 */
export function bayesianAverage(
  m: { ratingCount: number; ratingMean: number; imdbRating?: number | null; imdbVotes?: number | null },
  prior: number,
): number | null {
  let n = m.ratingCount;
  let mean = m.ratingMean;
  if (n === 0) {
    if (m.imdbRating == null || !Number.isFinite(m.imdbRating)) return null;
    n = (m.imdbVotes ?? 0) / IMDB_VOTES_PER_RATING;
    mean = Math.min(5, Math.max(0.5, m.imdbRating / 2));
  }
  return (n * mean + PRIOR_RATINGS * prior) / (n + PRIOR_RATINGS);
}

/** Rating-weighted mean star of a catalog (the prior of {@link bayesianAverage}); 3.5 when empty. */
export function catalogMean(movies: Iterable<{ ratingCount: number; ratingMean: number }>): number {
  let sum = 0;
  let count = 0;
  for (const m of movies) {
    sum += m.ratingCount * m.ratingMean;
    count += m.ratingCount;
  }
  return count > 0 ? sum / count : 3.5;
}

/**
 * Applies the dislike floor (when `userMean` is finite, i.e. the user has ratings) and moves barely
 * evidenced entries without a confident prediction behind the next {@link DEMOTE_BEHIND}
 * well-evidenced ones. Keeps the order otherwise; returns the kept entries and how many were dropped.
 */
export function applyListRules<T extends RankedEntry>(
  entries: readonly T[],
  userMean: number,
): { entries: T[]; dropped: number } {
  const floor = predictionFloor(userMean);
  const personal = Number.isFinite(userMean);
  const kept = personal ? entries.filter((e) => e.predicted === null || e.predicted >= floor) : [...entries];
  const out: T[] = [];
  const waiting: { entry: T; release: number }[] = [];
  let solid = 0;
  for (const e of kept) {
    const weak = e.evidence < FEW_RATINGS && !(e.predicted !== null && e.predicted >= CONFIDENT_STARS);
    if (weak) {
      waiting.push({ entry: e, release: solid + DEMOTE_BEHIND });
      continue;
    }
    out.push(e);
    solid++;
    while (waiting.length > 0 && waiting[0]!.release <= solid) out.push(waiting.shift()!.entry);
  }
  for (const w of waiting) out.push(w.entry);
  return { entries: out, dropped: entries.length - kept.length };
}

/**
 * A page in the order of what its cards show: highest prediction first (entries without one keep
 * their relative place at the end), so #1 never shows a lower number than #3. The model's ranking
 * still decides which entries make the page. Films that fit the request as asked stay before those a
 * widened request added (`tier`, lowest first; the list's note says why), each group ordered as above.
 */
export function orderPageByPrediction<T extends { predicted: number | null; tier?: number }>(
  page: readonly T[],
): T[] {
  return page
    .map((e, k) => ({ e, k }))
    .sort((a, b) => {
      const pa = a.e.predicted ?? Number.NEGATIVE_INFINITY;
      const pb = b.e.predicted ?? Number.NEGATIVE_INFINITY;
      return (a.e.tier ?? 0) - (b.e.tier ?? 0) || pb - pa || a.k - b.k;
    })
    .map((x) => x.e);
}
