import { GENRE_DISPLAY } from './lexicon.ts';
import { titleAliases } from './normalize.ts';
import type { ParsedPreferences } from './types.ts';

/** Longest description returned; a chat reply shows it on one line. */
export const MAX_DESCRIPTION_CHARS = 300;
const SEPARATOR = ' · ';

/** How a MovieLens genre name reads in a reply: "Sci-Fi" → "sci-fi", "Children" → "family". */
export function displayGenre(genre: string): string {
  return GENRE_DISPLAY[genre] ?? genre.toLowerCase();
}

/** "1990–1999", "1999", "from 2010", "up to 1979". */
export function describeRange(min: number | null, max: number | null, unit = ''): string | null {
  if (min !== null && max !== null) return min === max ? `${min}${unit}` : `${min}–${max}${unit}`;
  if (min !== null) return `from ${min}${unit}`;
  if (max !== null) return `up to ${max}${unit}`;
  return null;
}

function describeRuntime(min: number | null, max: number | null): string | null {
  if (min !== null && max !== null) return `${min}–${max} min`;
  if (max !== null) return `at most ${max} min`;
  if (min !== null) return `at least ${min} min`;
  return null;
}

/**
 * One short line saying how a request was understood, e.g.
 * "Looking for: comedy, sci-fi · 1990–1999 · like Alien · without horror".
 */
export function describePreferences(p: ParsedPreferences): string {
  const parts: string[] = [];
  if (p.genres.include.length > 0) parts.push(p.genres.include.map(displayGenre).join(', '));
  const years = describeRange(p.yearFrom, p.yearTo);
  if (years) parts.push(years);
  const runtime = describeRuntime(p.minRuntime, p.maxRuntime);
  if (runtime) parts.push(runtime);
  if (p.similarTo.length > 0)
    parts.push(`like ${p.similarTo.map((m) => titleAliases(m.title)[0]).join(', ')}`);
  if (p.people.length > 0) parts.push(`with ${p.people.join(', ')}`);
  // Stems ("comedi", "robert") are for matching only; a parse stored before keywordWords existed shows none.
  const words = p.keywordWords ?? [];
  if (words.length > 0) parts.push(`about ${words.join(', ')}`);
  if (p.genres.exclude.length > 0) parts.push(`without ${p.genres.exclude.map(displayGenre).join(', ')}`);
  const line = `Looking for: ${parts.length > 0 ? parts.join(SEPARATOR) : 'anything you might like'}`;
  return line.length <= MAX_DESCRIPTION_CHARS ? line : `${line.slice(0, MAX_DESCRIPTION_CHARS - 1)}…`;
}
