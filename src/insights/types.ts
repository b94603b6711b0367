/** A film in a top list. */
export interface FilmStat {
  movieId: number;
  title: string;
  year: number | null;
  /** Ratings it received (in scope). */
  count: number;
  /** Their plain mean, 0.5–5. */
  mean: number;
}

export interface BestRatedFilm extends FilmStat {
  /** Bayesian average: the mean pulled towards the community mean by a prior of a few ratings. */
  bayesian: number;
}

export interface RaterStat {
  userId: number;
  /** Display name, else the namespaced external id. */
  name: string;
  count: number;
  mean: number;
}

export interface AcceptanceByModel {
  model: string;
  /** Distinct (user, movie) pairs shown as recommendations. */
  recommended: number;
  /** Of those, rated by that user after they were first shown. */
  rated: number;
  /** Of those, rated 4 stars or more. */
  accepted: number;
  /** accepted / recommended, null when nothing was recommended. */
  rate: number | null;
}

export interface Acceptance extends Omit<AcceptanceByModel, 'model'> {
  byModel: AcceptanceByModel[];
}

/** Everything `/stats` and `movierec stats` show, computed by {@link computeStats}. */
export interface CommunityStats {
  generatedAt: string;
  /** Guild / team the numbers are limited to; null = everyone. */
  tenant: string | null;
  totals: {
    ratings: number;
    raters: number;
    ratedMovies: number;
    catalogMovies: number;
    meanRating: number | null;
    /** ISO dates (UTC) of the first and last rating in scope. */
    firstDay: string | null;
    lastDay: string | null;
  };
  /** Days (YYYY-MM-DD, UTC) with at least one rating, ascending. */
  ratingsPerDay: { day: string; count: number }[];
  /** Every half-star step from 0.5 to 5, zero counts included. */
  ratingDistribution: { rating: number; count: number }[];
  mostRated: FilmStat[];
  bestRated: BestRatedFilm[];
  /** Share of ratings going to films of each genre (a film counts for each of its genres). */
  genreMix: { genre: string; ratings: number; share: number }[];
  mostActiveRaters: RaterStat[];
  acceptance: Acceptance;
}

export interface ComputeStatsOptions {
  /** Only users of this guild / team / workspace (users.tenant). */
  tenant?: string | null;
  /** Length of the top lists. */
  top?: number;
}
