import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/** Where a movie row came from; later sources only fill fields earlier ones left empty. */
export const MOVIE_SOURCES = ['starter', 'movielens', 'manual', 'imdb', 'tmdb'] as const;

export const movies = pgTable(
  'movies',
  {
    id: serial('id').primaryKey(),
    movielensId: integer('movielens_id').unique(),
    imdbId: text('imdb_id').unique(),
    tmdbId: integer('tmdb_id'),
    title: text('title').notNull(),
    year: integer('year'),
    genres: text('genres').array().notNull().default(sql`'{}'::text[]`),
    runtime: integer('runtime'),
    directors: text('directors').array().notNull().default(sql`'{}'::text[]`),
    cast: text('cast').array().notNull().default(sql`'{}'::text[]`),
    writers: text('writers').array().notNull().default(sql`'{}'::text[]`),
    /** The title in its original language, when it differs from `title` (IMDb). */
    originalTitle: text('original_title'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    overview: text('overview'),
    certificate: text('certificate'),
    imdbRating: real('imdb_rating'),
    imdbVotes: integer('imdb_votes'),
    posterUrl: text('poster_url'),
    source: text('source', { enum: MOVIE_SOURCES }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('movies_title_idx').on(t.title), index('movies_tmdb_idx').on(t.tmdbId)],
);

/** Platforms a user can come from; the external id is namespaced `<platform>:<tenant>:<user>`. */
export const PLATFORMS = ['console', 'discord', 'slack', 'movielens', 'import'] as const;

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    /** `discord:<guild>:<user>`, `discord:dm:<user>`, `slack:<team>:<user>`, `console:<name>`, `movielens:<id>`. */
    externalId: text('external_id').notNull().unique(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    /** Guild, team or workspace the user belongs to (`local` in the console). */
    tenant: text('tenant').notNull(),
    displayName: text('display_name'),
    /** Parsed `/prefs` (liked / avoided genres, year bounds …) as stored by the bot core. */
    prefs: jsonb('prefs').$type<Record<string, unknown>>(),
    region: text('region'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Linked accounts (`/link`, src/db/store/links.ts): null when the account stands alone; else the id
     * of the profile's owner account (the owner's own row points at itself), whose id the ratings and
     * marks of every linked account are stored under. Prefs and region are copied to every account of
     * the profile. Set null if the owner row is deleted without handing over (the store always hands
     * over first).
     */
    profileId: integer('profile_id').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('users_tenant_idx').on(t.platform, t.tenant), index('users_profile_idx').on(t.profileId)],
);

export const RATING_SOURCES = ['reaction', 'button', 'command', 'import', 'onboard'] as const;

export const ratings = pgTable(
  'ratings',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    movieId: integer('movie_id')
      .notNull()
      .references(() => movies.id, { onDelete: 'cascade' }),
    rating: real('rating').notNull(),
    source: text('source', { enum: RATING_SOURCES }).notNull(),
    ratedAt: timestamp('rated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.movieId] }),
    index('ratings_movie_idx').on(t.movieId),
    check(
      'ratings_range',
      sql`${t.rating} >= 0.5 and ${t.rating} <= 5 and (${t.rating} * 2) = round(${t.rating} * 2)`,
    ),
  ],
);

export const MARK_KINDS = ['seen', 'not_interested', 'watchlist'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

/** Per-user flags on a movie, independent of ratings. */
export const marks = pgTable(
  'marks',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    movieId: integer('movie_id')
      .notNull()
      .references(() => movies.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MARK_KINDS }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.movieId, t.kind] })],
);

/**
 * Conversation state that must survive restarts and be shared by several processes: recommendation
 * paging, pending confirmations, onboarding progress.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId, t.kind)],
);

/** A message the bot posted, so a later reaction or button press on it knows which movie(s) it shows. */
export const cards = pgTable(
  'cards',
  {
    /** `<platform>:<channel>:<message>` */
    messageKey: text('message_key').primaryKey(),
    tenant: text('tenant').notNull(),
    /** Movies on the message, in display order; a single-movie card has one. */
    movieIds: integer('movie_ids').array().notNull(),
    sessionId: text('session_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('cards_tenant_idx').on(t.tenant)],
);

/**
 * A reaction that set a rating, with the rating it replaced, so removing the reaction can restore it.
 */
export const reactionRatings = pgTable(
  'reaction_ratings',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    messageKey: text('message_key').notNull(),
    emoji: text('emoji').notNull(),
    movieId: integer('movie_id')
      .notNull()
      .references(() => movies.id, { onDelete: 'cascade' }),
    rating: real('rating').notNull(),
    previousRating: real('previous_rating'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.messageKey, t.emoji] })],
);

/** Platform event ids already handled, so retried deliveries are not counted twice. */
export const processedEvents = pgTable('processed_events', {
  eventKey: text('event_key').primaryKey(),
  tenant: text('tenant').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every movie shown as a recommendation, for acceptance insights (was it later rated >= 4?). */
export const recommendationLog = pgTable(
  'recommendation_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    movieId: integer('movie_id')
      .notNull()
      .references(() => movies.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    score: real('score'),
    shownAt: timestamp('shown_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recommendation_log_user_idx').on(t.userId, t.movieId)],
);

/** Trained models, shared by every bot process; the newest version of a name wins. */
export const models = pgTable(
  'models',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    trainedAt: timestamp('trained_at', { withTimezone: true }).notNull().defaultNow(),
    /** Ratings count and max timestamp the model was trained on, to tell how stale it is. */
    meta: jsonb('meta').$type<Record<string, unknown>>().notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [index('models_name_idx').on(t.name, t.trainedAt)],
);

/**
 * A stored model's bytes in consecutive slices of at most 1 MB (`models.data` is then empty). One
 * statement per slice keeps PGlite's WebAssembly heap, which never shrinks, from growing by several
 * times the model's size as one huge value would make it.
 */
export const modelChunks = pgTable(
  'model_chunks',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.seq] })],
);

/**
 * TMDB answers kept for a while so cards do not wait on the API: `movie:<tmdbId>` holds the normalised
 * details, `search:<title>:<year>` the id a title search settled on. `data` is null for "not found".
 */
export const tmdbCache = pgTable(
  'tmdb_cache',
  {
    key: text('key').primaryKey(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('tmdb_cache_expires_idx').on(t.expiresAt)],
);

/** Group strategies a movie-night poll can rank with (see src/group/aggregate.ts). */
export const POLL_STRATEGIES = ['average', 'least-misery', 'borda'] as const;

/**
 * A movie-night poll: the group's top picks put to a vote in one channel. All poll state lives here, so a
 * restart mid-poll loses nothing.
 */
/** One pick of a poll as its message shows it. */
export interface PollPick {
  movieId: number;
  /** The group's predicted stars. */
  mean: number;
  explanation: string;
}

export const polls = pgTable(
  'polls',
  {
    /** Short and unguessable; it travels inside vote button ids. */
    id: text('id').primaryKey(),
    /** `<platform>:<tenant>`: only users of this tenant may vote. */
    tenant: text('tenant').notNull(),
    /** `<platform>:<tenant>:<channel>` the poll was posted in. */
    channel: text('channel').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The members the picks were computed for (the caller included). */
    memberIds: integer('member_ids').array().notNull(),
    /** The picks, best group pick first. */
    movieIds: integer('movie_ids').array().notNull(),
    strategy: text('strategy', { enum: POLL_STRATEGIES }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    closed: boolean('closed').notNull().default(false),
    winner: integer('winner').references(() => movies.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the winner was announced: in the closing command's reply, or posted by the poll closer. */
    announcedAt: timestamp('announced_at', { withTimezone: true }),
    /**
     * Set while a closed poll's announcement is pending: no closer may (re)try posting it before this
     * time, so the closer that claimed it posts alone. Null when announced or given up.
     */
    announceAfter: timestamp('announce_after', { withTimezone: true }),
    /**
     * `<platform>:<channel>:<message>` of the poll's own message, once the adapter posted it: each vote
     * edits it with the tally, and closing edits it to the closed state.
     */
    messageKey: text('message_key'),
    /** What the poll message says about each pick (group prediction, why), to redraw it after a vote. */
    picks: jsonb('picks').$type<PollPick[]>(),
  },
  (t) => [
    index('polls_tenant_open_idx').on(t.tenant, t.closed, t.createdAt),
    // The poll closer's "open and due" scan: only open polls are indexed, so it stays small.
    index('polls_open_closes_at_idx').on(t.closesAt).where(sql`${t.closed} = false`),
    // The closer's retry scan: only polls whose announcement is pending.
    index('polls_announce_pending_idx')
      .on(t.closesAt)
      .where(sql`${t.announceAfter} is not null and ${t.announcedAt} is null`),
  ],
);

/** One vote per (poll, user); voting again replaces the vote. */
export const pollVotes = pgTable(
  'poll_votes',
  {
    pollId: text('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    movieId: integer('movie_id')
      .notNull()
      .references(() => movies.id, { onDelete: 'cascade' }),
    votedAt: timestamp('voted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.userId] })],
);

/**
 * One Slack workspace that installed the app through OAuth (adapters/slack/installation-store.ts), keyed
 * by its team id. `data` is the whole @slack/oauth Installation (bot token, refresh token, user token
 * if any, scopes) as JSON encrypted with AES-256-GCM under `SLACK_INSTALLATION_KEY`; the plain columns
 * hold only ids and times. Org-wide (Enterprise Grid) installs are refused, so every row is a workspace.
 */
export const slackInstallations = pgTable('slack_installations', {
  teamId: text('team_id').primaryKey(),
  /** The Enterprise Grid organisation the workspace belongs to, when it does. */
  enterpriseId: text('enterprise_id'),
  /** `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url), see installation-crypto.ts. */
  data: text('data').notNull(),
  installedAt: timestamp('installed_at', { withTimezone: true }).notNull().defaultNow(),
  /** Last install or token rotation. */
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
