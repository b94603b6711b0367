import { saveCard } from '../db/store/cards.ts';
import { eventKey } from '../db/store/events.ts';
import { purgeTenant, tenantKey } from '../db/store/forget.ts';
import { setPollMessageKey } from '../db/store/polls.ts';
import { type GateUser, type RateBucket, takeRequestToken } from '../db/store/request-gate.ts';
import { createSession } from '../db/store/sessions.ts';
import { findUser, getOrCreateUser, type UserRow } from '../db/store/users.ts';
import { DatabaseUnavailableError, isUserError, UserError } from '../errors.ts';
import { isConnectionError } from '../ops/instrument.ts';
import { currentLogger } from '../ops/request-context.ts';
import type { Recommender, UserState } from '../recommend/types.ts';
import { actionId } from './action-ids.ts';
import { handleAction, type PickSessionData } from './actions.ts';
import type { CatalogView } from './catalog-view.ts';
import { commandArgs, eventStrings } from './command-args.ts';
import { COMMANDS, findCommand } from './commands/index.ts';
import type { BotCoreDeps, CommandContext } from './context.ts';
import { commandsAsTyped, slash } from './platform-text.ts';
import { handleReaction } from './reaction-handler.ts';
import { popularityLine, titleWithYear } from './render.ts';
import { resolveMovie, TitleChoiceNeeded } from './resolve-movie.ts';
import { checkInputLength, cleanEvent, sanitizeEcho } from './text.ts';
import type { BotCore, BotEvent, CommandEvent, Reply } from './types.ts';
import { loadUserState } from './user-state.ts';

const RATE_WINDOW_MS = 60_000;
const DEFAULT_RATE_LIMIT = 30;
/**
 * Reactions per user per minute, counted apart from commands: rating by toggling emoji is quick work
 * (16 toggles of 5️⃣ then 4️⃣ must all count), and a reaction dropped silently leaves a wrong rating.
 */
const DEFAULT_REACTION_LIMIT = 120;
const REACTION_BUCKET = 'reaction';
/** "No limit" for the local console, as a Postgres integer (the gate compares in SQL). */
const CONSOLE_NO_LIMIT = 2 ** 31 - 1;
const PICK_SESSION_TTL_MS = 30 * 60 * 1000;
const AUTOCOMPLETE_LIMIT = 10;
/** Pauses before each retry of a card save that failed after its message was posted (~3.6 s in all). */
const CARD_SAVE_RETRY_MS = [100, 500, 1000, 2000];
/** Nested command runs (pick → command → …) stop here. */
const MAX_RUN_DEPTH = 3;

/**
 * The platform-neutral bot: turns {@link BotEvent}s into {@link Reply} values. All state lives in the
 * database (sessions, cards, delivery claims, rate-limit counters), so a restart or a second process
 * loses nothing.
 */
export function createBotCore(deps: BotCoreDeps): BotCore {
  const now = deps.now ?? (() => new Date());
  const commandLimit = deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT;
  const reactionLimit = deps.reactionLimitPerMinute ?? DEFAULT_REACTION_LIMIT;
  const commands: RateBucket = { name: 'request', limit: commandLimit, windowMs: RATE_WINDOW_MS };
  const reactions: RateBucket = { name: REACTION_BUCKET, limit: reactionLimit, windowMs: RATE_WINDOW_MS };
  // The local console is its operator's own terminal: no per-user limit there (the gate still claims).
  const consoleBucket: RateBucket = { name: 'console', limit: CONSOLE_NO_LIMIT, windowMs: RATE_WINDOW_MS };

  async function dispatch(event: BotEvent): Promise<Reply[]> {
    const userKey = event.actor.userKey;
    const displayName = event.actor.displayName?.slice(0, 100);
    const tenant = tenantKey(event.channel.platform, event.channel.tenant);
    const at = now();
    const onConsole = event.channel.platform === 'console';
    const requests = onConsole ? consoleBucket : commands;
    const limit = requests.limit;
    const rateLimited = (retryAfterMs: number): Reply[] => [
      {
        text: `Easy there! You can send ${limit} requests a minute; try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`,
        ephemeral: true,
        data: { outcome: 'user_error', error: 'rate-limited' },
      },
    ];
    if (event.type === 'reaction') {
      const user = await getOrCreateUser(deps.db, userKey, displayName);
      // Reactions have their own bucket; a refused one is said privately (adapters DM or post it
      // ephemerally), so the user knows to react again rather than trust a card that was not counted.
      const gate = await takeRequestToken(
        deps.db,
        { id: user.id },
        onConsole ? consoleBucket : reactions,
        at,
      );
      if (gate && !gate.allowed) {
        const wait = Math.max(1, Math.ceil(gate.retryAfterMs / 1000));
        return [
          {
            text: `That reaction came too fast to count (${reactionLimit} a minute), so your rating did not change. Wait ${wait} s and react again.`,
            ephemeral: true,
            data: { outcome: 'user_error', error: 'rate-limited' },
          },
        ];
      }
      // Reactions claim their delivery inside their own transaction (reaction-handler).
      return handleReaction(deps.db, await deps.catalog.current(), user, event, tenant);
    }
    // The catalog first: a delivery is claimed only once the request can go ahead.
    const view = await deps.catalog.current();
    const key = eventKey(userKey, event.id);
    const gateFor = (who: GateUser) =>
      takeRequestToken(deps.db, who, requests, at, { eventKey: key, tenant });
    // The user's row and the gate at once (the gate finds the user by key); a new user is created
    // first. Whichever came back empty is done after, so a request is never counted or claimed twice.
    let [user, gate] = await Promise.all([findUser(deps.db, userKey), gateFor({ externalId: userKey })]);
    user ??= await getOrCreateUser(deps.db, userKey, displayName);
    gate ??= await gateFor({ id: user.id });
    if (!gate) throw new Error('the user row vanished while the request was gated');
    if (!gate.allowed) return rateLimited(gate.retryAfterMs);
    if (!gate.claimed) return [];
    const base = baseContext(user, view, at);
    const replies =
      event.type === 'action'
        ? await handleAction({
            ...base,
            event,
            run: (command, text, options) =>
              runCommand({ ...commandEventFrom(event), command, text, options }, user, view, at, 1),
          })
        : await runCommand(event, user, view, at, 0);
    return enrich(replies, user);
  }

  /** Posters, trailers and where-to-watch from the enricher (TMDB), when one is configured. */
  async function enrich(replies: Reply[], user: UserRow): Promise<Reply[]> {
    const enrichCards = deps.enrichCards;
    if (!enrichCards) return replies;
    return Promise.all(
      replies.map(async (reply) =>
        reply.cards?.length ? { ...reply, cards: await enrichCards(reply.cards, user.region) } : reply,
      ),
    );
  }

  function baseContext(user: UserRow, view: CatalogView, at: Date) {
    let state: Promise<UserState> | undefined;
    let recommender: Promise<Recommender> | undefined;
    return {
      deps,
      user,
      view,
      now: at,
      resolveMovie: (query: string) => resolveMovie(view, query),
      recommender: () => (recommender ??= deps.recommender.current()),
      // Fresh per request: commands that write then read call it after writing.
      userState: () => (state ??= loadUserState(deps.db, user)),
    };
  }

  async function runCommand(
    event: CommandEvent,
    user: UserRow,
    view: CatalogView,
    at: Date,
    depth: number,
  ): Promise<Reply[]> {
    if (depth > MAX_RUN_DEPTH) throw new Error('command re-entry too deep');
    const spec = findCommand(event.command);
    if (!spec) {
      throw new UserError(
        'unknown-command',
        `I don't know \`${slash(event.channel.platform, sanitizeEcho(event.command, 30))}\`. Try \`${slash(event.channel.platform, 'help')}\`.`,
      );
    }
    if (spec.adminOnly && event.actor.platform !== 'console' && !event.actor.isAdmin) {
      throw new UserError('admin-only', `Only admins of this workspace can use \`/${spec.name}\`.`);
    }
    checkInputLength(eventStrings(event));
    const text = (event.text ?? '').trim();
    const ctx: CommandContext = {
      ...baseContext(user, view, at),
      event,
      text,
      args: commandArgs(spec, event),
      run: (command, t, options) =>
        runCommand({ ...event, command, text: t, options }, user, view, at, depth + 1),
    };
    try {
      const out = await spec.run(ctx);
      return Array.isArray(out) ? out : [out];
    } catch (error) {
      if (error instanceof TitleChoiceNeeded) return [await askWhichOne(error, spec.name, event, user, at)];
      throw error;
    }
  }

  async function askWhichOne(
    error: TitleChoiceNeeded,
    command: string,
    event: CommandEvent,
    user: UserRow,
    at: Date,
  ): Promise<Reply> {
    // The same command runs again with the chosen movie in place of the query, wherever it was written:
    // in the text (console, Slack) or in a typed option (Discord).
    const template = pickTemplate(event, error.query);
    const session = template
      ? await createSession<PickSessionData>(
          deps.db,
          user.id,
          'pick',
          { command, ...template },
          PICK_SESSION_TTL_MS,
          at,
        )
      : null;
    const lines = error.options.map((m) => `• **${titleWithYear(m)}** — ${popularityLine(m)} · \`#${m.id}\``);
    const example = template?.template
      ? `\`/${command} ${template.template.replace('{movie}', `#${error.options[0]!.id}`)}\``
      : '';
    return {
      text: `"${sanitizeEcho(error.query)}" could be several movies. Which one?\n${lines.join('\n')}${example ? `\nPick one below or type e.g. ${example}` : ''}`,
      ephemeral: true,
      actions: session
        ? error.options.map((m) => ({
            id: actionId('pick', session.id, m.id),
            label: titleWithYear(m).slice(0, 80),
          }))
        : [],
      data: {
        outcome: 'user_error',
        error: 'ambiguous-title',
        options: error.options.map((m) => ({ movieId: m.id, title: titleWithYear(m) })),
      },
    };
  }

  return {
    commands: COMMANDS.filter((c) => !c.hidden).map(
      ({ name, description, usage, options, adminOnly, visibility }) => ({
        name,
        description,
        usage,
        options,
        adminOnly,
        visibility,
      }),
    ),

    async handle(event) {
      let replies: Reply[];
      try {
        // Control characters (NUL above all, which Postgres refuses) go before anything reads the event.
        replies = await dispatch(cleanEvent(event));
      } catch (error) {
        replies = errorReplies(deps, event, error);
      }
      // Prompts name commands as typed on the asker's platform (`/movierec search` on Slack).
      const { platform } = event.channel;
      const isCommand = (name: string) => findCommand(name) !== undefined;
      return replies.map((r) => {
        const text = commandsAsTyped(r.text, platform, isCommand);
        return text === r.text ? r : { ...r, text };
      });
    },

    async messagePosted(reply, messageKey, channel) {
      // A movie-night poll's own message: votes and the close edit it from now on.
      if (reply.data?.poll === 'open' && typeof reply.data.pollId === 'string' && !reply.editMessage) {
        await setPollMessageKey(deps.db, reply.data.pollId, messageKey);
      }
      const movieIds = (reply.cards ?? []).map((c) => c.movieId);
      if (movieIds.length === 0) return;
      const sessionId = typeof reply.data?.sessionId === 'string' ? reply.data.sessionId : null;
      const card = { messageKey, tenant: tenantKey(channel.platform, channel.tenant), movieIds, sessionId };
      // The message is already out: without its card row, reactions on it could never rate, so a
      // failed save (a blip of the database) is retried a few times before giving up. Star selects
      // carry the movie id in their action id and never need the card.
      for (let attempt = 0; ; attempt++) {
        try {
          await saveCard(deps.db, card);
          return;
        } catch (error) {
          const delay = CARD_SAVE_RETRY_MS[attempt];
          if (delay === undefined) throw error;
          currentLogger(deps.logger).warn(
            { err: error, attempt: attempt + 1 },
            'saving a card failed; retrying',
          );
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },

    async autocomplete(query) {
      const view = await deps.catalog.current();
      const q = query.slice(0, 100).trim();
      // Nothing typed yet: offer the best-known titles rather than an empty list.
      const movies = q
        ? view.index.autocomplete(q, AUTOCOMPLETE_LIMIT).map((m) => m.entry)
        : popularTitles(view, AUTOCOMPLETE_LIMIT);
      return movies.map((m) => ({ name: titleWithYear(m).slice(0, 100), value: `#${m.id}` }));
    },

    purgeTenant: (platform, tenant) => purgeTenant(deps.db, platform, tenant),
  };
}

/** Where a pick re-run puts the chosen movie: `{movie}` in the text and in typed string options. */
function pickTemplate(
  event: CommandEvent,
  query: string,
): Pick<PickSessionData, 'template' | 'options'> | null {
  const text = (event.text ?? '').trim();
  const options: Record<string, string | number | boolean> = {};
  let found = text.includes(query);
  for (const [name, value] of Object.entries(event.options ?? {})) {
    if (value === undefined) continue;
    if (typeof value === 'string' && value.includes(query)) {
      options[name] = value.replace(query, '{movie}');
      found = true;
    } else options[name] = value;
  }
  if (!found) return null;
  return { template: text.includes(query) ? text.replace(query, '{movie}') : text, options };
}

function commandEventFrom(event: BotEvent): CommandEvent {
  return { id: event.id, actor: event.actor, channel: event.channel, type: 'command', command: '', text: '' };
}

/**
 * A user error becomes an ephemeral friendly reply; anything else is logged and apologised for. Logs go
 * to the request's logger when the event is handled inside a request context (its lines carry the
 * request id), else to the core's.
 */
function errorReplies(deps: BotCoreDeps, event: BotEvent, error: unknown): Reply[] {
  const logger = currentLogger(deps.logger);
  if (isUserError(error)) {
    return [{ text: error.message, ephemeral: true, data: { outcome: 'user_error', error: error.code } }];
  }
  if (
    error instanceof DatabaseUnavailableError ||
    isConnectionError(error) ||
    isConnectionError((error as Error)?.cause)
  ) {
    logger.warn({ err: error, event: describe(event) }, 'database unavailable');
    return [
      {
        text: "I can't reach my database right now. Please try again in a moment.",
        ephemeral: true,
        data: { outcome: 'unavailable' },
      },
    ];
  }
  logger.error({ err: error, event: describe(event) }, 'event failed');
  return [
    {
      text: 'Sorry, something went wrong on my side. Please try again.',
      ephemeral: true,
      data: { outcome: 'error' },
    },
  ];
}

/** Context for logs without message text (it may hold personal data). */
function describe(event: BotEvent) {
  return {
    type: event.type,
    id: event.id,
    user: event.actor.userKey,
    channel: event.channel.key,
    command: event.type === 'command' ? event.command : undefined,
    actionId: event.type === 'action' ? event.actionId : undefined,
    emoji: event.type === 'reaction' ? event.emoji : undefined,
  };
}

const popularCache = new WeakMap<CatalogView, CatalogView['catalog']['list']>();

/** The catalog's best-known movies (src/catalog/popularity.ts), computed once per catalog view. */
function popularTitles(view: CatalogView, n: number) {
  let list = popularCache.get(view);
  if (!list) {
    list = [...view.catalog.list].sort((a, b) => b.popularity - a.popularity || a.id - b.id).slice(0, 25);
    popularCache.set(view, list);
  }
  return list.slice(0, n);
}
