import { randomUUID } from 'node:crypto';
import type { MessageReaction, PartialMessageReaction, PartialUser, User } from 'discord.js';
import type { ReactionEvent } from '../../src/bot/types.ts';
import { discordActor, discordChannel, discordMessageKey } from './identity.ts';

/** Gateway packets remembered until their event is handled; bounded so a flood cannot grow memory. */
const PENDING_MAX = 1000;

export interface RawReactionPacket {
  t: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE';
  s: number;
  d: {
    message_id: string;
    channel_id: string;
    user_id: string;
    guild_id?: string;
    emoji: { id: string | null; name: string | null };
  };
}

export function isRawReaction(packet: { t?: string | null }): packet is RawReactionPacket {
  return packet.t === 'MESSAGE_REACTION_ADD' || packet.t === 'MESSAGE_REACTION_REMOVE';
}

function reactionKey(
  type: string,
  messageId: string,
  userId: string,
  emoji: { id: string | null; name: string | null },
) {
  return `${type}:${messageId}:${userId}:${emoji.id ?? emoji.name}`;
}

/**
 * Gives each reaction event the id of the gateway dispatch that carried it (`<session>:<sequence>`), so
 * an event Discord replays after a resume is recognised by the core as already handled. discord.js hides
 * the sequence number from its reaction events, so it is read from the raw packet that precedes them.
 */
export class ReactionDeliveryIds {
  /** The gateway session of each shard: sequence numbers count per session, so ids need both. */
  private readonly sessions = new Map<number, string>();
  private readonly pending = new Map<string, string[]>();

  /** Feed every raw gateway dispatch (`Events.Raw`, which names the shard it came on). */
  observe(packet: { t?: string | null; s?: number | null; d?: unknown }, shard = 0): void {
    if (packet.t === 'READY') this.sessions.set(shard, (packet.d as { session_id: string }).session_id);
    if (!isRawReaction(packet)) return;
    const p = packet;
    const key = reactionKey(p.t, p.d.message_id, p.d.user_id, p.d.emoji);
    const list = this.pending.get(key) ?? [];
    list.push(`${this.sessions.get(shard) ?? 'none'}:${p.s}`);
    this.pending.set(key, list);
    if (this.pending.size > PENDING_MAX) this.pending.delete(this.pending.keys().next().value!);
  }

  take(added: boolean, messageId: string, userId: string, emoji: { id: string | null; name: string | null }) {
    const key = reactionKey(
      added ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE',
      messageId,
      userId,
      emoji,
    );
    const list = this.pending.get(key);
    const id = list?.shift();
    if (list?.length === 0) this.pending.delete(key);
    return id ? `gateway:${id}` : `reaction:${randomUUID()}`;
  }
}

/**
 * A reaction on any message (cached or not: with partials, discord.js still delivers reactions on messages
 * sent before a restart) as the core's {@link ReactionEvent}. The message key alone lets the core find
 * the movie, so nothing is fetched from Discord.
 */
export function reactionEvent(
  reaction: MessageReaction | PartialMessageReaction,
  user: User | PartialUser,
  added: boolean,
  ids: ReactionDeliveryIds,
): ReactionEvent | undefined {
  const emoji = reaction.emoji.name;
  if (!emoji) return undefined;
  const { message } = reaction;
  return {
    type: 'reaction',
    id: ids.take(added, message.id, user.id, { id: reaction.emoji.id, name: emoji }),
    actor: discordActor(
      message.guildId,
      user.id,
      user.partial ? {} : { displayName: user.globalName ?? user.username },
    ),
    channel: discordChannel(message.guildId, message.channelId),
    messageKey: discordMessageKey(message.channelId, message.id),
    emoji,
    added,
  };
}

/**
 * A reaction in a DM channel discord.js has not cached (e.g. after a restart), straight from the gateway
 * packet: discord.js cannot build a partial DM channel from a reaction (the packet carries no channel
 * type), so it drops such reactions even with partials enabled.
 */
export function rawDmReactionEvent(
  packet: RawReactionPacket,
  ids: ReactionDeliveryIds,
): ReactionEvent | undefined {
  const { d } = packet;
  if (d.guild_id || !d.emoji.name) return undefined;
  const added = packet.t === 'MESSAGE_REACTION_ADD';
  return {
    type: 'reaction',
    id: ids.take(added, d.message_id, d.user_id, d.emoji),
    actor: discordActor(null, d.user_id),
    channel: discordChannel(null, d.channel_id),
    messageKey: discordMessageKey(d.channel_id, d.message_id),
    emoji: d.emoji.name,
    added,
  };
}
