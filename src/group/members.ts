/**
 * Reads `/movienight` and `/compat` arguments: who is in the group, options, and the free text left
 * over. Pure: whether a plain console name is a known user is the caller's question.
 */
import { UserError } from '../errors.ts';
import { GROUP_STRATEGIES, type GroupStrategy } from './aggregate.ts';

export type MemberToken =
  /** A user key in the caller's tenant (from a mention, a typed key or `@name` in the console). */
  | { kind: 'member'; key: string }
  /** A user key from another platform or tenant: refused. */
  | { kind: 'foreign'; key: string }
  | { kind: 'here' }
  | { kind: 'word'; text: string };

export interface MovieNightArgs {
  tokens: MemberToken[];
  strategy: GroupStrategy | null;
  minutes: number | null;
}

/** Discord `<@123>` / `<@!123>`. */
const DISCORD_MENTION = /^<@!?(\d{1,25})>$/;
/** Slack `<@U123>` / `<@U123|name>`. */
const SLACK_MENTION = /^<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>$/;
const USER_KEY = /^(discord|slack|console):[^\s:]+(?::[^\s:]+)?$/;
const HERE = /^(here|@here|<!here>|<!channel>|@channel|everyone)$/i;
const CONSOLE_NAME = /^@([\p{L}\p{N}_.-]{1,40})$/u;
const STRATEGY_OPTION = /^(?:strategy[:=]|--strategy=?)(.*)$/i;
const MINUTES_OPTION = /^(?:minutes[:=]|--minutes=?|close[:=]|--close=?)(.*)$/i;
/** Hyphenated strategy names are unambiguous enough to accept bare; "average" needs `strategy:`. */
const BARE_STRATEGIES: Record<string, GroupStrategy> = {
  'least-misery': 'least-misery',
  borda: 'borda',
  'average-without-misery': 'average',
};

/** Where the command runs: mentions become user keys in this platform and tenant only. */
export interface Scope {
  platform: 'console' | 'discord' | 'slack';
  tenant: string;
}

/** Splits the command text into member tokens, options and words (the free text, in order). */
export function parseMovieNightArgs(text: string, scope: Scope): MovieNightArgs {
  const raw = text.trim() ? text.trim().split(/\s+/) : [];
  const tokens: MemberToken[] = [];
  let strategy: GroupStrategy | null = null;
  let minutes: number | null = null;
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    const opt = STRATEGY_OPTION.exec(t) ?? MINUTES_OPTION.exec(t);
    if (opt) {
      const value = opt[1] || raw[++i] || '';
      if (STRATEGY_OPTION.test(t)) strategy = parseStrategy(value);
      else minutes = parseMinutes(value);
      if (STRATEGY_OPTION.test(t) ? strategy === null : minutes === null) {
        throw new UserError(
          'bad-option',
          STRATEGY_OPTION.test(t)
            ? 'Strategies are `average` (without misery, the default), `least-misery` and `borda`.'
            : 'Give the voting time in minutes, e.g. `minutes:30`.',
        );
      }
      continue;
    }
    const bare = BARE_STRATEGIES[t.toLowerCase()];
    if (bare) {
      strategy = bare;
      continue;
    }
    tokens.push(classify(t, scope));
  }
  return { tokens, strategy, minutes };
}

/** One token as a member reference, `here`, or a plain word. */
export function classify(token: string, scope: Scope): MemberToken {
  if (HERE.test(token)) return { kind: 'here' };
  const discord = DISCORD_MENTION.exec(token);
  if (discord && scope.platform === 'discord')
    return { kind: 'member', key: `discord:${scope.tenant}:${discord[1]}` };
  const slack = SLACK_MENTION.exec(token);
  if (slack && scope.platform === 'slack')
    return { kind: 'member', key: `slack:${scope.tenant}:${slack[1]}` };
  const at = CONSOLE_NAME.exec(token);
  if (at && scope.platform === 'console') return { kind: 'member', key: `console:${at[1]}` };
  if (USER_KEY.test(token)) {
    return sameTenant(token, scope) ? { kind: 'member', key: token } : { kind: 'foreign', key: token };
  }
  if (DISCORD_MENTION.test(token) || SLACK_MENTION.test(token)) return { kind: 'foreign', key: token };
  return { kind: 'word', text: token };
}

/** True when a namespaced user key belongs to the scope's platform and tenant. */
export function sameTenant(key: string, scope: Scope): boolean {
  const parts = key.split(':');
  if (parts[0] !== scope.platform) return false;
  if (scope.platform === 'console') return parts.length === 2;
  return parts.length === 3 && parts[1] === scope.tenant;
}

/** A strategy name as people type it; throws nothing, null when unknown. */
export function parseStrategy(value: string): GroupStrategy | null {
  const v = value.toLowerCase().replace(/[\s_]+/g, '-');
  if ((GROUP_STRATEGIES as readonly string[]).includes(v)) return v as GroupStrategy;
  if (v === 'misery' || v === 'least') return 'least-misery';
  if (v === 'average-without-misery' || v === 'avg') return 'average';
  return null;
}

function parseMinutes(value: string): number | null {
  const m = /^(\d{1,4})(?:m|min|mins|minutes)?$/i.exec(value);
  return m ? Number(m[1]) : null;
}
