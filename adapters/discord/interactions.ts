import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  MessageFlags,
  PermissionFlagsBits,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { Attachment, BotCore, CommandEvent, Reply } from '../../src/bot/types.ts';
import { decodeComponent } from './custom-id.ts';
import { type DeliveryContext, deliverReplies } from './deliver.ts';
import { discordActor, discordChannel, discordMessageKey, discordUserKey } from './identity.ts';
import { AUTOCOMPLETE_CHOICES_MAX, AUTOCOMPLETE_NAME_MAX, AUTOCOMPLETE_VALUE_MAX } from './limits.ts';
import { slashName } from './slash-commands.ts';
import { isBlank, truncate } from './text.ts';

/** Commands whose answers concern only the asker; their placeholder is ephemeral from the start. */
export const PERSONAL_COMMANDS = new Set([
  'profile',
  'prefs',
  'forget-me',
  'import',
  'export',
  'history',
  'watchlist',
]);
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

/** A slash command as the core's {@link CommandEvent}: typed options, plus their values joined as `text`. */
export async function commandEvent(
  i: ChatInputCommandInteraction,
  commands: BotCore['commands'],
): Promise<CommandEvent> {
  const options: Record<string, string | number | boolean | undefined> = {};
  const words: string[] = [];
  const attachments: Attachment[] = [];
  // Join values in the order the core declared its options, whatever order Discord sends them in.
  const declared = commands
    .find((c) => slashName(c.name) === i.commandName)
    ?.options.map((o) => slashName(o.name));
  const rank = (name: string) => {
    const at = declared?.indexOf(name) ?? -1;
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  const flat: CommandInteractionOption[] = i.options.data
    .flatMap((o) => (o.options ? [...o.options] : [o]))
    .sort((a, b) => rank(a.name) - rank(b.name));
  for (const o of flat) {
    if (o.attachment) {
      attachments.push(await fetchAttachment(o.attachment));
      options[o.name] = o.attachment.name;
    } else if (o.user) {
      options[o.name] = discordUserKey(i.guildId, o.user.id);
      words.push(`@${o.member && 'displayName' in o.member ? o.member.displayName : o.user.username}`);
    } else if (o.value !== undefined) {
      options[o.name] = o.value;
      words.push(String(o.value));
    }
  }
  const event: CommandEvent = {
    type: 'command',
    id: i.id,
    actor: actorOf(i),
    channel: channelOf(i),
    command: i.commandName,
    text: words.join(' '),
    options,
  };
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

/** `/command`: acknowledge at once (Discord allows 3 s), then let the core work and edit / follow up. */
export async function onChatInput(ctx: DeliveryContext, i: ChatInputCommandInteraction): Promise<void> {
  const ephemeral = PERSONAL_COMMANDS.has(i.commandName);
  await i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  const replies = await handleSafely(ctx, await commandEvent(i, ctx.core.commands));
  await deliverReplies(ctx, i, replies, channelOf(i), { kind: 'reply', ephemeral });
}

/** A button or select on one of our messages: acknowledge without a placeholder, answer with follow-ups. */
export async function onComponent(
  ctx: DeliveryContext,
  i: ButtonInteraction | StringSelectMenuInteraction,
): Promise<void> {
  const decoded = decodeComponent(i.customId, i.isStringSelectMenu() ? i.values : undefined);
  if (!decoded) return;
  await i.deferUpdate();
  const replies = await handleSafely(ctx, {
    type: 'action',
    id: i.id,
    actor: actorOf(i),
    channel: channelOf(i),
    actionId: decoded.actionId,
    ...(decoded.value !== undefined && { value: decoded.value }),
    messageKey: discordMessageKey(i.message.channelId, i.message.id),
  });
  await deliverReplies(ctx, i, replies, channelOf(i), { kind: 'update' });
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
