import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { DatabaseUnavailableError, UserError } from '../errors.ts';
import { COMMANDS } from './commands/index.ts';

/**
 * The `movierec` command line. Each subcommand lives in its own module under `commands/` and is
 * loaded only when used, so `ask` does not pay for `eval` or the platform SDKs.
 */
async function main(argv: string[]): Promise<void> {
  const program = new Command('movierec')
    .description('A movie recommender that lives in Discord, Slack and your terminal.')
    .showHelpAfterError()
    .exitOverride();
  for (const spec of COMMANDS) {
    const cmd = program.command(spec.name).description(spec.description);
    spec.configure?.(cmd);
    cmd.action(async (...args: unknown[]) => {
      const mod = await spec.load();
      await mod.run(cmd, ...args);
    });
  }
  await program.parseAsync(argv);
}

try {
  // `.env` in the working directory fills in variables the environment does not already set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  await main(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (
    error instanceof UserError ||
    error instanceof ConfigError ||
    error instanceof DatabaseUnavailableError
  ) {
    process.stderr.write(`movierec: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`movierec: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
