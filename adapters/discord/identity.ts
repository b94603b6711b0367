import type { Actor, ChannelRef } from '../../src/bot/types.ts';

/** Tenant of a direct-message conversation, where there is no guild. */
export const DM_TENANT = 'dm';

/** `discord:<guild>:<user>`, or `discord:dm:<user>` in DMs. */
export function discordUserKey(guildId: string | null | undefined, userId: string): string {
  return `discord:${guildId ?? DM_TENANT}:${userId}`;
}

export function discordActor(
  guildId: string | null | undefined,
  userId: string,
  extra: { displayName?: string; isAdmin?: boolean } = {},
): Actor {
  const actor: Actor = {
    userKey: discordUserKey(guildId, userId),
    platform: 'discord',
    tenant: guildId ?? DM_TENANT,
  };
  if (extra.displayName) actor.displayName = extra.displayName;
  if (extra.isAdmin !== undefined) actor.isAdmin = extra.isAdmin;
  return actor;
}

/** `discord:<guild>:<channel>` (`discord:dm:<channel>` in DMs). */
export function discordChannel(guildId: string | null | undefined, channelId: string): ChannelRef {
  const tenant = guildId ?? DM_TENANT;
  return { key: `discord:${tenant}:${channelId}`, platform: 'discord', tenant };
}

/** `discord:<channel>:<message>`: the key the core stores for a posted message. */
export function discordMessageKey(channelId: string, messageId: string): string {
  return `discord:${channelId}:${messageId}`;
}
