import type { CatalogMovie } from '../catalog/catalog.ts';
import { UserError } from '../errors.ts';
import type { CatalogView } from './catalog-view.ts';
import { displayTitle, titleWithYear } from './render.ts';
import { sanitizeEcho } from './text.ts';

/** Raised when a title matches several movies equally well: the core asks which one. */
export class TitleChoiceNeeded extends Error {
  override name = 'TitleChoiceNeeded';
  constructor(
    readonly query: string,
    readonly options: CatalogMovie[],
  ) {
    super(`"${query}" matches ${options.length} movies`);
  }
}

const MAX_CHOICES = 5;
const MAX_SUGGESTIONS = 3;

/**
 * The movie a user means by `query`: `#<id>` picks by id; otherwise the title index decides. Unknown
 * titles raise a UserError suggesting close matches; ambiguous ones raise {@link TitleChoiceNeeded}.
 */
export function resolveMovie(view: CatalogView, query: string): CatalogMovie {
  const q = query.trim();
  if (q === '') throw new UserError('missing-title', 'Which movie? Add a title, e.g. `/movie Heat`.');
  const byId = /^#(\d+)$/.exec(q);
  if (byId) {
    const movie = view.movie(Number(byId[1]));
    if (!movie) throw new UserError('unknown-movie-id', `There is no movie #${byId[1]} in the catalog.`);
    return movie;
  }
  // "Heat" means Heat and "The Heat" means The Heat: one title spelled exactly as typed (article included)
  // wins over matches the index treats as equal because it ignores articles.
  const typed = q.toLowerCase().replace(/\s+/g, ' ');
  const literal = view.index
    .exact(q)
    .map((m) => view.movie(m.entry.id))
    .filter((m): m is CatalogMovie => m !== undefined && displayTitle(m).toLowerCase() === typed);
  if (literal.length === 1) return literal[0]!;
  const result = view.index.resolve(q);
  if (result.kind === 'found') return view.movie(result.match.entry.id)!;
  if (result.kind === 'ambiguous') {
    const options = result.options
      .map((o) => view.movie(o.entry.id))
      .filter((m): m is CatalogMovie => m !== undefined)
      .slice(0, MAX_CHOICES);
    if (options.length === 1) return options[0]!;
    throw new TitleChoiceNeeded(q, options);
  }
  const suggestions = result.suggestions
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => view.movie(s.entry.id))
    .filter((m): m is CatalogMovie => m !== undefined)
    .map((m) => `**${titleWithYear(m)}**`);
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.join(', ')}?`
      : ' Try `/search` with a word from the title.';
  throw new UserError('unknown-title', `I couldn't find "${sanitizeEcho(q)}".${hint}`);
}
