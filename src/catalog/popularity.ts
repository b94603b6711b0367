/**
 * How well known a film is, on one 0–1 scale whatever its source: the single definition every ranking by
 * popularity uses (the title index and its ties, /search, /onboard, the import worker's title matching).
 *
 * The catalog has two popularity signals on scales that cannot be added: rating counts here (MovieLens'
 * ml-latest-small tops out at 329 ratings, the bot's own users add a few) and IMDb votes (up to ~3
 * million). The old `ratingCount + imdbVotes / 1000` let any film with a few hundred thousand votes
 * outrank the most rated film of the catalog. Instead each signal becomes the film's percentile among
 * the films that have that signal (mid-rank for ties, so equal counts score equally), and a film's
 * popularity is the larger of its two percentiles: a film is as well known as its better-known side. A
 * signal carried by fewer than {@link FULL_WEIGHT_FILMS} films is scaled down in proportion, so the
 * first few ratings in a fresh bot do not make their films the catalog's best known.
 */

export interface PopularitySignals {
  /** Ratings in this catalog (MovieLens and the bot's users). */
  ratingCount: number;
  imdbVotes?: number | null;
}

/** A signal held by at least this many films counts fully; below it, its percentiles shrink toward 0. */
export const FULL_WEIGHT_FILMS = 50;

/** Percentile (mid-rank, 0–1) of each positive value among the positive values; 0 where not positive. */
function percentiles(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) present.push(i);
  const n = present.length;
  if (n === 0) return out;
  present.sort((a, b) => values[a]! - values[b]!);
  const weight = Math.min(1, n / FULL_WEIGHT_FILMS);
  for (let from = 0; from < n; ) {
    let to = from + 1;
    while (to < n && values[present[to]!] === values[present[from]!]) to++;
    // Every film of a tie gets the middle of the tie's ranks; the best-known film gets (n - 0.5) / n.
    const p = ((from + to) / 2 / n) * weight;
    for (let k = from; k < to; k++) out[present[k]!] = p;
    from = to;
  }
  return out;
}

/** Popularity 0–1 of each film of `films` (aligned with it), relative to the others. */
export function popularityScores(films: readonly PopularitySignals[]): Float64Array {
  const ratings = new Float64Array(films.length);
  const votes = new Float64Array(films.length);
  films.forEach((f, i) => {
    ratings[i] = Number.isFinite(f.ratingCount) ? f.ratingCount : 0;
    votes[i] = Number.isFinite(f.imdbVotes) ? (f.imdbVotes as number) : 0;
  });
  const fromRatings = percentiles(ratings);
  const fromVotes = percentiles(votes);
  const out = new Float64Array(films.length);
  for (let i = 0; i < films.length; i++) out[i] = Math.max(fromRatings[i]!, fromVotes[i]!);
  return out;
}
