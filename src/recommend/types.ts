/**
 * The recommender's public vocabulary. Models see movies and ratings only through these types, with
 * the catalog's own movie ids (database ids in the bot, MovieLens ids in offline evaluation).
 */

export interface ItemMeta {
  id: number;
  title: string;
  year: number | null;
  /** MovieLens genre names: `Action`, `Sci-Fi`, `Children`, … */
  genres: readonly string[];
  /** Free tags / keywords (MovieLens tags, TMDB keywords). */
  tags: readonly string[];
  directors: readonly string[];
  cast: readonly string[];
  /** Screenwriters (IMDb's title.crew); optional: MovieLens and the starter catalog have none. */
  writers?: readonly string[];
  runtime: number | null;
  overview?: string | null;
  /** External popularity prior for catalogs without ratings (IMDb rating 0–10 and votes). */
  imdbRating?: number | null;
  imdbVotes?: number | null;
}

export interface RatingRecord {
  user: number;
  item: number;
  /** 0.5–5 stars. */
  rating: number;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** What a model is trained on. */
export interface Dataset {
  items: readonly ItemMeta[];
  ratings: readonly RatingRecord[];
}

/** Everything known about one user at request time, read fresh from the database. */
export interface UserState {
  ratings: readonly { item: number; rating: number; timestamp: number }[];
  notInterested: readonly number[];
  seen: readonly number[];
  watchlist: readonly number[];
  /** From `/prefs`: liked genres steer, avoided genres are filtered unless a request asks for them. */
  likedGenres?: readonly string[];
  avoidedGenres?: readonly string[];
}

/** Soft preferences from a free-text request: they steer the ranking, never filter. */
export interface Steering {
  genres?: readonly string[];
  similarTo?: readonly number[];
  /** Stemmed content words, matched against tags / overviews / titles. */
  keywords?: readonly string[];
  people?: readonly string[];
}

export interface RecommendOptions {
  /** How many to return. */
  n: number;
  /** Hard constraint: only items for which it returns true are eligible. */
  filter?: (item: ItemMeta) => boolean;
  steer?: Steering;
  /** Watchlisted movies: boosted (default), kept out, or treated like any other. */
  watchlist?: 'boost' | 'exclude' | 'neutral';
  /** 0 = pure relevance, 1 = maximal diversity (MMR trade-off). */
  diversity?: number;
}

export type Reason =
  /** Because you rated <item> <rating>★. */
  | { kind: 'rated'; item: number; rating: number }
  /** Popular with people who liked <item>. */
  | { kind: 'liked-by-similar'; item: number }
  /** Matches: sci-fi, 1990s, Ridley Scott. */
  | { kind: 'matches'; features: string[] }
  /** Popular and well rated overall. */
  | { kind: 'popular' }
  /** On your watchlist. */
  | { kind: 'watchlist' };

export interface Recommendation {
  item: number;
  score: number;
  /** Predicted stars 0.5–5, or null when the model cannot tell. */
  predictedRating: number | null;
  reason: Reason;
  /** Which kind of pick this is, for labelled mixed lists. */
  strategy: 'personal' | 'because' | 'popular' | 'content';
}

/** A trained recommender. Pure and synchronous: all data it needs is in memory. */
export interface Recommender {
  /** Identifies the trained model (name + training time), for logs and cards. */
  readonly version: string;
  recommend(user: UserState, options: RecommendOptions): Recommendation[];
  /** Movies like `item`, personalised when `user` is given. */
  similar(item: number, options: RecommendOptions & { user?: UserState }): Recommendation[];
  /** Predicted stars for one movie, or null. */
  predict(user: UserState, item: number): number | null;
  /**
   * The same three questions for one user, whose scoring is computed once (on first use) and shared by
   * every list asked of it: for requests that build several lists for one user, such as a mixed list
   * of personal picks and "because you liked" rows. Answers equal the corresponding calls above.
   */
  forUser(user: UserState): UserRecommender;
}

/** A {@link Recommender} bound to one user's state (see {@link Recommender.forUser}). */
export interface UserRecommender {
  /** Same as `recommend(user, options)`. */
  recommend(options: RecommendOptions): Recommendation[];
  /** Same as `similar(item, { ...options, user })`. */
  similar(item: number, options: RecommendOptions): Recommendation[];
  /** Same as `predict(user, item)`. */
  predict(item: number): number | null;
  /**
   * Lets the recommender reuse the memory of this user's scores; call it when no more lists are asked
   * of this binding (one asked later computes the scores again).
   */
  release(): void;
}
