import { setUserPrefs } from '../../db/store/users.ts';
import { UserError } from '../../errors.ts';
import { describePreferences, parsePreferences } from '../../nlp/parse-preferences.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { sanitizeEcho } from '../text.ts';
import { type StoredPrefs, storedPrefs } from '../user-state.ts';

export default defineCommand({
  name: 'prefs',
  description: 'Say what you like and avoid ("love sci-fi, no horror, nothing before 1970"); `clear` resets',
  usage: '[text | clear]',
  visibility: 'private',
  options: [{ name: 'text', description: 'What you like and avoid, or "clear"', type: 'string' }],
  aliases: ['preferences'],
  async run(ctx) {
    const text = argText(ctx.args, 'text');
    if (!text) {
      const prefs = storedPrefs(ctx.user);
      return {
        text: prefs
          ? `Your preferences: ${describeStored(prefs)}`
          : 'No preferences yet. Try `/prefs love sci-fi and comedies, no horror`.',
        ephemeral: true,
        data: { prefs },
      };
    }
    if (/^(clear|reset|none)$/i.test(text)) {
      await setUserPrefs(ctx.deps.db, ctx.user.id, null);
      return { text: 'Preferences cleared.', ephemeral: true, data: { prefs: null } };
    }
    const parsed = parsePreferences(text, ctx.view.index);
    const prefs: StoredPrefs = {
      text: sanitizeEcho(text, 300),
      likedGenres: parsed.genres.include,
      avoidedGenres: parsed.genres.exclude,
      yearFrom: parsed.yearFrom,
      yearTo: parsed.yearTo,
      people: parsed.people,
      parsed,
    };
    if (
      prefs.likedGenres.length + prefs.avoidedGenres.length + prefs.people.length === 0 &&
      !prefs.yearFrom &&
      !prefs.yearTo
    ) {
      throw new UserError(
        'prefs-not-understood',
        `I couldn't find genres, years or people in "${sanitizeEcho(text)}". Try "love sci-fi, no horror, nothing before 1970".`,
      );
    }
    await setUserPrefs(ctx.deps.db, ctx.user.id, { ...prefs });
    return {
      text: `Got it. ${describePreferences(parsed)}`,
      ephemeral: true,
      data: { prefs: { ...prefs, parsed: undefined }, parsed },
    };
  },
});

/** "likes Comedy, Sci-Fi · avoids Horror · 1970 onwards". */
export function describeStored(p: StoredPrefs): string {
  const parts: string[] = [];
  if (p.likedGenres.length) parts.push(`likes ${p.likedGenres.join(', ')}`);
  if (p.people.length) parts.push(`likes ${p.people.join(', ')}`);
  if (p.avoidedGenres.length) parts.push(`avoids ${p.avoidedGenres.join(', ')}`);
  if (p.yearFrom && p.yearTo) parts.push(`${p.yearFrom}–${p.yearTo}`);
  else if (p.yearFrom) parts.push(`${p.yearFrom} onwards`);
  else if (p.yearTo) parts.push(`up to ${p.yearTo}`);
  return parts.join(' · ') || 'none';
}
