import type { CatalogMovie } from '../../catalog/catalog.ts';
import { UserError } from '../../errors.ts';
import { parsePreferences } from '../../nlp/parse-preferences.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { cardData, listPage, movieCard, popularityLine } from '../render.ts';
import { sanitizeEcho } from '../text.ts';

const SEARCH_LIMIT = 10;

export default defineCommand({
  name: 'search',
  description: 'Find movies by title words, genre, year or person',
  usage: '<words>',
  visibility: 'private',
  options: [
    { name: 'words', description: 'Title words, a genre, a year or a name', type: 'string', required: true },
  ],
  aliases: ['find'],
  async run(ctx) {
    const words = argText(ctx.args, 'words');
    if (!words)
      throw new UserError('missing-words', 'Search for what? Try `/search nolan` or `/search 1990s comedy`.');
    const hits = new Map<number, CatalogMovie>();
    for (const m of ctx.view.index.search(words, SEARCH_LIMIT)) {
      const movie = ctx.view.movie(m.entry.id);
      if (movie && m.score >= 0.5) hits.set(movie.id, movie);
    }
    const parsed = parsePreferences(words, ctx.view.index);
    const people = new Set(parsed.people.map((p) => p.toLowerCase()));
    const genres = parsed.genres.include;
    const hasFacets =
      people.size > 0 || genres.length > 0 || parsed.yearFrom !== null || parsed.yearTo !== null;
    if (hasFacets) {
      const facetHits = ctx.view.catalog.list
        .filter(
          (m) =>
            (people.size === 0 ||
              [...m.directors, ...m.cast, ...m.writers].some((p) => people.has(p.toLowerCase()))) &&
            genres.every((g) => m.genres.includes(g)) &&
            (parsed.yearFrom === null || (m.year !== null && m.year >= parsed.yearFrom)) &&
            (parsed.yearTo === null || (m.year !== null && m.year <= parsed.yearTo)),
        )
        .sort((a, b) => b.popularity - a.popularity);
      for (const m of facetHits) {
        if (hits.size >= SEARCH_LIMIT) break;
        hits.set(m.id, m);
      }
    }
    const found = [...hits.values()].slice(0, SEARCH_LIMIT);
    if (found.length === 0) {
      return {
        text: `Nothing matches "${sanitizeEcho(words)}". Try fewer or different words.`,
        ephemeral: true,
      };
    }
    const { cards, pick } = listPage(
      found.map((m, i) => movieCard(ctx.view, m, { reason: popularityLine(m), rank: i + 1 })),
    );
    return {
      text: `Results for "${sanitizeEcho(words)}":`,
      cards,
      actions: [pick],
      ephemeral: true,
      data: { movies: cards.map((c) => cardData(c, ctx.view.movie(c.movieId), null)), parsed },
    };
  },
});
