/**
 * Taste match between two users: Pearson correlation on the movies both rated, shrunk towards 0 when
 * they share few ratings (Koren's n / (n + λ) shrinkage), plus the movies they both love and the one they
 * disagree about most. Pure: the caller loads the ratings.
 */

/** Fewer co-rated movies than this and the correlation is not reported (too noisy to mean anything). */
export const MIN_CO_RATED = 3;
/** λ in n / (n + λ): with 10 co-rated movies a correlation keeps two thirds of its weight. */
export const CO_RATED_SHRINKAGE = 5;
/** Both rated it at least this: a shared favourite. */
export const FAVOURITE_MIN = 4;
/** A gap smaller than this (in stars) is not worth calling a disagreement. */
export const DISAGREEMENT_MIN = 1.5;
const FAVOURITES_SHOWN = 3;

export interface CompatResult {
  coRated: number;
  /** Plain Pearson correlation on co-rated movies; null below {@link MIN_CO_RATED} or with no variance. */
  pearson: number | null;
  /** Pearson × n / (n + λ). */
  shrunk: number | null;
  /** Both rated ≥ {@link FAVOURITE_MIN}, best first. */
  favourites: { movieId: number; a: number; b: number }[];
  /** The co-rated movie with the largest gap, when the gap is ≥ {@link DISAGREEMENT_MIN}. */
  disagreement: { movieId: number; a: number; b: number } | null;
}

/** Compares two users' ratings (movie id → stars). Symmetric up to swapping `a` and `b`. */
export function compareRatings(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): CompatResult {
  const common: { movieId: number; a: number; b: number }[] = [];
  for (const [movieId, ra] of a) {
    const rb = b.get(movieId);
    if (rb !== undefined) common.push({ movieId, a: ra, b: rb });
  }
  common.sort((x, y) => x.movieId - y.movieId);
  const n = common.length;
  const r =
    n >= MIN_CO_RATED
      ? pearson(
          common.map((c) => c.a),
          common.map((c) => c.b),
        )
      : null;
  const favourites = common
    .filter((c) => c.a >= FAVOURITE_MIN && c.b >= FAVOURITE_MIN)
    .sort((x, y) => y.a + y.b - (x.a + x.b) || x.movieId - y.movieId)
    .slice(0, FAVOURITES_SHOWN);
  let disagreement: CompatResult['disagreement'] = null;
  for (const c of common) {
    const gap = Math.abs(c.a - c.b);
    if (gap >= DISAGREEMENT_MIN && (!disagreement || gap > Math.abs(disagreement.a - disagreement.b)))
      disagreement = c;
  }
  return {
    coRated: n,
    pearson: r,
    shrunk: r === null ? null : (r * n) / (n + CO_RATED_SHRINKAGE),
    favourites,
    disagreement,
  };
}

/** Pearson correlation of two equal-length series; null when either has no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx < 1e-12 || syy < 1e-12) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * One match score in 0–100. With a model-based correlation (of the two users' predicted stars), the
 * co-rating correlation is shrunk towards it rather than towards 0: w = n / (n + λ) of the evidence comes
 * from co-ratings. Null when neither is known.
 */
export function matchPercent(pearsonR: number | null, latent: number | null, coRated: number): number | null {
  if (pearsonR === null && latent === null) return null;
  const w = coRated / (coRated + CO_RATED_SHRINKAGE);
  const r = pearsonR === null ? latent! : latent === null ? pearsonR * w : w * pearsonR + (1 - w) * latent;
  return Math.round(((r + 1) / 2) * 100);
}
