import type { Command } from 'commander';

/** A subcommand's implementation module: `run` receives commander's action arguments. */
export interface CommandModule {
  run(cmd: Command, ...args: unknown[]): Promise<void>;
}

export interface CliCommandSpec {
  name: string;
  description: string;
  /** Declares arguments and options on the commander command. */
  configure?: (cmd: Command) => void;
  load: () => Promise<CommandModule>;
}

/** Every `movierec` subcommand, declared here and implemented in its own file. */
export const COMMANDS: CliCommandSpec[] = [
  {
    name: 'migrate',
    description: 'apply pending database migrations (safe when several processes start at once)',
    load: () => import('./migrate.ts'),
  },
];
