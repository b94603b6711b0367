/**
 * Turns a chat message into normalised words. natural's WordTokenizer is not used here: it splits "sci-fi"
 * and "80's" and drops the clause punctuation that ends a negation ("no horror, comedies").
 */

/** Characters of a request looked at; the rest is ignored (Discord allows 6,000). */
export const MAX_REQUEST_CHARS = 2_000;
/** Words of a request parsed; bounds the work on long or hostile input. */
export const MAX_REQUEST_TOKENS = 160;

/** A normalised word, number or clause break (`,`). */
export type RequestToken = string;
export const CLAUSE_BREAK: RequestToken = ',';

const DISCORD_MARKUP = /<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|<t:\d+(?::\w)?>|@(?:everyone|here)\b/g;
const SLACK_MARKUP = /<[@#!][^>]*>/g;
const URLS = /\b(?:https?:\/\/|www\.)\S+/gi;
const CONTROL_CHARS = /[\p{Cc}\p{Cf}]+/gu;
const COMBINING_MARKS = /\p{M}+/gu;
const APOSTROPHES = /['’`´]/g;
/** Number followed by a unit, written together: "90min", "2h", "1h30". */
const GLUED_DURATION = /^(\d+(?:\.\d+)?)(h|hr|hrs|hour|hours|m|min|mins|minute|minutes)(\d+)?$/;
const TOKEN = /\d+\.\d+|[\p{L}\p{N}]+|[,;.!?:()\n]|\s[-‐–—]\s|[-‐–—]/gu;

/**
 * Splits a request into tokens: lower-case words without accents, numbers ("1.5" kept whole), `,` for any
 * clause punctuation, `to` for a dash between numbers ("1995-2005"). Mentions, custom emoji, links, control
 * characters and markdown are dropped. Never throws; at most {@link MAX_REQUEST_TOKENS} tokens.
 */
export function tokenizeRequest(text: unknown): RequestToken[] {
  if (typeof text !== 'string' || text === '') return [];
  const clean = text
    .slice(0, MAX_REQUEST_CHARS)
    .replace(DISCORD_MARKUP, ' ')
    .replace(SLACK_MARKUP, ' ')
    .replace(URLS, ' ')
    .replace(CONTROL_CHARS, ' ')
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(/&/g, ' and ');
  const tokens: RequestToken[] = [];
  for (const match of clean.matchAll(TOKEN)) {
    if (tokens.length >= MAX_REQUEST_TOKENS) break;
    const raw = match[0];
    if (/^[,;.!?:()\n]$/.test(raw)) {
      if (tokens.length > 0 && tokens.at(-1) !== CLAUSE_BREAK) tokens.push(CLAUSE_BREAK);
      continue;
    }
    if (/[-‐–—]/.test(raw)) {
      // "1995-2005" is a range; "sci-fi" is two words of one phrase; a spaced dash " - " ends a clause.
      const previous = tokens.at(-1) ?? '';
      const next = clean.slice((match.index ?? 0) + raw.length).trimStart();
      if (/^\d{2,4}s?$/.test(previous) && /^\d/.test(next)) tokens.push('to');
      else if (raw.length > 1 && tokens.length > 0 && previous !== CLAUSE_BREAK) tokens.push(CLAUSE_BREAK);
      continue;
    }
    const glued = GLUED_DURATION.exec(raw);
    if (glued) {
      tokens.push(glued[1]!, glued[2]!);
      if (glued[3]) tokens.push(glued[3]);
      continue;
    }
    tokens.push(raw);
  }
  while (tokens.at(-1) === CLAUSE_BREAK) tokens.pop();
  return tokens;
}
