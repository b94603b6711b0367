import { STAR_COUNT_EMOJI } from '../db/store/reactions.ts';
import { REACTION_STARS } from './types.ts';

/** Platform short names of the star-family emoji, mapped to their canonical Unicode form. */
const STAR_NAMES: Record<string, string> = {
  star: '⭐',
  star2: '🌟',
  sparkles: '✨',
  dizzy: '💫',
  stars: '🌠',
};

const WATCHLIST_EMOJI = new Set(['🔖', 'bookmark']);
const NOT_INTERESTED_EMOJI = new Set(['🚫', 'no_entry_sign']);

/** What a reaction means to the core. */
export type ReactionMeaning =
  | { kind: 'stars'; stars: number; emoji: string }
  | { kind: 'star-count'; emoji: string }
  | { kind: 'watchlist' }
  | { kind: 'not-interested' }
  | { kind: 'none' };

/**
 * Interprets an emoji (Unicode, with or without variation selector, or a short name without colons):
 * 1️⃣–5️⃣, 👍 = 4, 👎 = 1.5 per {@link REACTION_STARS}; each star-family emoji (⭐ 🌟 ✨ 💫 🌠) counts
 * one star; 🔖 watchlist; 🚫 not interested.
 */
export function reactionMeaning(emoji: string): ReactionMeaning {
  const raw = emoji.trim().replace(/^:|:$/g, '');
  const bare = raw.replace(/\uFE0F/g, '');
  const name = raw.toLowerCase();
  const stars = REACTION_STARS[raw] ?? REACTION_STARS[name] ?? starsOfKeycap(bare);
  if (stars !== undefined) return { kind: 'stars', stars, emoji: canonicalStarsEmoji(stars, raw) };
  const star = STAR_NAMES[name] ?? (STAR_COUNT_EMOJI.includes(bare) ? bare : undefined);
  if (star) return { kind: 'star-count', emoji: star };
  if (WATCHLIST_EMOJI.has(bare) || WATCHLIST_EMOJI.has(name)) return { kind: 'watchlist' };
  if (NOT_INTERESTED_EMOJI.has(bare) || NOT_INTERESTED_EMOJI.has(name)) return { kind: 'not-interested' };
  return { kind: 'none' };
}

/** Keycaps arrive as `1⃣` without the variation selector from some clients. */
function starsOfKeycap(bare: string): number | undefined {
  const m = /^([1-5])\u20E3$/.exec(bare);
  return m ? Number(m[1]) : undefined;
}

/** One key per meaning, so `one` and `1️⃣` are the same reaction in storage. */
function canonicalStarsEmoji(stars: number, raw: string): string {
  if (['👍', '+1', 'thumbsup'].includes(raw.toLowerCase())) return '👍';
  if (['👎', '-1', 'thumbsdown'].includes(raw.toLowerCase())) return '👎';
  return `${stars}\uFE0F\u20E3`;
}

/** The reactions a rate-by-reaction card offers, in order. */
export const RATING_REACTIONS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '🔖', '🚫'];

/** Human-readable mapping for /help and the README. */
export const REACTION_HELP =
  'React on a single-movie card: 1️⃣–5️⃣ = 1–5 stars, 👍 = 4, 👎 = 1.5, and each star emoji (⭐ 🌟 ✨ 💫 🌠) counts one star; ' +
  '🔖 adds to your watchlist, 🚫 = not interested. Removing the reaction undoes it.';
