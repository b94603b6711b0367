import {
  type AttachmentPayload,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type Message,
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

function followUpOptions(part: RenderedPart): InteractionReplyOptions {
  const p = part.payload;
  return {
    ...(p.content !== undefined && { content: p.content }),
    embeds: p.embeds,
    components: p.components,
    allowedMentions: { parse: [] },
    files: files(part),
    ...(part.ephemeral && { flags: MessageFlags.Ephemeral }),
  };
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
