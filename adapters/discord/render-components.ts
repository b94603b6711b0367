import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APISelectMenuOption,
  type APIStringSelectComponent,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import type { Action } from '../../src/bot/types.ts';
import { buttonCustomId, menuCustomId, menuOptionValue, selectCustomId } from './custom-id.ts';
import {
  BUTTON_LABEL_MAX,
  BUTTONS_PER_ROW_MAX,
  SELECT_OPTION_LABEL_MAX,
  SELECT_OPTION_VALUE_MAX,
  SELECT_OPTIONS_MAX,
  SELECT_PLACEHOLDER_MAX,
} from './limits.ts';
import { isBlank, truncate } from './text.ts';

export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

const STYLES: Record<
  NonNullable<Action['style']>,
  ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger
> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  danger: ButtonStyle.Danger,
};

function label(text: string, max: number): string {
  return isBlank(text) ? '•' : truncate(text.trim(), max);
}

function button(action: Action): APIButtonComponentWithCustomId | undefined {
  const customId = buttonCustomId(action.id);
  if (!customId) return undefined;
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label: label(action.label, BUTTON_LABEL_MAX),
    style: STYLES[action.style ?? 'secondary'],
    // A closed poll's buttons stay visible but cannot be pressed.
    ...(action.disabled && { disabled: true }),
  };
}

function selectOptions(options: NonNullable<Action['options']>): APISelectMenuOption[] {
  const seen = new Set<string>();
  const out: APISelectMenuOption[] = [];
  for (const o of options) {
    // Values are sent back verbatim, so one that does not fit cannot be shortened: drop it instead.
    if (o.value === '' || o.value.length > SELECT_OPTION_VALUE_MAX || seen.has(o.value)) continue;
    seen.add(o.value);
    out.push({ label: label(o.label, SELECT_OPTION_LABEL_MAX), value: o.value });
    if (out.length === SELECT_OPTIONS_MAX) break;
  }
  return out;
}

function select(action: Action): APIStringSelectComponent | undefined {
  const customId = selectCustomId(action.id);
  const options = selectOptions(action.options ?? []);
  if (!customId || options.length === 0) return undefined;
  return {
    type: ComponentType.StringSelect,
    custom_id: customId,
    placeholder: label(action.label, SELECT_PLACEHOLDER_MAX),
    options,
    ...(action.disabled && { disabled: true }),
  };
}

function row(components: APIComponentInMessageActionRow[]): ActionRow {
  return { type: ComponentType.ActionRow, components };
}

/** Unique actions in order: Discord rejects a message whose components repeat a custom_id. */
export function uniqueActions(actions: readonly Action[], taken: Set<string>): Action[] {
  const out: Action[] = [];
  for (const a of actions) {
    const key = (a.options ? 's:' : 'b:') + a.id;
    if (taken.has(key)) continue;
    taken.add(key);
    out.push(a);
  }
  return out;
}

/** Native layout: buttons five to a row, one row per select. */
export function nativeRows(actions: readonly Action[]): ActionRow[] {
  const buttons = actions.filter((a) => !a.options).map(button);
  const selects = actions.filter((a) => a.options).map(select);
  const rows: ActionRow[] = [];
  const valid = buttons.filter((b): b is APIButtonComponentWithCustomId => b !== undefined);
  for (let i = 0; i < valid.length; i += BUTTONS_PER_ROW_MAX)
    rows.push(row(valid.slice(i, i + BUTTONS_PER_ROW_MAX)));
  for (const s of selects) if (s) rows.push(row([s]));
  return rows;
}

/**
 * Every action of one card folded into a single select (one row): "Seen it", "Watchlist", "Rate: ★★★★".
 * Used when several cards share a message, so each menu is unambiguous about its movie.
 */
export function menuRow(
  actions: readonly Action[],
  placeholder: string,
  index: number,
): ActionRow | undefined {
  const options: APISelectMenuOption[] = [];
  const seen = new Set<string>();
  const add = (text: string, value: string | undefined) => {
    if (!value || seen.has(value) || options.length >= SELECT_OPTIONS_MAX) return;
    seen.add(value);
    options.push({ label: label(text, SELECT_OPTION_LABEL_MAX), value });
  };
  // One-tap verbs (seen, watchlist, not interested) first; the longer rating scale after them.
  for (const a of actions) if (!a.options && !a.disabled) add(a.label, menuOptionValue(a.id));
  for (const a of actions) {
    if (a.disabled) continue;
    for (const o of a.options ?? []) add(`${a.label}: ${o.label}`, menuOptionValue(a.id, o.value));
  }
  if (options.length === 0) return undefined;
  return row([
    {
      type: ComponentType.StringSelect,
      custom_id: menuCustomId(index),
      placeholder: label(placeholder, SELECT_PLACEHOLDER_MAX),
      options,
    },
  ]);
}

/** One card's actions as menu entries: one-tap verbs first, then each select's choices. */
export interface CardMenuEntries {
  /** "#6 Heat" — how the entries name their movie when several cards share a menu. */
  prefix: string;
  actions: readonly Action[];
}

/**
 * The per-card actions of a list page packed into at most `rows` selects (one row each, 25 entries per
 * select), so a whole page fits in one message. Every card's verbs (seen, watchlist, not interested)
 * come first, then the rating choices while room lasts; what does not fit is left out rather than
 * spilling into another message. Disabled actions are not offered.
 */
export function packedMenuRows(
  cards: readonly CardMenuEntries[],
  rows: number,
  firstIndex: number,
): ActionRow[] {
  if (rows <= 0) return [];
  const entries: APISelectMenuOption[] = [];
  const seen = new Set<string>();
  const add = (text: string, value: string | undefined) => {
    if (!value || seen.has(value) || entries.length >= rows * SELECT_OPTIONS_MAX) return;
    seen.add(value);
    entries.push({ label: label(text, SELECT_OPTION_LABEL_MAX), value });
  };
  for (const c of cards)
    for (const a of c.actions)
      if (!a.options && !a.disabled) add(`${c.prefix}: ${a.label}`, menuOptionValue(a.id));
  for (const c of cards)
    for (const a of c.actions)
      if (!a.disabled)
        for (const o of a.options ?? [])
          add(`${c.prefix}: ${a.label} ${o.label}`, menuOptionValue(a.id, o.value));
  const out: ActionRow[] = [];
  for (let at = 0; at < entries.length; at += SELECT_OPTIONS_MAX) {
    const chunk = entries.slice(at, at + SELECT_OPTIONS_MAX);
    const n = out.length;
    out.push(
      row([
        {
          type: ComponentType.StringSelect,
          custom_id: menuCustomId(firstIndex + n),
          placeholder: label(
            n === 0 ? 'Pick a movie: seen, watchlist, rate…' : 'More choices…',
            SELECT_PLACEHOLDER_MAX,
          ),
          options: chunk,
        },
      ]),
    );
  }
  return out;
}
