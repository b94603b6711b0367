import type { CatalogMovie } from '../../catalog/catalog.ts';
import { addMark, listMarks, removeMark } from '../../db/store/marks.ts';
import { UserError } from '../../errors.ts';
import { normalizeTitle } from '../../nlp/normalize.ts';
import { actionId } from '../action-ids.ts';
import { argText } from '../command-args.ts';
import { type CommandContext, defineCommand } from '../context.ts';
import { cardData, movieCard, popularityLine, titleWithYear } from '../render.ts';
import { TitleChoiceNeeded } from '../resolve-movie.ts';
import type { Reply } from '../types.ts';

/** Cards shown at once: Discord shows at most 10 embeds in one message. */
const WATCHLIST_SHOWN = 10;
/** Discord and Slack selects offer at most 25 options (100 on Slack; the smaller bound wins). */
const SELECT_OPTIONS_MAX = 25;

const VERBS: Record<string, 'add' | 'remove'> = {
  add: 'add',
  remove: 'remove',
  rm: 'remove',
  delete: 'remove',
  del: 'remove',
};

export default defineCommand({
  name: 'watchlist',
  description: 'Your watchlist; `add <title>` or `remove <title>` to change it',
  usage: '[add|remove <title>]',
  visibility: 'private',
  options: [
    {
      name: 'action',
      description: 'add or remove',
      type: 'string',
      choices: [
        { name: 'add', value: 'add' },
        { name: 'remove', value: 'remove' },
      ],
    },
    { name: 'title', description: 'Movie title', type: 'string', autocomplete: true },
  ],
  aliases: ['wl'],
  // `add Heat`, `remove Heat`, a bare `remove` (which one? the list answers), or just a title to add.
  parseText: (text) => {
    const m = /^(\S+)(?:\s+([\s\S]+))?$/.exec(text);
    const verb = m ? VERBS[m[1]!.toLowerCase()] : undefined;
    if (verb) return { action: verb, title: m![2]?.trim() };
    if (/^(list|show)$/i.test(text)) return {};
    return { title: text };
  },
  async run(ctx) {
    const action = VERBS[argText(ctx.args, 'action').toLowerCase()];
    const title = argText(ctx.args, 'title');
    if (action === 'remove') return title ? remove(ctx, title) : showList(ctx, true);
    if (title) return add(ctx, title);
    if (action === 'add') {
      throw new UserError('missing-title', 'Add which movie? E.g. `/watchlist add Heat`.');
    }
    return showList(ctx, false);
  },
});

async function add(ctx: CommandContext, title: string): Promise<Reply> {
  const movie = ctx.resolveMovie(title);
  const added = await addMark(ctx.deps.db, ctx.user.id, movie.id, 'watchlist');
  return {
    text: added
      ? `Added **${titleWithYear(movie)}** to your watchlist.`
      : `**${titleWithYear(movie)}** is already on your watchlist.`,
    ephemeral: true,
  };
}

/** Removes the movie the user means, looking on their own list first ("Stargate" = the one they have). */
async function remove(ctx: CommandContext, title: string): Promise<Reply> {
  const listed = await watchlistMovies(ctx);
  const movie = onList(ctx, listed, title) ?? ctx.resolveMovie(title);
  const removed = await removeMark(ctx.deps.db, ctx.user.id, movie.id, 'watchlist');
  return {
    text: removed
      ? `Removed **${titleWithYear(movie)}** from your watchlist.`
      : `**${titleWithYear(movie)}** wasn't on your watchlist.`,
    ephemeral: true,
  };
}

/**
 * The movie of the user's list that `query` names: the single list movie whose title has every word of
 * the query; with several, the catalog's own answer when it is one of them, else "which one?" among them.
 */
function onList(ctx: CommandContext, listed: CatalogMovie[], query: string): CatalogMovie | undefined {
  if (/^#\d+$/.test(query.trim())) return undefined;
  const words = normalizeTitle(query).split(' ').filter(Boolean);
  if (words.length === 0) return undefined;
  const hits = listed.filter((m) => {
    const have = new Set(normalizeTitle(m.title).split(' '));
    return words.every((w) => have.has(w));
  });
  if (hits.length <= 1) return hits[0];
  let resolved: CatalogMovie | undefined;
  try {
    resolved = ctx.resolveMovie(query);
  } catch {
    resolved = undefined;
  }
  if (resolved && hits.some((m) => m.id === resolved.id)) return resolved;
  throw new TitleChoiceNeeded(query, hits.slice(0, 5));
}

async function watchlistMovies(ctx: CommandContext): Promise<CatalogMovie[]> {
  const marks = await listMarks(ctx.deps.db, ctx.user.id, 'watchlist');
  return marks.map((mk) => ctx.view.movie(mk.movieId)).filter((m): m is CatalogMovie => m !== undefined);
}

/** The list, with a "remove one" select when the user asked to remove without naming a movie. */
async function showList(ctx: CommandContext, removing: boolean): Promise<Reply> {
  const listed = await watchlistMovies(ctx);
  if (listed.length === 0) {
    return {
      text: 'Your watchlist is empty. Add movies with 🔖 on a card or `/watchlist add <title>`.',
      ephemeral: true,
      data: { movies: [] },
    };
  }
  const cards = listed.slice(0, WATCHLIST_SHOWN).map((mv, i) => ({
    ...movieCard(ctx.view, mv, { reason: popularityLine(mv), rank: i + 1, onWatchlist: true }),
    actions: [],
  }));
  const more = listed.length > WATCHLIST_SHOWN ? ` (showing the first ${WATCHLIST_SHOWN})` : '';
  return {
    text: removing
      ? `Which one should go? Pick it below, or type \`/watchlist remove <title>\`.${more}`
      : `Your watchlist (${listed.length})${more}:`,
    cards,
    ephemeral: true,
    actions: [
      {
        id: removing ? actionId('unwatch') : actionId('card'),
        label: removing ? 'Remove from watchlist…' : 'Pick a movie…',
        options: listed.slice(0, SELECT_OPTIONS_MAX).map((m, i) => ({
          label: `${i + 1}. ${titleWithYear(m)}`.slice(0, 100),
          value: String(m.id),
        })),
      },
    ],
    data: { movies: cards.map((c) => cardData(c, ctx.view.movie(c.movieId), null)) },
  };
}
