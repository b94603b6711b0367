import type { UserRow } from '../db/store/users.ts';
import { sanitizeEcho } from './text.ts';

/**
 * How a reply names a person: their display name, else a platform mention (Discord and Slack render
 * `<@id>` as the member's name), else the console name.
 */
export function personName(user: Pick<UserRow, 'displayName' | 'externalId'>): string {
  if (user.displayName) return sanitizeEcho(user.displayName, 40);
  const [platform, , id] = user.externalId.split(':');
  return platform === 'console' ? user.externalId.slice('console:'.length) : `<@${id}>`;
}

/** "1 rating", "2 ratings": one place for plural words, so no reply says "1 ratings". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? word : pluralWord}`;
}

/** "both of you", "all 3 of you", "you": for a group addressed together. */
export function allOfYou(n: number): string {
  return n <= 1 ? 'you' : n === 2 ? 'both of you' : `all ${n} of you`;
}
