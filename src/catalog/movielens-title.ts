import { moveTrailingArticle } from '../nlp/normalize.ts';

/** A MovieLens title split into its name and release year. */
export interface ParsedTitle {
  /** The title as MovieLens spells it, without the year: `Matrix, The`. */
  title: string;
  /** First release year, or null when the title carries none. */
  year: number | null;
}

/** `(1999)` or a series range `(2006–2007)` / `(2006-)` at the very end of a title. */
const YEAR_SUFFIX = /\s*\((\d{4})(?:\s*[–-]\s*(?:\d{4})?)?\)\s*$/;
const MIN_YEAR = 1870;
const MAX_YEAR = 2100;

/**
 * Splits a MovieLens title into name and year: `Matrix, The (1999)` → `{ title: 'Matrix, The', year: 1999 }`.
 * Parentheses inside the title (alternate titles) stay in it; only a trailing year in parentheses counts,
 * and a range `(2006–2007)` counts as its first year. Surrounding spaces are dropped.
 */
export function parseMovieLensTitle(raw: string): ParsedTitle {
  const trimmed = raw.trim();
  const match = YEAR_SUFFIX.exec(trimmed);
  if (!match) return { title: trimmed, year: null };
  const title = trimmed.slice(0, match.index).trim();
  const year = Number(match[1]);
  // A bare "(1999)" or an implausible number is part of the name, not a year.
  if (title === '' || year < MIN_YEAR || year > MAX_YEAR) return { title: trimmed, year: null };
  return { title, year };
}

/**
 * Turns a MovieLens-style title into the natural form people type and read: `Matrix, The` → `The Matrix`,
 * `City of Lost Children, The (Cité des enfants perdus, La)` → `The City of Lost Children (La Cité des
 * enfants perdus)`. Titles without a moved article come back unchanged.
 */
export function naturalTitle(title: string): string {
  const parts = splitAlternateTitles(title);
  return parts
    .map((part, i) => {
      const inner = i === 0 ? part : part.slice(1, -1);
      const flipped = moveTrailingArticle(inner);
      if (flipped === inner) return part;
      return i === 0 ? flipped : `(${flipped})`;
    })
    .join(' ');
}

/** `Main, The (Alt, La) (a.k.a. X)` → [`Main, The`, `(Alt, La)`, `(a.k.a. X)`]; anything else → [title]. */
function splitAlternateTitles(title: string): string[] {
  const alternates: string[] = [];
  let rest = title;
  for (;;) {
    const match = /\s\(([^()]*)\)$/.exec(rest);
    if (!match) break;
    alternates.unshift(`(${match[1]})`);
    rest = rest.slice(0, match.index);
  }
  return rest === '' ? [title] : [rest, ...alternates];
}
