import type { CommandSpec } from '../context.ts';
import help from './help.ts';
import { COMMAND_LIST } from './list.ts';

/** The registered commands: one file each, declared here. */
export const COMMANDS: readonly CommandSpec[] = [...COMMAND_LIST, help];

/** Looks a command up by name or alias (case-insensitive, leading slash ignored). */
export function findCommand(name: string): CommandSpec | undefined {
  const n = name.replace(/^\//, '').toLowerCase();
  return COMMANDS.find((c) => c.name === n || c.aliases?.includes(n));
}
