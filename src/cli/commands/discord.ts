import type { Command } from 'commander';
import { COMMANDS } from '../../bot/commands/index.ts';
import { loadConfig } from '../../config.ts';
import { UserError } from '../../errors.ts';

/** `movierec discord deploy [--guild ID]`: registers slash commands and prints the invite URL. */
export async function run(_cmd: Command, action: string, opts: { guild?: string }): Promise<void> {
  if (action !== 'deploy') {
    throw new UserError('unknown-discord-action', `Unknown action "${action}". Try: movierec discord deploy`);
  }
  const config = loadConfig();
  if (!config.discord) {
    throw new UserError(
      'discord-not-configured',
      'Set DISCORD_TOKEN (and DISCORD_APP_ID) in the environment or .env first; see "Discord setup" in the README.',
    );
  }
  if (opts.guild !== undefined && !/^\d{15,22}$/.test(opts.guild)) {
    throw new UserError('bad-guild-id', `"${opts.guild}" is not a Discord server id (a long number).`);
  }
  // discord.js loads only here, so other commands do not pay for it.
  const { deploySlashCommands } = await import('../../../adapters/discord/deploy.ts');
  const specs = COMMANDS.filter((c) => !c.hidden);
  const result = await deploySlashCommands(config.discord, specs, { guildId: opts.guild });
  const where =
    result.scope === 'global' ? 'globally (may take up to an hour to appear)' : `in server ${opts.guild}`;
  process.stdout.write(
    `Registered ${result.names.length} slash commands ${where}: ${result.names.map((n) => `/${n}`).join(' ')}\n` +
      `Invite the bot: ${result.inviteUrl}\n`,
  );
}
