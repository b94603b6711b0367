import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import { setUserRegion } from '../../db/store/users.ts';
import { UserError } from '../../errors.ts';
import { DEFAULT_REGION } from '../../tmdb/index.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { sanitizeEcho } from '../text.ts';

countries.registerLocale(en);

const ALPHA2 = /^[A-Za-z]{2}$/;

/** The English name of an ISO 3166-1 alpha-2 code, or null when it is not an assigned code. */
export function regionName(code: string): string | null {
  if (!ALPHA2.test(code) || !countries.isValid(code)) return null;
  return countries.getName(code.toUpperCase(), 'en') ?? null;
}

/** A country code from what people type: `DE`, `de`, `Germany`, `germany`, `United Kingdom`. */
export function regionCode(input: string): string | null {
  const t = input.trim();
  if (ALPHA2.test(t)) return countries.isValid(t) ? t.toUpperCase() : null;
  const wanted = t.toLowerCase();
  const names = countries.getNames('en', { select: 'all' }) as Record<string, string[]>;
  for (const [code, list] of Object.entries(names)) {
    if (list.some((n) => n.toLowerCase() === wanted)) return code;
  }
  return null;
}

export default defineCommand({
  name: 'region',
  description:
    'Your country, for where-to-watch on cards (a name or two letters: Germany, US, GB); `clear` resets',
  usage: '[country | clear]',
  visibility: 'private',
  options: [{ name: 'code', description: 'Country name or code, e.g. Germany or DE', type: 'string' }],
  aliases: ['country'],
  async run(ctx) {
    const code = argText(ctx.args, 'code');
    if (!code) {
      const current = ctx.user.region;
      return {
        text: current
          ? `Your region is ${current} (${regionName(current) ?? current}).`
          : `No region set, so where-to-watch uses ${DEFAULT_REGION}. Set yours with \`/region DE\`.`,
        ephemeral: true,
        data: { region: current },
      };
    }
    if (/^(clear|reset|none)$/i.test(code)) {
      await setUserRegion(ctx.deps.db, ctx.user.id, null);
      return {
        text: `Region cleared; where-to-watch uses ${DEFAULT_REGION}.`,
        ephemeral: true,
        data: { region: null },
      };
    }
    const region = regionCode(code);
    const name = region ? regionName(region) : null;
    if (!region || !name) {
      throw new UserError(
        'bad-region',
        `"${sanitizeEcho(code, 40)}" is not a country I know. Use its name or two letters, e.g. \`/region Germany\` or \`/region GB\`.`,
      );
    }
    await setUserRegion(ctx.deps.db, ctx.user.id, region);
    return { text: `Region set to ${region} (${name}).`, ephemeral: true, data: { region } };
  },
});
