import {
  type AttachmentPayload,
  type Client,
  DiscordAPIError,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type Message,
  type MessageCreateOptions,
  MessageFlags,
} from 'discord.js';
import type { BotCore, ChannelRef, Reply } from '../../src/bot/types.ts';
import type { Logger } from '../../src/logger.ts';
import { discordMessageKey } from './identity.ts';
import { type RenderedPart, renderReply } from './render.ts';

/** What the adapter needs to post replies: the core to tell, a logger, and the connected client. */
export interface DeliveryContext {
  core: BotCore;
  logger: Logger;
  /** The running discord.js client (REST edits of earlier messages, direct messages). */
  client: () => Client;
  /** How long to wait for the core before acknowledging an interaction (see ANSWER_BUDGET_MS). */
  budgetMs: number;
}

function files(part: RenderedPart): AttachmentPayload[] | undefined {
  return part.payload.files?.map((f) => ({
    attachment: Buffer.from(f.data),
    name: f.name,
    description: f.description,
  }));
}

export function editOptions(part: RenderedPart): InteractionEditReplyOptions {
  const p = part.payload;
  return {
    content: p.content ?? '',
    embeds: p.embeds,
    components: p.components,
    allowedMentions: { parse: [] },
    files: files(part),
  };
}

/** A new message's fields, shared by interaction follow-ups and plain channel messages. */
function newMessage(part: RenderedPart) {
  const p = part.payload;
  return {
    ...(p.content !== undefined && { content: p.content }),
    embeds: p.embeds,
    components: p.components,
    allowedMentions: { parse: [] },
    files: files(part),
  };
}

export function followUpOptions(part: RenderedPart): InteractionReplyOptions {
  return { ...newMessage(part), ...(part.ephemeral && { flags: MessageFlags.Ephemeral }) };
}

function channelOptions(part: RenderedPart): MessageCreateOptions {
  return newMessage(part);
}

/** Adds the rating reactions one by one (Discord rate-limits reactions per channel; REST queues them). */
async function addReactions(message: Message, emoji: readonly string[], logger: Logger): Promise<void> {
  for (const e of emoji) {
    try {
      await message.react(e);
    } catch (error) {
      logger.warn({ err: error, messageId: message.id }, 'could not add a rating reaction');
      return;
    }
  }
}

/** After a message is up: tell the core which message shows the reply, then add rating reactions. */
export async function posted(
  ctx: DeliveryContext,
  message: Message,
  part: RenderedPart,
  channel: ChannelRef,
) {
  await ctx.core.messagePosted(part.reply, discordMessageKey(message.channelId, message.id), channel);
  // Awaited, not fired off: the handler is not finished until the card can be rated.
  if (part.reactions.length > 0) await addReactions(message, part.reactions, ctx.logger);
}

/** The channel and message ids in a `discord:<channel>:<message>` key, if it is one. */
export function parseMessageKey(key: string): { channelId: string; messageId: string } | undefined {
  const m = /^discord:(\d+):(\d+)$/.exec(key);
  return m ? { channelId: m[1]!, messageId: m[2]! } : undefined;
}

/**
 * Edits an earlier bot message named by a reply's `editMessage` key (a poll's live tally, its closed
 * state) over REST (`PATCH /channels/{channel}/messages/{message}`). Only the first rendered message of
 * the reply fits in one message; a refusal (message gone, ephemeral, no access) is logged, not thrown.
 */
export async function editChannelMessage(
  ctx: DeliveryContext,
  client: Client,
  reply: Reply,
  channel: ChannelRef,
): Promise<boolean> {
  const target = reply.editMessage ? parseMessageKey(reply.editMessage) : undefined;
  const [part] = renderReply({ ...reply, ephemeral: false });
  if (!target || !part) {
    ctx.logger.warn('not a Discord message key; edit skipped');
    return false;
  }
  try {
    const c = await client.channels.fetch(target.channelId);
    if (!c?.isTextBased()) return false;
    const message = await c.messages.edit(target.messageId, editOptions(part));
    await ctx.core.messagePosted(part.reply, discordMessageKey(message.channelId, message.id), channel);
    return true;
  } catch (error) {
    // Code and status only: the error's URL names the channel and message.
    const code = error instanceof DiscordAPIError ? error.code : undefined;
    const status = error instanceof DiscordAPIError ? error.status : undefined;
    ctx.logger.warn({ code, status }, 'could not edit the Discord message');
    return false;
  }
}

/**
 * Sends a private reply where there is no interaction to answer (a refused reaction): a direct message
 * to the user. Users who closed their DMs (50007) are logged; nothing else can reach them privately.
 */
export async function sendDirectMessage(
  ctx: DeliveryContext,
  client: Client,
  userId: string,
  reply: Reply,
): Promise<boolean> {
  try {
    for (const part of renderReply({ ...reply, ephemeral: false })) {
      await client.users.send(userId, channelOptions(part));
    }
    return true;
  } catch (error) {
    // Code and status only (50007: the user does not accept DMs); the error's URL names the user's DM.
    const code = error instanceof DiscordAPIError ? error.code : undefined;
    const status = error instanceof DiscordAPIError ? error.status : undefined;
    ctx.logger.warn({ code, status }, 'could not send a direct message');
    return false;
  }
}

/**
 * Posts a reply the bot starts itself (a poll's winner) to a channel, outside any interaction:
 * `channel.send` over REST, which waits out a 429 for the `retry_after` Discord names and retries. A
 * channel that is gone, not a text channel, or where the bot may not post is logged and gives false.
 */
export async function postToChannel(
  ctx: DeliveryContext,
  client: Client,
  channel: ChannelRef,
  reply: Reply,
): Promise<boolean> {
  if (reply.ephemeral) return false;
  const channelId = channel.key.split(':')[2];
  if (!channelId) {
    ctx.logger.warn({ channel: channel.key }, 'not a Discord channel key');
    return false;
  }
  try {
    const target = await client.channels.fetch(channelId);
    if (!target?.isSendable()) {
      ctx.logger.warn({ channel: channel.key }, 'cannot post in that Discord channel');
      return false;
    }
    for (const part of renderReply(reply)) {
      if (part.ephemeral) continue;
      const message = await target.send(channelOptions(part));
      await posted(ctx, message, part, channel);
    }
    return true;
  } catch (error) {
    // 10003 Unknown Channel, 50001 Missing Access, 50013 Missing Permissions, or Discord unreachable.
    const code = error instanceof DiscordAPIError ? error.code : undefined;
    ctx.logger.warn({ err: error, channel: channel.key, code }, 'could not post to the Discord channel');
    return false;
  }
}
