import { OAuth2Scopes, PermissionFlagsBits, PermissionsBitField, REST, Routes } from 'discord.js';
import type { CommandSpecInfo } from '../../src/bot/types.ts';
import type { DiscordAdapterConfig } from './index.ts';
import { restApiBase } from './index.ts';
import { buildSlashCommands } from './slash-commands.ts';

/**
 * What the bot needs in a channel, and nothing more: see it, answer, show embeds and the stats chart,
 * add the rating reactions, and read the history so reactions on older cards resolve.
 */
export const BOT_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AttachFiles,
  PermissionFlagsBits.AddReactions,
  PermissionFlagsBits.ReadMessageHistory,
]);

export const INVITE_SCOPES = [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands];

/** The OAuth2 URL a server admin opens to add the bot with its slash commands and permissions. */
export function inviteUrl(appId: string, guildId?: string): string {
  const url = new URL('https://discord.com/oauth2/authorize');
  url.searchParams.set('client_id', appId);
  url.searchParams.set('scope', INVITE_SCOPES.join(' '));
  url.searchParams.set('permissions', BOT_PERMISSIONS.bitfield.toString());
  if (guildId) {
    url.searchParams.set('guild_id', guildId);
    url.searchParams.set('disable_guild_select', 'true');
  }
  return url.toString();
}

export interface DeployResult {
  appId: string;
  scope: 'global' | { guild: string };
  names: string[];
  inviteUrl: string;
}

/**
 * Registers the core's commands as slash commands with one bulk overwrite (`PUT`), globally or for one
 * guild (guild commands update at once; global ones can take a while to reach every client). The
 * application id comes from `DISCORD_APP_ID`, or is asked of Discord with the token.
 */
export async function deploySlashCommands(
  config: DiscordAdapterConfig,
  commands: readonly CommandSpecInfo[],
  options: { guildId?: string } = {},
): Promise<DeployResult> {
  const rest = new REST(config.apiUrl ? { api: restApiBase(config.apiUrl) } : {}).setToken(config.token);
  const appId = config.appId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const body = buildSlashCommands(commands);
  const route = options.guildId
    ? Routes.applicationGuildCommands(appId, options.guildId)
    : Routes.applicationCommands(appId);
  const saved = (await rest.put(route, { body })) as { name: string }[];
  return {
    appId,
    scope: options.guildId ? { guild: options.guildId } : 'global',
    names: saved.map((c) => c.name),
    inviteUrl: inviteUrl(appId, options.guildId),
  };
}
