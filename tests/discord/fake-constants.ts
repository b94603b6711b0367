/** Ids, snowflakes and gateway objects shared by the fake Discord and the payload builders. */

type Json = Record<string, unknown>;

export const APP_ID = '100000000000000001';
export const BOT_ID = '100000000000000002';
export const GUILD_ID = '200000000000000001';
export const CHANNEL_ID = '300000000000000001';
export const TOKEN = 'fake-bot-token';
/** Administrator: the bot and test members may do anything in the fake guild. */
const ALL_PERMISSIONS = '8';

let snowflakeCounter = 0n;
/** Increasing Discord-like ids (timestamp-based so discord.js derives sane dates). */
export function snowflake(): string {
  snowflakeCounter += 1n;
  return ((BigInt(Date.now() - 1420070400000) << 22n) + snowflakeCounter).toString();
}

export function discordUser(id: string, username = `user${id.slice(-4)}`): Json {
  return { id, username, discriminator: '0', global_name: username, avatar: null, bot: false };
}

export function botUser(): Json {
  return { ...discordUser(BOT_ID, 'movierec'), bot: true };
}

export function guildPayload(): Json {
  return {
    id: GUILD_ID,
    name: 'Movie Night',
    icon: null,
    owner_id: '400000000000000001',
    unavailable: false,
    member_count: 3,
    large: false,
    features: [],
    emojis: [],
    stickers: [],
    roles: [
      {
        id: GUILD_ID,
        name: '@everyone',
        permissions: ALL_PERMISSIONS,
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    channels: [
      { id: CHANNEL_ID, type: 0, name: 'movies', position: 0, permission_overwrites: [], nsfw: false },
    ],
    threads: [],
    members: [
      {
        user: botUser(),
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      },
    ],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    joined_at: new Date().toISOString(),
    preferred_locale: 'en-US',
    system_channel_flags: 0,
    premium_tier: 0,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    afk_timeout: 300,
  };
}
