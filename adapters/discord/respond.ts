import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Message,
  MessageFlags,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { ChannelRef, Reply } from '../../src/bot/types.ts';
import { type DeliveryContext, editChannelMessage, editOptions, followUpOptions, posted } from './deliver.ts';
import { discordMessageKey } from './identity.ts';
import { type RenderedPart, renderReply } from './render.ts';

/**
 * How long the adapter waits for the core before acknowledging. Discord wants the initial response
 * within 3 s ("Receiving and Responding to Interactions"); 2 s leaves room for the round trip. The core
 * usually answers in tens of milliseconds, so most answers go out directly with their own visibility.
 */
export const ANSWER_BUDGET_MS = 2_000;

/** Shown in a deferred placeholder whose visibility turned out wrong for the answer (never deleted). */
export const ANSWERED_PRIVATELY = 'Answered privately.';
export const ANSWERED_PUBLICLY = 'Answered in the channel.';
/** An interaction the core had nothing to say to (e.g. a repeated delivery) still gets an answer. */
const NOTHING_TO_SAY: Reply = { text: 'Done.', ephemeral: true };

/** The replies if `work` settles within `ms`, else undefined (the work goes on). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function flags(part: RenderedPart) {
  return part.ephemeral ? MessageFlags.Ephemeral : undefined;
}

/** Rendered messages of the replies that are new messages (not edits of earlier ones). */
function newParts(replies: readonly Reply[]): RenderedPart[] {
  return replies.filter((r) => !r.editMessage).flatMap((r) => renderReply(r));
}

/** Replies that edit an earlier message other than the interaction's own. */
async function applyEdits(
  ctx: DeliveryContext,
  replies: readonly Reply[],
  channel: ChannelRef,
): Promise<void> {
  for (const r of replies) if (r.editMessage) await editChannelMessage(ctx, ctx.client(), r, channel);
}

async function followUps(
  ctx: DeliveryContext,
  i: ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction,
  parts: readonly RenderedPart[],
  channel: ChannelRef,
): Promise<void> {
  for (const part of parts) {
    const message = await i.followUp(followUpOptions(part));
    await posted(ctx, message, part, channel);
  }
}

/** The first message as an initial response (type 4, the part's own flags), the rest as follow-ups. */
async function replyDirectly(
  ctx: DeliveryContext,
  i: ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction,
  parts: readonly RenderedPart[],
  channel: ChannelRef,
): Promise<void> {
  const [first, ...rest] = parts;
  if (!first) return;
  const response = await i.reply({ ...followUpOptions(first), flags: flags(first), withResponse: true });
  const message = response.resource?.message;
  if (message) await posted(ctx, message, first, channel);
  await followUps(ctx, i, rest, channel);
}

/**
 * `/command`: the answer goes out directly when the core has it within {@link ANSWER_BUDGET_MS}, with
 * each message's own visibility. Otherwise the adapter defers with the command's usual visibility and
 * fills the placeholder later. Discord fixes the placeholder's visibility at the defer and makes the
 * first follow-up fill it (discord-api-docs PR #3466, discord.js #6465), so an answer of the other
 * visibility never goes into it: the placeholder gets a short neutral line and the answer follows as
 * a separate follow-up with its own flags. The placeholder is never deleted.
 */
export async function answerCommand(
  ctx: DeliveryContext,
  i: ChatInputCommandInteraction,
  work: Promise<Reply[]>,
  deferPrivately: boolean,
  channel: ChannelRef,
): Promise<void> {
  let replies = await within(work, ctx.budgetMs);
  if (replies) {
    const parts = newParts(replies);
    await replyDirectly(ctx, i, parts.length > 0 ? parts : renderReply(NOTHING_TO_SAY), channel);
    await applyEdits(ctx, replies, channel);
    return;
  }
  await i.deferReply(deferPrivately ? { flags: MessageFlags.Ephemeral } : {});
  replies = await work;
  const parts = newParts(replies);
  const [first, ...rest] = parts.length > 0 ? parts : renderReply(NOTHING_TO_SAY);
  if (first && first.ephemeral === deferPrivately) {
    const message = await i.editReply(editOptions(first));
    await posted(ctx, message, first, channel);
    await followUps(ctx, i, rest, channel);
  } else {
    // Filling the placeholder first makes the follow-ups independent messages with their own flags.
    await i.editReply({
      content: deferPrivately ? ANSWERED_PUBLICLY : ANSWERED_PRIVATELY,
      embeds: [],
      components: [],
    });
    await followUps(ctx, i, first ? [first, ...rest] : rest, channel);
  }
  await applyEdits(ctx, replies, channel);
}

/**
 * A button or select: a reply that replaces the pressed message (`replaceSource`, or an `editMessage` of
 * that very message) becomes UPDATE_MESSAGE (type 7) when ready in time, or DEFERRED_UPDATE_MESSAGE
 * (type 6) and then an edit of `@original`, which is the component's message. Other replies are new
 * messages with their own visibility; edits of other messages go over REST.
 */
export async function answerComponent(
  ctx: DeliveryContext,
  i: ButtonInteraction | StringSelectMenuInteraction,
  work: Promise<Reply[]>,
  channel: ChannelRef,
): Promise<void> {
  const sourceKey = discordMessageKey(i.message.channelId, i.message.id);
  const sourceEphemeral = i.message.flags.has(MessageFlags.Ephemeral);
  // An update keeps the pressed message's visibility, so only a reply of the same visibility replaces it.
  const replacesSource = (r: Reply) =>
    (r.replaceSource === true || r.editMessage === sourceKey) && (r.ephemeral === true) === sourceEphemeral;
  let replies = await within(work, ctx.budgetMs);
  const deferred = replies === undefined;
  if (deferred) await i.deferUpdate();
  replies ??= await work;
  const replacing = replies.find(replacesSource);
  const others = replies.filter((r) => r !== replacing);
  let acknowledged = deferred;
  if (replacing) {
    const [first, ...rest] = renderReply({ ...replacing, ephemeral: sourceEphemeral });
    let message: Message | null | undefined;
    if (deferred) message = await i.editReply(editOptions(first!));
    else message = (await i.update({ ...editOptions(first!), withResponse: true })).resource?.message;
    acknowledged = true;
    if (message) await posted(ctx, message, first!, channel);
    await followUps(ctx, i, rest, channel);
  }
  const parts = newParts(others);
  if (acknowledged) await followUps(ctx, i, parts, channel);
  else if (parts.length > 0) await replyDirectly(ctx, i, parts, channel);
  else await i.deferUpdate();
  await applyEdits(ctx, others, channel);
}
