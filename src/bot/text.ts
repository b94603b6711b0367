import { UserError } from '../errors.ts';

/** Longest chat message the core reads; longer ones are refused with a friendly error. */
export const MAX_INPUT_CHARS = 2000;
/** Longest piece of user text echoed back in a reply. */
export const MAX_ECHO_CHARS = 80;

const MASS_MENTION = /@(everyone|here|channel)\b/gi;
/** Discord `<@id>`, `<@!id>`, `<@&role>`, `<#chan>`; Slack `<!here>`, `<!channel>`, `<@U123>`, `<!subteam^…>`. */
const PLATFORM_MENTION = /<[@#!][^>]*>/g;
const CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Makes user text safe to echo: no mass or user mentions, no control characters, one line, at most
 * `max` characters (cut with an ellipsis).
 */
export function sanitizeEcho(text: string, max = MAX_ECHO_CHARS): string {
  const clean = text
    .replace(CONTROL, ' ')
    .replace(PLATFORM_MENTION, '')
    .replace(MASS_MENTION, '@\u200b$1')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Checks a message's length before anything parses it. */
export function checkInputLength(text: string): void {
  if (text.length > MAX_INPUT_CHARS) {
    throw new UserError(
      'too-long',
      `That message is ${text.length.toLocaleString('en')} characters long; please keep it under ${MAX_INPUT_CHARS.toLocaleString('en')}.`,
    );
  }
}

const STAR_CHARS = /^[★⭐]+(½)?$/u;
const NUMERIC = /^(\d+(?:[.,]\d+)?)(?:\/(5|10))?(?:★|⭐)?$/u;

/**
 * Reads stars from a token: `4`, `4.5`, `4,5`, `9/10`, `★★★★`, `⭐⭐⭐½`. Returns the number as
 * written (range is checked by the caller), or null when the token is not a rating.
 */
export function parseStarsToken(token: string): number | null {
  const t = token.trim().replace(/\uFE0F/g, '');
  if (STAR_CHARS.test(t)) {
    const whole = [...t].filter((c) => c === '★' || c === '⭐').length;
    return whole + (t.endsWith('½') ? 0.5 : 0);
  }
  const m = NUMERIC.exec(t);
  if (!m) return null;
  const value = Number(m[1]!.replace(',', '.'));
  return m[2] === '10' ? value / 2 : value;
}

/** Splits `<title> <stars>` (stars last, optionally followed by "stars"). */
export function splitTitleAndStars(text: string): { title: string; stars: number | null } {
  const words = text.trim().split(/\s+/);
  if (words.length > 1 && /^stars?$/i.test(words.at(-1)!)) words.pop();
  const last = words.at(-1);
  const stars = words.length > 1 && last ? parseStarsToken(last) : null;
  return stars === null
    ? { title: words.join(' '), stars: null }
    : { title: words.slice(0, -1).join(' '), stars };
}

/**
 * Formats stars for display: `★★★★½ 4.5`. Drawn to the nearest half star, like ratings, so a
 * prediction of 3.7 reads `★★★½ 3.7` and 3.8 reads `★★★★ 3.8`; the number is shown as given.
 */
export function formatStars(stars: number): string {
  const halves = Math.round(Math.min(5, Math.max(0, stars)) * 2);
  return `${'★'.repeat(Math.floor(halves / 2))}${halves % 2 === 1 ? '½' : ''} ${stars}`;
}
