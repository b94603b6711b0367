import type { CatalogMovie } from '../catalog/catalog.ts';
import type { Database } from '../db/client.ts';
import type { UserRow } from '../db/store/users.ts';
import type { Logger } from '../logger.ts';
import type { Recommender, UserState } from '../recommend/types.ts';
import type { CatalogSource, CatalogView } from './catalog-view.ts';
import type { CommandArgs, TextParser } from './command-args.ts';
import type { ActionEvent, CommandEvent, CommandSpecInfo, MovieCard, Reply } from './types.ts';

/** The recommender as the core needs it (the engine's RecommenderService fits). */
export interface RecommenderSource {
  current(): Promise<Recommender>;
  catalogChanged(): void;
}

/** What {@link createBotCore} is built from. */
export interface BotCoreDeps {
  db: Database;
  logger: Logger;
  catalog: CatalogSource;
  recommender: RecommenderSource;
  /** Requests per user per minute before a friendly "slow down" (config.rateLimitPerMinute). */
  rateLimitPerMinute?: number;
  /** Reactions per user per minute, a bucket of their own (default 120). */
  reactionLimitPerMinute?: number;
  /**
   * Fills in what cards lack (poster, trailer, overview, where to watch in `region`) within a time
   * budget; never throws. Absent when no enrichment source (TMDB) is configured.
   */
  enrichCards?: (cards: MovieCard[], region: string | null) => Promise<MovieCard[]>;
  /**
   * How long `/import` waits for an import to finish before answering "importing in the background"
   * (default 3 s, `IMPORT_REPLY_WAIT_MS`). Tests whose subject is the summary wait longer, so a loaded
   * machine cannot turn their answer into the background one.
   */
  importReplyWaitMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Everything a command's `run` gets. */
export interface CommandContext {
  deps: BotCoreDeps;
  event: CommandEvent;
  user: UserRow;
  view: CatalogView;
  /** The command's free text, trimmed (length already checked); typed options are in {@link args}. */
  text: string;
  /** Typed options first, the text parsed for the rest ({@link commandArgs}): read arguments here. */
  args: CommandArgs;
  now: Date;
  /** Finds the movie a user means; throws a UserError or asks which one. */
  resolveMovie(query: string): CatalogMovie;
  recommender(): Promise<Recommender>;
  /** Read fresh from the database. */
  userState(): Promise<UserState>;
  /** Runs another command as the same user (pick buttons, `more`), with typed options if given. */
  run(command: string, text: string, options?: CommandEvent['options']): Promise<Reply[]>;
}

/** A button press or select, with the same helpers. */
export interface ActionContext extends Omit<CommandContext, 'event' | 'text' | 'args'> {
  event: ActionEvent;
}

/** A command: one file each under `commands/`, registered in `commands/index.ts`. */
export interface CommandSpec extends CommandSpecInfo {
  /** Other names users type (`not-interested` → `no`). */
  aliases?: string[];
  /** Left out of /help and platform registration. */
  hidden?: boolean;
  /** The command's text grammar (default: the whole text is its first string option). */
  parseText?: TextParser;
  run(ctx: CommandContext): Promise<Reply | Reply[]>;
}

/** Declares a command (keeps the object literal typed). */
export function defineCommand(spec: CommandSpec): CommandSpec {
  return spec;
}
