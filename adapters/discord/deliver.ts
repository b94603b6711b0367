import {
  type AttachmentPayload,
  type Client,
  DiscordAPIError,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type Message,
  type MessageCreateOptions,
  MessageFlags,
  type RepliableInteraction,
} from 'discord.js';
import type { BotCore, ChannelRef, Reply } from '../../src/bot/types.ts';
import type { Logger } from '../../src/logger.ts';
import { discordMessageKey } from './identity.ts';
import { type RenderedPart, renderReply } from './render.ts';

/** What the adapter needs to post replies: the core to tell and a logger. */
export interface DeliveryContext {
  core: BotCore;
  logger: Logger;
}

function files(part: RenderedPart): AttachmentPayload[] | undefined {
  return part.payload.files?.map((f) => ({
    attachment: Buffer.from(f.data),
    name: f.name,
    description: f.description,
  }));
}

function editOptions(part: RenderedPart): InteractionEditReplyOptions {
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

function followUpOptions(part: RenderedPart): InteractionReplyOptions {
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
async function posted(ctx: DeliveryContext, message: Message, part: RenderedPart, channel: ChannelRef) {
  await ctx.core.messagePosted(part.reply, discordMessageKey(message.channelId, message.id), channel);
  // Awaited, not fired off: the handler is not finished until the card can be rated.
  if (part.reactions.length > 0) await addReactions(message, part.reactions, ctx.logger);
}

/**
 * Sends the core's replies for an interaction that was already acknowledged. After `deferReply` the first
 * part with the same visibility replaces the "thinking…" placeholder (a public list must not land in an
 * ephemeral placeholder, nor an error in a public one); everything else is a follow-up. A placeholder
 * nothing replaced is deleted. After `deferUpdate` every part is a follow-up.
 */
export async function deliverReplies(
  ctx: DeliveryContext,
  interaction: RepliableInteraction,
  replies: readonly Reply[],
  channel: ChannelRef,
  acknowledged: { kind: 'reply'; ephemeral: boolean } | { kind: 'update' },
): Promise<void> {
  let placeholder = acknowledged.kind === 'reply';
  for (const reply of replies) {
    for (const part of renderReply(reply)) {
      let message: Message;
      if (placeholder && acknowledged.kind === 'reply' && part.ephemeral === acknowledged.ephemeral) {
        message = await interaction.editReply(editOptions(part));
        placeholder = false;
      } else {
        message = await interaction.followUp(followUpOptions(part));
      }
      await posted(ctx, message, part, channel);
    }
  }
  if (placeholder) await interaction.deleteReply();
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
