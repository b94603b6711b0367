/**
 * The platform-neutral vocabulary between the bot core and its adapters. Adapters translate platform
 * events into {@link BotEvent}s and render {@link Reply} values; nothing here knows any platform SDK.
 */

export type Platform = 'console' | 'discord' | 'slack';

/** Who did something: namespaced so two platforms or tenants never collide. */
export interface Actor {
  /** `discord:<guild>:<user>` (`discord:dm:<user>` in DMs), `slack:<team>:<user>`, `console:<name>`. */
  userKey: string;
  platform: Platform;
  /** Guild id, team id, or `local`. */
  tenant: string;
  displayName?: string;
  /** Platform-reported admin rights in this tenant (for admin-only commands). */
  isAdmin?: boolean;
}

/** Where it happened. */
export interface ChannelRef {
  /** `<platform>:<tenant>:<channel>` */
  key: string;
  platform: Platform;
  tenant: string;
  /** Member user keys the platform can name for this channel (used by group features), when known. */
  memberKeys?: string[];
}

interface EventBase {
  /**
   * The platform's delivery id (interaction id, Slack event_id, …). The core handles each id once, so a
   * retried delivery is not counted twice.
   */
  id: string;
  actor: Actor;
  channel: ChannelRef;
}

export interface CommandEvent extends EventBase {
  type: 'command';
  /** Command name without the slash, e.g. `recommend`, `forget-me`. */
  command: string;
  /** The free text after the command (Slack sends one text; Discord options are joined into it). */
  text: string;
  /**
   * Typed options when the platform has them (Discord). The core reads a typed option first and parses
   * `text` only for what no option gave, the same way on every platform (console and Slack send text;
   * `ask` may send both). A `user`-type option's value is the other person's user key
   * (`discord:<guild>:<id>`); their display name, when the platform resolved it, is in {@link mentions}.
   */
  options?: Record<string, string | number | boolean | undefined>;
  /** People the platform resolved in this command (typed user options, Slack `<@U…|name>` mentions). */
  mentions?: { userKey: string; displayName?: string }[];
  /** Files attached to the command (Letterboxd / IMDb CSV exports). */
  attachments?: Attachment[];
}

export interface Attachment {
  name: string;
  /** Content already fetched by the adapter (bounded in size), or a URL for the core to fetch. */
  content?: string;
  url?: string;
  size?: number;
}

/** A button press or select choice on a message the bot posted. */
export interface ActionEvent extends EventBase {
  type: 'action';
  /** The opaque {@link Action.id} the core put on the component. */
  actionId: string;
  /** The chosen option's value for selects. */
  value?: string;
  /** `<platform>:<channel>:<message>` of the message carrying the component, when known. */
  messageKey?: string;
}

/** An emoji reaction added to / removed from a message the bot posted. */
export interface ReactionEvent extends EventBase {
  type: 'reaction';
  messageKey: string;
  /** Unicode emoji (`⭐`, `1️⃣`) or a platform short name without colons (`star`, `one`, `+1`). */
  emoji: string;
  added: boolean;
}

export type BotEvent = CommandEvent | ActionEvent | ReactionEvent;

/** A button or select the adapter renders. */
export interface Action {
  /** Opaque, at most {@link ACTION_ID_MAX} characters; sent back unchanged in {@link ActionEvent.actionId}. */
  id: string;
  label: string;
  style?: 'primary' | 'secondary' | 'danger';
  /** Present for selects (e.g. star ratings); absent for buttons. */
  options?: { label: string; value: string }[];
  /** Shown but not pressable (a closed poll's buttons). */
  disabled?: boolean;
}

/** Fits Discord's custom_id (100) and Slack's action_id (255) with room for an adapter prefix. */
export const ACTION_ID_MAX = 90;

export interface MovieCard {
  movieId: number;
  title: string;
  year: number | null;
  genres: string[];
  directors: string[];
  cast: string[];
  runtime: number | null;
  overview?: string | null;
  posterUrl?: string | null;
  /** Movie page (TMDB / IMDb / MovieLens). */
  url?: string | null;
  trailerUrl?: string | null;
  /** Where to watch in the user's region, when known. */
  providers?: string[];
  /** The model's predicted stars for this user (0.5–5), when it can tell. */
  predictedStars: number | null;
  /**
   * Whose number {@link predictedStars} is, so a public card never passes one person's prediction off
   * as everyone's: a person ("Predicted for Ana"), the group of a movie night ("Group prediction"), or
   * no personal prediction yet (an average, labelled as such). Absent = the asker's own, in a private
   * reply.
   */
  predictionFor?: { kind: 'person'; name: string } | { kind: 'group' } | { kind: 'average' };
  /** The user's own rating, when they have one. */
  userRating: number | null;
  /** Whose rating {@link userRating} is, on public replies ("Ana rated ★★★★"). */
  ratingBy?: string;
  /** One short line saying why this movie is here. */
  reason: string;
  /** Group label in mixed lists: "Personal pick", "Because you liked Heat", "Popular". */
  label?: string;
  /** 1-based position in the list the user sees (console uses it for `:5 2`). */
  rank?: number;
  /** Per-card actions (seen, not interested, watchlist, star select). */
  actions: Action[];
}

export interface Reply {
  /** Short text in light markdown (`**bold**`, `_italic_`, links); adapters convert it. */
  text: string;
  cards?: MovieCard[];
  /** Message-level actions (more, poll votes, confirm/cancel). */
  actions?: Action[];
  /** Only the asking user sees it (Discord ephemeral, Slack response_type=ephemeral). */
  ephemeral?: boolean;
  /**
   * A single-movie card that people rate by reacting: the adapter adds the rating reactions and must
   * call {@link BotCore.messagePosted} with the message key so later reactions find the movie.
   */
  rateByReaction?: boolean;
  /** An image to attach (stats charts). */
  image?: { name: string; png: Uint8Array; alt: string };
  /**
   * On a reply to an action: replace the message the action came from (Discord UPDATE_MESSAGE / edit of
   * the component's message; Slack `replace_original` through response_url or `chat.update`) instead of
   * posting a new one. Used by pickers and confirmations so spent buttons disappear.
   */
  replaceSource?: boolean;
  /**
   * Edit this earlier bot message (a key the core was given through {@link BotCore.messagePosted}, e.g. a
   * poll showing its live tally or its closed state) with this reply's content, instead of posting.
   */
  editMessage?: string;
  /** Machine-readable extras for `ask --json` and tests (parsed request, scores …). */
  data?: Record<string, unknown>;
}

/** One option of a command, for platform registration (Discord slash options, Slack usage hints). */
export interface CommandOptionSpec {
  name: string;
  description: string;
  type: 'string' | 'number' | 'integer' | 'user' | 'attachment';
  required?: boolean;
  /** Offer movie-title autocomplete for this option. */
  autocomplete?: boolean;
  minValue?: number;
  maxValue?: number;
  choices?: { name: string; value: string | number }[];
}

export interface CommandSpecInfo {
  name: string;
  description: string;
  /** Usage shown in help and Slack's usage hint, e.g. `<title> <stars>`. */
  usage: string;
  options: CommandOptionSpec[];
  /** Only tenant admins may run it on platforms (e.g. `stats`). */
  adminOnly?: boolean;
  /**
   * Whether the answer is usually for the asker only ('private': /rate, /profile, /help …) or for the
   * channel ('public': /recommend, /movienight). An adapter that must acknowledge before the answer is
   * ready (Discord's deferral fixes visibility) defers with this; the reply's own `ephemeral` decides
   * whenever the answer is ready in time. Required: every command declares it (no adapter-side guess).
   */
  visibility: 'private' | 'public';
}

/** What the core offers to adapters. */
export interface BotCore {
  readonly commands: readonly CommandSpecInfo[];
  /** Handles one event and returns the replies to send, in order. Never throws for user errors. */
  handle(event: BotEvent): Promise<Reply[]>;
  /** Tells the core which platform message now shows a reply, so reactions and buttons on it resolve. */
  messagePosted(reply: Reply, messageKey: string, channel: ChannelRef): Promise<void>;
  /** Title suggestions for an autocomplete option (fast: in-memory index). */
  autocomplete(query: string, actor: Actor): Promise<{ name: string; value: string }[]>;
  /** Purge everything stored for a tenant (bot removed from a guild, Slack app uninstalled). */
  purgeTenant(platform: Platform, tenant: string): Promise<{ users: number }>;
}

/** A platform integration; `movierec start` starts every configured one. */
export interface PlatformAdapter {
  readonly platform: Platform;
  start(core: BotCore): Promise<void>;
  /** Stops receiving, finishes in-flight work, releases connections. */
  stop(): Promise<void>;
  /**
   * Posts a message the bot starts on its own (no event to answer), e.g. a movie-night poll's winner,
   * to a channel of this platform, and tells the core which message shows it. Never rejects: platform
   * refusals (channel gone, no permission, rate limits past their retries) are logged and resolve
   * false. Ephemeral replies are not posted (there is nobody to show them to privately).
   */
  postToChannel?(channel: ChannelRef, reply: Reply): Promise<boolean>;
}

/** Rating emoji mapping shared by every platform (documented in README). */
export const REACTION_STARS: Readonly<Record<string, number>> = {
  '1️⃣': 1,
  '2️⃣': 2,
  '3️⃣': 3,
  '4️⃣': 4,
  '5️⃣': 5,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  '👍': 4,
  '+1': 4,
  thumbsup: 4,
  '👎': 1.5,
  '-1': 1.5,
  thumbsdown: 1.5,
};
