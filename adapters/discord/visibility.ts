import type { CommandSpecInfo } from '../../src/bot/types.ts';

/**
 * Whether a command's deferred placeholder should be ephemeral: the command's declared
 * {@link CommandSpecInfo.visibility}, the only source (every command must declare one). Discord fixes a
 * deferred reply's visibility at the defer (discord-api-docs PR #3466), so this is decided before the
 * answer exists; it matters only on the slow path — an answer ready in time goes out with its own flags.
 * A name the core does not offer (a stale registration) defers privately: its answer is an error for
 * the asker alone.
 */
export function defersPrivately(commands: readonly CommandSpecInfo[], slashName: string): boolean {
  return commands.find((c) => c.name === slashName)?.visibility !== 'public';
}
