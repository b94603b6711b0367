import type { CatalogMovie } from '../../catalog/catalog.ts';
import { createSession, latestSession } from '../../db/store/sessions.ts';
import { actionId } from '../action-ids.ts';
import { defineCommand } from '../context.ts';
import { plural } from '../names.ts';
import { cardData, movieCard, popularityLine, titleWithYear } from '../render.ts';
import { formatStars } from '../text.ts';

/** Quick picks per round: one select each, and Discord allows 5 action rows in a message. */
export const ONBOARD_PICKS = 5;
/** Each pick's menu: stars, then "haven't seen it" and "not interested". */
const STAR_CHOICES = [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5];
/** How far down the popularity list picks may come from. */
const CANDIDATE_POOL = 300;
/** A genre may lead at most this many picks in one round. */
const MAX_PER_GENRE = 2;
const ONBOARD_SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export default defineCommand({
  name: 'onboard',
  description: 'A few well-known movies to rate, so recommendations get personal in a minute',
  usage: '',
  visibility: 'private',
  options: [],
  aliases: ['start'],
  async run(ctx) {
    const state = await ctx.userState();
    const previous = await latestSession<{ ids: number[] }>(ctx.deps.db, ctx.user.id, 'onboard', ctx.now);
    const skip = new Set([
      ...state.ratings.map((r) => r.item),
      ...state.seen,
      ...state.notInterested,
      ...(previous?.data.ids ?? []),
    ]);
    const picks = diversePopular(ctx.view.catalog.list, skip, ONBOARD_PICKS);
    if (picks.length === 0)
      return {
        text: "You've rated all the well-known movies I have. Try `/recommend`!",
        ephemeral: true,
      };
    await createSession(
      ctx.deps.db,
      ctx.user.id,
      'onboard',
      { ids: picks.map((m) => m.id) },
      ONBOARD_SESSION_TTL_MS,
      ctx.now,
    );
    const how =
      ctx.event.channel.platform === 'console'
        ? 'Rate the ones you have seen with `:5 1` … `:1 5` (result number last), or `:no 2` for not interested'
        : 'Rate the ones you have seen with the menus below; 🚫 means not interested. "Haven\'t seen it" leaves a film out';
    const so =
      state.ratings.length > 0 ? ` (You have ${plural(state.ratings.length, 'rating')} so far.)` : '';
    const cards = picks.map((m, i) => ({
      ...movieCard(ctx.view, m, { reason: popularityLine(m), rank: i + 1 }),
      actions: [],
    }));
    // One private message: the films as cards and one menu per film, instead of a message and seven
    // reactions per film in the channel.
    return {
      text: `Let's get to know your taste. ${how}; then try \`/recommend\`.${so} \`/onboard\` again shows ${ONBOARD_PICKS} more.`,
      cards,
      ephemeral: true,
      actions: picks.map((m, i) => ({
        id: actionId('onb', m.id),
        label: `${i + 1}. ${titleWithYear(m)}…`.slice(0, 100),
        options: [
          ...STAR_CHOICES.map((s) => ({ label: formatStars(s), value: String(s) })),
          { label: "Haven't seen it", value: 'skip' },
          { label: '🚫 Not interested', value: 'no' },
        ],
      })),
      data: { movies: cards.map((c) => cardData(c, ctx.view.movie(c.movieId), null)) },
    };
  },
});

/** Popular movies whose leading genres and decades vary, in the spirit of MovieLens' onboarding groups. */
export function diversePopular(list: readonly CatalogMovie[], skip: Set<number>, n: number): CatalogMovie[] {
  const ranked = [...list]
    .filter((m) => !skip.has(m.id))
    .sort((a, b) => b.popularity - a.popularity || a.id - b.id)
    .slice(0, CANDIDATE_POOL);
  const perGenre = new Map<string, number>();
  const decades = new Set<number>();
  const picks: CatalogMovie[] = [];
  for (const pass of [0, 1]) {
    for (const m of ranked) {
      if (picks.length >= n) return picks;
      if (picks.includes(m)) continue;
      const genre = m.genres[0] ?? 'none';
      const decade = m.year ? Math.floor(m.year / 10) : 0;
      if (
        pass === 0 &&
        ((perGenre.get(genre) ?? 0) >= MAX_PER_GENRE || (decades.has(decade) && picks.length < 3))
      )
        continue;
      perGenre.set(genre, (perGenre.get(genre) ?? 0) + 1);
      decades.add(decade);
      picks.push(m);
    }
  }
  return picks;
}
