import type { CatalogMovie } from '../../catalog/catalog.ts';
import { createSession, latestSession } from '../../db/store/sessions.ts';
import { defineCommand } from '../context.ts';
import { cardData, movieCard, popularityLine } from '../render.ts';
import type { Reply } from '../types.ts';

/** Quick picks per round. */
export const ONBOARD_PICKS = 6;
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
      return { text: "You've rated all the well-known movies I have. Try `/recommend`!" };
    await createSession(
      ctx.deps.db,
      ctx.user.id,
      'onboard',
      { ids: picks.map((m) => m.id) },
      ONBOARD_SESSION_TTL_MS,
      ctx.now,
    );
    const intro: Reply = {
      text:
        `Let's get to know your taste. Rate the ones you've seen by reacting 1️⃣–5️⃣ (👍 = 4, 👎 = 1.5), or 🚫 to skip; ` +
        `then try \`/recommend\`. ${state.ratings.length > 0 ? `(You have ${state.ratings.length} ratings so far.)` : ''}`.trim(),
      data: { movies: [] as unknown[] },
    };
    const cards = picks.map((m, i) => movieCard(ctx.view, m, { reason: popularityLine(m), rank: i + 1 }));
    (intro.data!.movies as unknown[]).push(...cards.map((c) => cardData(c, ctx.view.movie(c.movieId), null)));
    return [intro, ...cards.map((card) => ({ text: '', cards: [card], rateByReaction: true }))];
  },
});

/** Popular movies whose leading genres and decades vary, in the spirit of MovieLens' onboarding groups. */
export function diversePopular(list: readonly CatalogMovie[], skip: Set<number>, n: number): CatalogMovie[] {
  const ranked = [...list]
    .filter((m) => !skip.has(m.id))
    .sort((a, b) => popularity(b) - popularity(a) || a.id - b.id)
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

function popularity(m: CatalogMovie): number {
  return m.ratingCount + (m.imdbVotes ?? 0) / 1000;
}
