import { issueLinkCode, LINK_CODE_TTL_MS, linkedAccounts, redeemLinkCode } from '../../db/store/links.ts';
import { type RateBucket, takeRequestToken } from '../../db/store/request-gate.ts';
import type { UserRow } from '../../db/store/users.ts';
import { UserError } from '../../errors.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { slash } from '../platform-text.ts';
import type { Platform } from '../types.ts';

/**
 * Code guesses per account: 5 tries per 10 minutes (a token bucket of its own, apart from the command
 * limit). With 31^8 possible codes, each live for 10 minutes, an account guesses one in about 10^11 tries.
 */
export const LINK_GUESS_BUCKET: RateBucket = { name: 'link', limit: 5, windowMs: 10 * 60 * 1000 };

const PLATFORM_NAMES: Record<string, string> = { discord: 'Discord', slack: 'Slack', console: 'console' };

/** "your Slack account (Ana)": what the person would call their other account; no ids. */
export function accountLabel(u: Pick<UserRow, 'platform' | 'tenant' | 'displayName' | 'externalId'>): string {
  const platform = PLATFORM_NAMES[u.platform] ?? u.platform;
  if (u.platform === 'console') return `the console user "${u.externalId.slice('console:'.length)}"`;
  const where = u.platform === 'discord' ? (u.tenant === 'dm' ? ' (direct messages)' : '') : '';
  return `your ${platform} account${where}${u.displayName ? ` (${u.displayName})` : ''}`;
}

/** How to type `/link <code>` on every platform. */
function redeemHow(code: string): string {
  const on = (p: Platform) => `\`${slash(p, 'link', code)}\``;
  return `Discord ${on('discord')} · Slack ${on('slack')} · console ${on('console')}`;
}

const REFUSALS = {
  malformed: (p: Platform) =>
    `That doesn't look like a link code: codes are 8 letters and digits, like \`ABCD-2345\`. Make a new one with \`${slash(p, 'link')}\` on your other account.`,
  unknown: (p: Platform) =>
    `That code isn't valid: check it for typos, or make a new one with \`${slash(p, 'link')}\` on your other account. Nothing was linked.`,
  expired: (p: Platform) =>
    `That code has expired (codes last ${LINK_CODE_TTL_MS / 60_000} minutes). Make a new one with \`${slash(p, 'link')}\` on your other account. Nothing was linked.`,
  used: (p: Platform) =>
    `That code was already used; each code works once. Make a new one with \`${slash(p, 'link')}\` on your other account.`,
  'own-code': () =>
    'That code was made on this account: type it on your *other* account (the one you want to link with this one). The code still works there.',
  'same-tenant': () =>
    "Both accounts are in the same server or workspace, so they belong to two different people: I only link one person's accounts on different platforms or servers. Nothing was linked.",
  'already-linked': () => 'These two accounts are already linked: they share one profile. Nothing changed.',
} as const;

export default defineCommand({
  name: 'link',
  description: 'Share one profile across platforms: get a code here, type it on your other account',
  usage: '[code]',
  visibility: 'private',
  options: [
    {
      name: 'code',
      description: 'The code /link gave you on your other account (leave empty to get a code)',
      type: 'string',
    },
  ],
  async run(ctx) {
    const platform = ctx.event.channel.platform;
    const code = argText(ctx.args, 'code');
    if (!code) {
      const { code: issued } = await issueLinkCode(ctx.deps.db, ctx.user.id, ctx.now);
      const others = (await linkedAccounts(ctx.deps.db, ctx.user.id)).filter((u) => u.id !== ctx.user.id);
      return {
        text: [
          `Your link code: **${issued}**`,
          `Type it on your other account within ${LINK_CODE_TTL_MS / 60_000} minutes: ${redeemHow(issued)}.`,
          'It works once. Keep it to yourself: whoever types it shares your ratings, watchlist and preferences.',
          'Once linked, both accounts share ratings, seen / not interested / watchlist and preferences; where both rated a film, the newer rating wins.',
          others.length ? `Already linked with ${others.map(accountLabel).join(', ')}.` : '',
        ]
          .filter(Boolean)
          .join('\n'),
        ephemeral: true,
        // The code is in the text for the person only; `ask --json` and tests read it here.
        data: { linkCode: issued, linkedWith: others.length },
      };
    }
    const gate = await takeRequestToken(ctx.deps.db, { id: ctx.user.id }, LINK_GUESS_BUCKET, ctx.now);
    if (gate && !gate.allowed) {
      const minutes = Math.max(1, Math.ceil(gate.retryAfterMs / 60_000));
      throw new UserError(
        'link-rate-limited',
        `Too many link codes tried from this account. Wait ${minutes} min and try again; nothing was linked.`,
      );
    }
    const result = await redeemLinkCode(ctx.deps.db, ctx.user.id, code, ctx.now);
    if (!result.ok) throw new UserError(`link-${result.reason}`, REFUSALS[result.reason](platform));
    const s = result.summary;
    const conflicts = s.ratedOnBoth
      ? ` ${s.ratedOnBoth} film${s.ratedOnBoth === 1 ? ' was' : 's were'} rated on both; the newer rating was kept.`
      : '';
    return {
      text: [
        `**Linked** with ${accountLabel(s.issuer)}. Both accounts now share one profile: ratings (${s.ratings} so far), watchlist, seen and not-interested marks, preferences and region.${conflicts}`,
        `Recommendations on either account use all of it from now on. \`${slash(platform, 'unlink')}\` separates them again; \`${slash(platform, 'forget-me')}\` asks whether to delete this account or all linked ones.`,
      ].join('\n'),
      ephemeral: true,
      data: {
        linked: true,
        ratings: s.ratings,
        ratedOnBoth: s.ratedOnBoth,
        redeemerNewer: s.redeemerNewer,
        accounts: s.accounts.length,
      },
    };
  },
});
