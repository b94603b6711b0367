import { randomBytes } from 'node:crypto';
import { APP_ID, CHANNEL_ID, discordUser, GUILD_ID, snowflake } from './fake-discord.ts';

/** Gateway dispatch bodies shaped like Discord's (https://discord.com/developers/docs/interactions/receiving-and-responding). */

type Json = Record<string, unknown>;

export function userId(name: string): string {
  // Stable per name, so a user keeps their ratings across calls.
  let h = 0n;
  for (const ch of name) h = (h * 131n + BigInt(ch.codePointAt(0)!)) % 10n ** 15n;
  return (500000000000000000n + h).toString();
}

function member(name: string, permissions = '0'): Json {
  return {
    user: discordUser(userId(name), name),
    roles: [],
    permissions,
    joined_at: new Date().toISOString(),
    nick: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  };
}

export interface InteractionPayload extends Json {
  id: string;
  token: string;
}

/** Manage Server: what admin-only commands (`/stats`) ask of a member. */
export const MANAGE_GUILD = String(1 << 5);

function interactionBase(
  user: string,
  type: number,
  guildId: string | null = GUILD_ID,
  permissions = '0',
): InteractionPayload {
  const where = guildId
    ? {
        guild_id: guildId,
        member: member(user, permissions),
        channel: { id: CHANNEL_ID, type: 0, guild_id: guildId, name: 'movies', permissions: '8' },
        context: 0,
      }
    : { user: discordUser(userId(user), user), channel: { id: CHANNEL_ID, type: 1 }, context: 1 };
  return {
    id: snowflake(),
    application_id: APP_ID,
    type,
    token: `itoken-${randomBytes(6).toString('hex')}`,
    version: 1,
    channel_id: CHANNEL_ID,
    app_permissions: '8',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guildId ?? '0' },
    attachment_size_limit: 10_485_760,
    ...where,
  };
}

export type CommandOptionValue = { name: string; type: number; value: string | number; focused?: boolean };

/** A `user`-type option (6) naming the test user `user`; Discord resolves the user in `data.resolved`. */
export function userOption(name: string, user: string): CommandOptionValue {
  return { name, type: 6, value: userId(user) };
}

/** INTERACTION_CREATE for a slash command (type 2), or its autocomplete (type 4) when an option is focused. */
export function commandInteraction(
  user: string,
  name: string,
  options: CommandOptionValue[] = [],
  guildId?: string | null,
  extra: { permissions?: string; names?: Record<string, string> } = {},
) {
  const type = options.some((o) => o.focused) ? 4 : 2;
  const data: Json = { id: snowflake(), name, type: 1, options };
  const users = options.filter((o) => o.type === 6).map((o) => String(o.value));
  if (users.length > 0) {
    // https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-resolved-data-structure
    const nameOf = (id: string) => extra.names?.[id] ?? `user${id.slice(-4)}`;
    data.resolved = {
      users: Object.fromEntries(users.map((id) => [id, discordUser(id, nameOf(id))])),
      ...(guildId !== null && {
        members: Object.fromEntries(
          users.map((id) => [
            id,
            { roles: [], joined_at: new Date().toISOString(), nick: null, permissions: '0', flags: 0 },
          ]),
        ),
      }),
    };
  }
  return { ...interactionBase(user, type, guildId, extra.permissions), data };
}

/** A slash command carrying one attachment option, with the attachment in `data.resolved` as Discord sends it. */
export function attachmentCommand(
  user: string,
  name: string,
  option: string,
  attachment: Record<string, unknown>,
) {
  const base = commandInteraction(user, name, []);
  return {
    ...base,
    data: {
      ...base.data,
      options: [{ name: option, type: 11, value: attachment.id }],
      resolved: { attachments: { [String(attachment.id)]: attachment } },
    },
  };
}

/** INTERACTION_CREATE for a button (component_type 2) or string select (3) on a message the bot posted. */
export function componentInteraction(user: string, message: Json, customId: string, values?: string[]) {
  return {
    ...interactionBase(user, 3),
    message,
    data: values
      ? { custom_id: customId, component_type: 3, values }
      : { custom_id: customId, component_type: 2 },
  };
}

/** MESSAGE_REACTION_ADD / REMOVE bodies. */
export function reactionPayload(
  user: string,
  messageId: string,
  emoji: string,
  added: boolean,
  channelId = CHANNEL_ID,
) {
  const body: Json = {
    user_id: userId(user),
    channel_id: channelId,
    message_id: messageId,
    guild_id: GUILD_ID,
    emoji: { id: null, name: emoji },
    burst: false,
    type: 0,
  };
  if (added) {
    body.member = member(user);
    body.message_author_id = '100000000000000002';
    body.burst_colors = [];
  }
  return body;
}
