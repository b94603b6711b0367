import { ACTION_ID_MAX } from './types.ts';

/** Button / select verbs the core understands. */
export type ActionVerb =
  | 'seen'
  | 'no'
  | 'watch'
  | 'unwatch'
  | 'rate'
  | 'more'
  | 'pick'
  | 'forget'
  | 'cancel'
  | 'vote'
  /** "Pick a movie" select on a list: the chosen movie's own card, privately, with its buttons. */
  | 'card'
  /** An /onboard choice per film: stars, `no` (not interested) or `skip`. */
  | 'onb';

const PREFIX = 'mr';

/** Builds an opaque action id `mr:<verb>:<args…>`; ids never exceed {@link ACTION_ID_MAX}. */
export function actionId(verb: ActionVerb, ...args: (string | number)[]): string {
  const id = [PREFIX, verb, ...args].join(':');
  if (id.length > ACTION_ID_MAX) throw new Error(`action id too long: ${id.length}`);
  return id;
}

/** Reads an action id back; null when it is not one of ours. */
export function parseActionId(id: string): { verb: ActionVerb; args: string[] } | null {
  const [prefix, verb, ...args] = id.split(':');
  if (prefix !== PREFIX || !verb) return null;
  return { verb: verb as ActionVerb, args };
}
