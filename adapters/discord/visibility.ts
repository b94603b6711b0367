import type { CommandSpecInfo } from '../../src/bot/types.ts';

/**
 * Until every command carries {@link CommandSpecInfo.visibility}: which commands usually answer only the
 * asker. Used only to choose the visibility of a deferral (the slow path); an answer ready in time is
 * sent with its own flags.
 */
const USUALLY_PRIVATE = new Set([
  'rate',
  'seen',
  'not-interested',
  'profile',
  'prefs',
  'help',
  'watchlist',
  'search',
  'region',
  'stats',
  'compat',
  'onboard',
  'forget-me',
  'import',
  'export',
  'history',
]);

/**
 * Whether a command's deferred placeholder should be ephemeral: the core's declared visibility when it
 * has one, else the table above. Discord fixes a deferred reply's visibility at the defer
 * (discord-api-docs PR #3466), so this is a guess made before the answer exists.
 */
export function defersPrivately(commands: readonly CommandSpecInfo[], slashName: string): boolean {
  const declared = commands.find((c) => c.name === slashName)?.visibility;
  if (declared) return declared === 'private';
  return USUALLY_PRIVATE.has(slashName);
}
