import { UserError } from '../errors.ts';
import type { Actor, BotEvent, ChannelRef } from './types.ts';

/** Longest chat message the core reads; longer ones are refused with a friendly error. */
export const MAX_INPUT_CHARS = 2000;
/** Longest piece of user text echoed back in a reply. */
export const MAX_ECHO_CHARS = 80;

const MASS_MENTION = /@(everyone|here|channel)\b/gi;
/** Discord `<@id>`, `<@!id>`, `<@&role>`, `<#chan>`; Slack `<!here>`, `<!channel>`, `<@U123>`, `<!subteam^…>`. */
const PLATFORM_MENTION = /<[@#!][^>]*>/g;
const CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Makes user text safe to echo: no mass or user mentions, no control characters, one line, at most
 * `max` characters (cut with an ellipsis).
 */
export function sanitizeEcho(text: string, max = MAX_ECHO_CHARS): string {
  const clean = text
    .replace(CONTROL, ' ')
    .replace(PLATFORM_MENTION, '')
    .replace(MASS_MENTION, '@\u200b$1')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** C0 and C1 control characters and DEL, except tab and newline (which free text may hold). */
const CONTROL_IN_TEXT = /[^\P{Cc}\t\n]/gu;
/** Every control character, tab and newline included: names and identifiers are one line. */
const CONTROL_ANY = /\p{Cc}/gu;

/**
 * Free text as the core accepts it: control characters other than tab and newline become spaces.
 * Postgres refuses NUL in text (`invalid byte sequence for encoding "UTF8": 0x00`), so a NUL that
 * reached a query would turn a typo into "something went wrong"; the other controls are never meant.
 */
export function cleanText(text: string): string {
  return text.replace(CONTROL_IN_TEXT, ' ');
}

/** A display name or identifier: control characters (tab and newline too) removed, ends trimmed. */
export function cleanName(name: string): string {
  return name.replace(CONTROL_ANY, '').trim();
}

/** An identifier (ids, keys, emoji): control characters removed, nothing else changed. */
function cleanId(id: string): string {
  return id.replace(CONTROL_ANY, '');
}

function cleanActor(actor: Actor): Actor {
  const displayName = actor.displayName === undefined ? undefined : cleanName(actor.displayName);
  return {
    ...actor,
    userKey: cleanId(actor.userKey),
    tenant: cleanId(actor.tenant),
    ...(actor.displayName === undefined ? {} : { displayName: displayName || undefined }),
  };
}

function cleanChannel(channel: ChannelRef): ChannelRef {
  return {
    ...channel,
    key: cleanId(channel.key),
    tenant: cleanId(channel.tenant),
    ...(channel.memberKeys ? { memberKeys: channel.memberKeys.map(cleanId) } : {}),
  };
}

/**
 * An event with every string a platform (or a user) chose cleaned before anything reads it, so nothing
 * the database refuses can reach it: command text, option values and select values keep their tabs and
 * newlines; display names, ids and keys lose every control character. Attachment contents are files,
 * left to the importer (which detects their encoding).
 */
export function cleanEvent(event: BotEvent): BotEvent {
  const id = cleanId(event.id);
  const actor = cleanActor(event.actor);
  const channel = cleanChannel(event.channel);
  if (event.type === 'action') {
    return {
      ...event,
      id,
      actor,
      channel,
      actionId: cleanId(event.actionId),
      ...(event.value === undefined ? {} : { value: cleanText(event.value) }),
      ...(event.messageKey === undefined ? {} : { messageKey: cleanId(event.messageKey) }),
    };
  }
  if (event.type === 'reaction') {
    return {
      ...event,
      id,
      actor,
      channel,
      messageKey: cleanId(event.messageKey),
      emoji: cleanId(event.emoji),
    };
  }
  const options = event.options
    ? Object.fromEntries(
        Object.entries(event.options).map(([k, v]) => [k, typeof v === 'string' ? cleanText(v) : v]),
      )
    : undefined;
  return {
    ...event,
    id,
    actor,
    channel,
    command: cleanId(event.command),
    text: cleanText(event.text ?? ''),
    ...(options ? { options } : {}),
    ...(event.mentions
      ? {
          mentions: event.mentions.map((m) => ({
            userKey: cleanId(m.userKey),
            ...(m.displayName === undefined ? {} : { displayName: cleanName(m.displayName) }),
          })),
        }
      : {}),
    ...(event.attachments
      ? { attachments: event.attachments.map((a) => ({ ...a, name: cleanName(a.name) })) }
      : {}),
  };
}

/** Checks a message's length before anything parses it. */
export function checkInputLength(text: string): void {
  if (text.length > MAX_INPUT_CHARS) {
    throw new UserError(
      'too-long',
      `That message is ${text.length.toLocaleString('en')} characters long; please keep it under ${MAX_INPUT_CHARS.toLocaleString('en')}.`,
    );
  }
}

const STAR_CHARS = /^[★⭐]+(½)?$/u;
const NUMERIC = /^(\d+(?:[.,]\d+)?)(?:\/(5|10))?(?:★|⭐)?$/u;

/**
 * Reads stars from a token: `4`, `4.5`, `4,5`, `9/10`, `★★★★`, `⭐⭐⭐½`. Returns the number as
 * written (range is checked by the caller), or null when the token is not a rating.
 */
export function parseStarsToken(token: string): number | null {
  const t = token.trim().replace(/\uFE0F/g, '');
  if (STAR_CHARS.test(t)) {
    const whole = [...t].filter((c) => c === '★' || c === '⭐').length;
    return whole + (t.endsWith('½') ? 0.5 : 0);
  }
  const m = NUMERIC.exec(t);
  if (!m) return null;
  const value = Number(m[1]!.replace(',', '.'));
  return m[2] === '10' ? value / 2 : value;
}

/** Splits `<title> <stars>` (stars last, optionally followed by "stars"). */
export function splitTitleAndStars(text: string): { title: string; stars: number | null } {
  const words = text.trim().split(/\s+/);
  if (words.length > 1 && /^stars?$/i.test(words.at(-1)!)) words.pop();
  const last = words.at(-1);
  const stars = words.length > 1 && last ? parseStarsToken(last) : null;
  return stars === null
    ? { title: words.join(' '), stars: null }
    : { title: words.slice(0, -1).join(' '), stars };
}

/**
 * Formats stars for display: `★★★★½ 4.5`. Drawn to the nearest half star, like ratings, so a
 * prediction of 3.7 reads `★★★½ 3.7` and 3.8 reads `★★★★ 3.8`; the number is shown as given.
 */
export function formatStars(stars: number): string {
  const halves = Math.round(Math.min(5, Math.max(0, stars)) * 2);
  return `${'★'.repeat(Math.floor(halves / 2))}${halves % 2 === 1 ? '½' : ''} ${stars}`;
}
