import { addMark, removeMark } from '../db/store/marks.ts';
import { upsertRating } from '../db/store/ratings.ts';
import { deleteSession, getSession, sessionOwner } from '../db/store/sessions.ts';
import { UserError } from '../errors.ts';
import { parseActionId } from './action-ids.ts';
import type { ActionContext } from './context.ts';
import { forgetNow } from './forget.ts';
import { movieDetail, onboardChoice } from './movie-detail.ts';
import { CHAT_PAGE_SIZE, type MoreButton, moreCommand } from './recommend-list.ts';
import { titleWithYear } from './render.ts';
import { formatStars, parseStarsToken } from './text.ts';
import type { Reply } from './types.ts';

/**
 * Pending "which one did you mean?" choice: the command to re-run with the chosen movie in place of
 * `{movie}`, in its text and in its typed options.
 */
export interface PickSessionData extends Record<string, unknown> {
  command: string;
  template: string;
  options?: Record<string, string | number | boolean>;
}

const EXPIRED: Reply = { text: 'That button has expired. Run the command again.', ephemeral: true };
const NOT_YOURS: Reply = {
  text: "That button belongs to someone else's request, so I left it alone. Run the command yourself to get your own.",
  ephemeral: true,
  data: { outcome: 'user_error', error: 'not-your-session' },
};
/**
 * Verbs whose first argument is a session id: only the session's owner may use them. `more` is not
 * among them: anyone may press More on a list in a channel and gets their own private continuation
 * (moreCommand copies the list without its owner's personal parts; the owner's session is untouched).
 */
const SESSION_VERBS = new Set(['pick', 'forget', 'cancel']);

/** Handles a button press or select choice on one of the core's components. */
export async function handleAction(ctx: ActionContext): Promise<Reply[]> {
  const parsed = parseActionId(ctx.event.actionId);
  if (!parsed)
    throw new UserError('unknown-action', "I don't know that button any more. Try the command again.");
  const { verb, args } = parsed;
  // Buttons on public or shared messages can be pressed by anyone: a session is its owner's alone.
  if (SESSION_VERBS.has(verb) && args[0]) {
    const owner = await sessionOwner(ctx.deps.db, args[0]);
    if (owner !== undefined && owner !== ctx.user.id) return [NOT_YOURS];
  }
  // Buttons carry the movie in their id; selects ("pick a movie", "remove one") in the chosen value.
  const movieOf = () => {
    const movie = ctx.view.movie(Number(args[0] ?? ctx.event.value));
    if (!movie) throw new UserError('unknown-movie', 'That movie is no longer in the catalog.');
    return movie;
  };
  switch (verb) {
    case 'seen': {
      const movie = movieOf();
      await addMark(ctx.deps.db, ctx.user.id, movie.id, 'seen');
      return [{ text: `Marked **${titleWithYear(movie)}** as seen.`, ephemeral: true }];
    }
    case 'no': {
      const movie = movieOf();
      await addMark(ctx.deps.db, ctx.user.id, movie.id, 'not_interested');
      return [{ text: `Got it: no more **${titleWithYear(movie)}**.`, ephemeral: true }];
    }
    case 'watch': {
      const movie = movieOf();
      await addMark(ctx.deps.db, ctx.user.id, movie.id, 'watchlist');
      return [{ text: `Added **${titleWithYear(movie)}** to your watchlist.`, ephemeral: true }];
    }
    case 'unwatch': {
      const movie = movieOf();
      await removeMark(ctx.deps.db, ctx.user.id, movie.id, 'watchlist');
      return [{ text: `Removed **${titleWithYear(movie)}** from your watchlist.`, ephemeral: true }];
    }
    case 'rate': {
      const movie = movieOf();
      const stars = parseStarsToken(ctx.event.value ?? '');
      if (stars === null) throw new UserError('bad-stars', 'Pick a number of stars from 0.5 to 5.');
      await upsertRating(ctx.deps.db, ctx.user.id, movie.id, stars, 'button');
      return [{ text: `Rated **${titleWithYear(movie)}** ${formatStars(stars)}.`, ephemeral: true }];
    }
    case 'card':
      return [await movieDetail(ctx, movieOf())];
    case 'onb':
      return [await onboardChoice(ctx, movieOf(), ctx.event.value ?? '')];
    case 'more':
      return [await moreCommand(ctx, CHAT_PAGE_SIZE, moreButton(args))];
    case 'pick': {
      const session = await getSession<PickSessionData>(ctx.deps.db, args[0] ?? '', ctx.user.id, ctx.now);
      if (!session) return [EXPIRED];
      await deleteSession(ctx.deps.db, session.id);
      const chosen = `#${Number(args[1])}`;
      const options = session.data.options
        ? Object.fromEntries(
            Object.entries(session.data.options).map(([k, v]) => [
              k,
              typeof v === 'string' ? v.replace('{movie}', chosen) : v,
            ]),
          )
        : undefined;
      return ctx.run(session.data.command, session.data.template.replace('{movie}', chosen), options);
    }
    case 'forget': {
      const session = await getSession(ctx.deps.db, args[0] ?? '', ctx.user.id, ctx.now);
      if (!session) return [EXPIRED];
      // `mr:forget:<session>:all` is the linked account's "All linked accounts" button.
      const scope = args[1] === 'all' ? 'profile' : 'account';
      return [await forgetNow(ctx.deps, ctx.user.externalId, scope, ctx.user.profileId !== null)];
    }
    case 'vote':
      // Movie-night poll buttons carry `<poll id>:<pick number>`; `/vote` does the rest.
      return ctx.run('vote', `${args[0] ?? ''} ${args[1] ?? ''}`);
    case 'cancel': {
      await deleteSession(ctx.deps.db, args[0] ?? '', ctx.user.id);
      return [{ text: 'Cancelled. Nothing was changed.', ephemeral: true }];
    }
    default:
      throw new UserError('unknown-action', "I don't know that button any more. Try the command again.");
  }
}

/** A "More" button's `<session>[:<cursor>:<shown>]` (older buttons carry the session only). */
function moreButton(args: string[]): MoreButton {
  const [sessionId = '', cursor, shown] = args;
  const n = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  return { sessionId, cursor: n(cursor), shown: n(shown) };
}
