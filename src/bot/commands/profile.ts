import { listMarks } from '../../db/store/marks.ts';
import { listUserRatings, type UserRatingRow } from '../../db/store/ratings.ts';
import type { CatalogView } from '../catalog-view.ts';
import { defineCommand } from '../context.ts';
import { titleWithYear } from '../render.ts';
import { formatStars } from '../text.ts';
import { storedPrefs } from '../user-state.ts';
import { describeStored } from './prefs.ts';

const TOP_SHOWN = 3;
const RECENT_SHOWN = 5;
/** Ratings are centred on this, so a 2★ counts against a genre and a 5★ for it. */
const NEUTRAL_STARS = 3;

export default defineCommand({
  name: 'profile',
  description: 'What I think you like, and your recent ratings',
  usage: '',
  visibility: 'private',
  options: [],
  aliases: ['me'],
  async run(ctx) {
    const [ratings, marks] = await Promise.all([
      listUserRatings(ctx.deps.db, ctx.user.id),
      listMarks(ctx.deps.db, ctx.user.id),
    ]);
    const prefs = storedPrefs(ctx.user);
    if (ratings.length === 0) {
      return {
        text: `You haven't rated anything yet. \`/onboard\` gets you started in a minute.${prefs ? `\nPreferences: ${describeStored(prefs)}` : ''}`,
        ephemeral: true,
        data: { ratingCount: 0, prefs },
      };
    }
    const taste = tasteOf(ctx.view, ratings);
    const mean = ratings.reduce((s, r) => s + r.rating, 0) / ratings.length;
    const count = (k: string) => marks.filter((m) => m.kind === k).length;
    const lines = [
      `**Your taste** — ${summary(taste, mean)}`,
      `Ratings: ${ratings.length} (average ${mean.toFixed(1)}★) · watchlist ${count('watchlist')} · seen ${count('seen')} · not interested ${count('not_interested')}`,
      taste.genres.length ? `Top genres: ${taste.genres.join(', ')}` : '',
      taste.people.length ? `People: ${taste.people.join(', ')}` : '',
      taste.decades.length ? `Decades: ${taste.decades.join(', ')}` : '',
      prefs ? `Preferences: ${describeStored(prefs)}` : '',
      'Recent ratings:',
      ...ratings.slice(0, RECENT_SHOWN).map((r) => `• ${titleWithYear(r)} — ${formatStars(r.rating)}`),
    ].filter(Boolean);
    return {
      text: lines.join('\n'),
      ephemeral: true,
      data: {
        ratingCount: ratings.length,
        averageRating: mean,
        topGenres: taste.genres,
        people: taste.people,
        decades: taste.decades,
        recent: ratings
          .slice(0, RECENT_SHOWN)
          .map((r) => ({ movieId: r.movieId, title: r.title, rating: r.rating })),
        prefs,
      },
    };
  },
});

interface Taste {
  genres: string[];
  people: string[];
  decades: string[];
}

/** Genres, people and decades ranked by how far above neutral the user rated them. */
function tasteOf(view: CatalogView, ratings: UserRatingRow[]): Taste {
  const genres = new Map<string, number>();
  const people = new Map<string, number>();
  const decades = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, w: number) => map.set(key, (map.get(key) ?? 0) + w);
  for (const r of ratings) {
    const movie = view.movie(r.movieId);
    if (!movie) continue;
    const w = r.rating - NEUTRAL_STARS;
    for (const g of movie.genres) add(genres, g, w);
    for (const p of [...movie.directors, ...movie.cast.slice(0, 3)]) add(people, p, w);
    if (movie.year) add(decades, `${Math.floor(movie.year / 10) * 10}s`, w);
  }
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .filter(([, w]) => w > 0)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, TOP_SHOWN)
      .map(([k]) => k);
  return { genres: top(genres), people: top(people), decades: top(decades) };
}

function summary(t: Taste, mean: number): string {
  const mood = mean >= 4 ? 'generous with stars' : mean <= 2.5 ? 'a tough critic' : 'a balanced rater';
  const what = t.genres.length
    ? `a fan of ${t.genres.slice(0, 2).join(' and ').toLowerCase()}`
    : 'still exploring';
  const when = t.decades[0] ? `, especially from the ${t.decades[0]}` : '';
  return `${what}${when}; ${mood}.`;
}
