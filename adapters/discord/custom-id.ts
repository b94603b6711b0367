import { CUSTOM_ID_MAX, SELECT_OPTION_VALUE_MAX } from './limits.ts';

/**
 * How the core's opaque action ids travel through Discord components and come back.
 *
 * - a button carries `b:<actionId>` as its custom_id;
 * - a select the core asked for (e.g. star ratings) carries `s:<actionId>`; the chosen option is the value;
 * - a compact per-card menu (used when several cards share a message) carries `m:<n>` and each option
 *   value encodes one action: `b:<actionId>` or `s:<length>:<actionId><value>`.
 *
 * Nothing is kept in memory, so components keep working after a restart.
 */

export type DecodedAction = { actionId: string; value?: string };

const BUTTON = 'b:';
const SELECT = 's:';
const MENU = 'm:';

export function buttonCustomId(actionId: string): string | undefined {
  const id = BUTTON + actionId;
  return id.length <= CUSTOM_ID_MAX ? id : undefined;
}

export function selectCustomId(actionId: string): string | undefined {
  const id = SELECT + actionId;
  return id.length <= CUSTOM_ID_MAX ? id : undefined;
}

export function menuCustomId(index: number): string {
  return MENU + index;
}

/** The option value of a compact menu entry, or undefined when it cannot fit Discord's 100 characters. */
export function menuOptionValue(actionId: string, value?: string): string | undefined {
  const encoded = value === undefined ? BUTTON + actionId : `${SELECT}${actionId.length}:${actionId}${value}`;
  return encoded.length <= SELECT_OPTION_VALUE_MAX ? encoded : undefined;
}

function decodeMenuValue(encoded: string): DecodedAction | undefined {
  if (encoded.startsWith(BUTTON)) return { actionId: encoded.slice(BUTTON.length) };
  const match = /^s:(\d+):/.exec(encoded);
  if (!match) return undefined;
  const start = match[0].length;
  const length = Number(match[1]);
  if (start + length > encoded.length) return undefined;
  return { actionId: encoded.slice(start, start + length), value: encoded.slice(start + length) };
}

/** Turns a component interaction back into the core's action id (and chosen value), or undefined if foreign. */
export function decodeComponent(customId: string, values?: readonly string[]): DecodedAction | undefined {
  if (customId.startsWith(BUTTON)) return { actionId: customId.slice(BUTTON.length) };
  if (customId.startsWith(SELECT)) {
    const value = values?.[0];
    return value === undefined ? undefined : { actionId: customId.slice(SELECT.length), value };
  }
  if (customId.startsWith(MENU)) {
    const value = values?.[0];
    return value === undefined ? undefined : decodeMenuValue(value);
  }
  return undefined;
}
