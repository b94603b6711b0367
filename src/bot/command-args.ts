/**
 * One way to read a command's arguments on every platform: typed options first (Discord slash options,
 * `ask`'s page size), then the free text parsed for whatever no option gave (console, Slack, `ask`).
 * Pure, so each command's reading is tested without a platform or a database.
 */
import type { CommandEvent, CommandOptionSpec } from './types.ts';

/** Argument values by option name; absent = neither an option nor the text gave it. */
export type CommandArgs = Readonly<Record<string, string | number | boolean | undefined>>;

/** Turns a command's free text into option values (the command's own grammar). */
export type TextParser = (text: string) => Record<string, string | number | boolean | undefined>;

/** What a command needs to have its arguments read. */
export interface ArgsSpec {
  options: readonly CommandOptionSpec[];
  /** The command's text grammar; default: the whole text is its first string option. */
  parseText?: TextParser;
}

/**
 * The arguments of `event` for a command declared by `spec`: the text parsed by the command's grammar,
 * overridden by every typed option the platform sent. Blank typed strings count as absent, so an empty
 * Discord option never hides what the text says.
 */
export function commandArgs(spec: ArgsSpec, event: Pick<CommandEvent, 'text' | 'options'>): CommandArgs {
  const text = (event.text ?? '').trim();
  const parsed = text ? (spec.parseText ?? firstStringOption(spec.options))(text) : {};
  const typed: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(event.options ?? {})) {
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) continue;
    typed[name] = typeof value === 'string' ? value.trim() : value;
  }
  return { ...dropUndefined(parsed), ...typed };
}

/** The default grammar: the whole text fills the first string option (title, words, code …). */
function firstStringOption(options: readonly CommandOptionSpec[]): TextParser {
  const first = options.find((o) => o.type === 'string');
  return (text) => (first ? { [first.name]: text } : {});
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** A string argument, trimmed; '' when absent. Numbers are written out (a typed `count: 3` → '3'). */
export function argText(args: CommandArgs, name: string): string {
  const v = args[name];
  return v === undefined || v === false ? '' : String(v).trim();
}

/** A numeric argument (typed or written), or null when absent or not a number. */
export function argNumber(args: CommandArgs, name: string): number | null {
  const v = args[name];
  if (v === undefined || v === '' || typeof v === 'boolean') return null;
  const n = typeof v === 'number' ? v : Number(String(v).replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

/** Every string an event carries (text and string options), for the input length check. */
export function eventStrings(event: Pick<CommandEvent, 'text' | 'options'>): string {
  return [event.text ?? '', ...Object.values(event.options ?? {}).filter((v) => typeof v === 'string')].join(
    ' ',
  );
}
