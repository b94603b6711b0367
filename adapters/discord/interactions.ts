import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  PermissionFlagsBits,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { Attachment, BotCore, CommandEvent, Reply } from '../../src/bot/types.ts';
import { decodeComponent } from './custom-id.ts';
import type { DeliveryContext } from './deliver.ts';
import { discordActor, discordChannel, discordMessageKey, discordUserKey } from './identity.ts';
import { AUTOCOMPLETE_CHOICES_MAX, AUTOCOMPLETE_NAME_MAX, AUTOCOMPLETE_VALUE_MAX } from './limits.ts';
import { answerCommand, answerComponent } from './respond.ts';
import { isBlank, truncate } from './text.ts';
import { defersPrivately } from './visibility.ts';

/** Attachments (Letterboxd / IMDb exports) up to this size are fetched for the core. */
export const ATTACHMENT_FETCH_MAX = 5 * 1024 * 1024;
const ATTACHMENT_FETCH_TIMEOUT_MS = 10_000;

const APOLOGY: Reply = {
  text: 'Sorry, something went wrong on my side. Please try again in a moment.',
  ephemeral: true,
};

type AnyInteraction = RepliableInteraction | AutocompleteInteraction;

function actorOf(i: AnyInteraction) {
  const member = i.member && 'displayName' in i.member ? i.member.displayName : undefined;
  return discordActor(i.guildId, i.user.id, {
    displayName: member ?? i.user.globalName ?? i.user.username,
    // In DMs nobody administers the shared `dm` tenant, so admin-only commands stay closed there.
    isAdmin: i.guildId ? (i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false) : false,
  });
}

function channelOf(i: AnyInteraction) {
  return discordChannel(i.guildId, i.channelId ?? i.user.id);
}

async function fetchAttachment(a: { name: string; url: string; size: number }): Promise<Attachment> {
  const out: Attachment = { name: a.name, url: a.url, size: a.size };
  if (a.size > ATTACHMENT_FETCH_MAX) return out;
  try {
    const res = await fetch(a.url, { signal: AbortSignal.timeout(ATTACHMENT_FETCH_TIMEOUT_MS) });
    if (res.ok) out.content = await res.text();
  } catch {
    // The core can still fetch the URL itself (or tell the user it could not).
  }
  return out;
}

/**
 * A slash command as the core's {@link CommandEvent}: every option typed in `options` (a user option as
 * that person's user key, their display name in `mentions`), `text` left empty, so the core combines
 * options and text the same way on every platform and never re-parses a joined string.
 */
export async function commandEvent(i: ChatInputCommandInteraction): Promise<CommandEvent> {
  const options: Record<string, string | number | boolean | undefined> = {};
  const mentions: NonNullable<CommandEvent['mentions']> = [];
  const attachments: Attachment[] = [];
  const flat: CommandInteractionOption[] = i.options.data.flatMap((o) => (o.options ? [...o.options] : [o]));
  for (const o of flat) {
    if (o.attachment) {
      attachments.push(await fetchAttachment(o.attachment));
      options[o.name] = o.attachment.name;
    } else if (o.user) {
      const userKey = discordUserKey(i.guildId, o.user.id);
      options[o.name] = userKey;
      const member = o.member && 'displayName' in o.member ? o.member.displayName : undefined;
      mentions.push({ userKey, displayName: member ?? o.user.globalName ?? o.user.username });
    } else if (o.value !== undefined) {
      options[o.name] = o.value;
    }
  }
  const event: CommandEvent = {
    type: 'command',
    id: i.id,
    actor: actorOf(i),
    channel: channelOf(i),
    command: i.commandName,
    text: '',
    options,
  };
  if (mentions.length > 0) event.mentions = mentions;
  if (attachments.length > 0) event.attachments = attachments;
  return event;
}

async function handleSafely(ctx: DeliveryContext, event: Parameters<BotCore['handle']>[0]): Promise<Reply[]> {
  try {
    return await ctx.core.handle(event);
  } catch (error) {
    ctx.logger.error(
      { err: error, eventId: event.id, type: event.type },
      'core failed to handle a Discord event',
    );
    return [APOLOGY];
  }
}

/**
 * `/command`: the core starts at once (the attachment fetch included) and the answer goes out directly
 * when ready within the budget, else after a deferral (see {@link answerCommand}).
 */
export async function onChatInput(ctx: DeliveryContext, i: ChatInputCommandInteraction): Promise<void> {
  const work = commandEvent(i).then((event) => handleSafely(ctx, event));
  await answerCommand(ctx, i, work, defersPrivately(ctx.core.commands, i.commandName), channelOf(i));
}

/** A button or select on one of our messages (see {@link answerComponent}). */
export async function onComponent(
  ctx: DeliveryContext,
  i: ButtonInteraction | StringSelectMenuInteraction,
): Promise<void> {
  const decoded = decodeComponent(i.customId, i.isStringSelectMenu() ? i.values : undefined);
  if (!decoded) return;
  const work = handleSafely(ctx, {
    type: 'action',
    id: i.id,
    actor: actorOf(i),
    channel: channelOf(i),
    actionId: decoded.actionId,
    ...(decoded.value !== undefined && { value: decoded.value }),
    messageKey: discordMessageKey(i.message.channelId, i.message.id),
  });
  await answerComponent(ctx, i, work, channelOf(i));
}

/** Title suggestions within Discord's autocomplete limits (25 choices, 100-character names and values). */
export async function autocompleteChoices(
  core: BotCore,
  query: string,
  actor: ReturnType<typeof actorOf>,
): Promise<{ name: string; value: string }[]> {
  const suggestions = await core.autocomplete(query, actor);
  return suggestions
    .filter((s) => !isBlank(s.name) && s.value !== '' && s.value.length <= AUTOCOMPLETE_VALUE_MAX)
    .slice(0, AUTOCOMPLETE_CHOICES_MAX)
    .map((s) => ({ name: truncate(s.name, AUTOCOMPLETE_NAME_MAX), value: s.value }));
}

/** Autocomplete must answer within 3 s and cannot be deferred; on failure it answers with no choices. */
export async function onAutocomplete(ctx: DeliveryContext, i: AutocompleteInteraction): Promise<void> {
  const started = performance.now();
  let choices: { name: string; value: string }[] = [];
  try {
    choices = await autocompleteChoices(ctx.core, String(i.options.getFocused()), actorOf(i));
  } catch (error) {
    ctx.logger.warn({ err: error }, 'autocomplete failed');
  }
  await i.respond(choices);
  ctx.logger.debug({ ms: performance.now() - started, choices: choices.length }, 'autocomplete answered');
}
