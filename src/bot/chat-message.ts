import { UserError } from '../errors.ts';
import { checkInputLength } from './text.ts';

/** Words that mean "next page" in a chat. */
const MORE_WORDS = /^(more|next|more please|show more)$/i;

/**
 * Reads a typed chat message (console, `ask`): `/command rest`, `more`, `help`, or free text, which
 * means `/recommend <text>`.
 */
export function parseChatMessage(message: string): { command: string; text: string } {
  checkInputLength(message);
  const trimmed = message.trim();
  if (trimmed === '') throw new UserError('empty-message', 'Say something! Try `/recommend` or `/help`.');
  if (trimmed.startsWith('/')) {
    const m = /^\/(\S*)\s*([\s\S]*)$/.exec(trimmed)!;
    if (!m[1]) throw new UserError('empty-command', 'Type a command after the slash, e.g. `/help`.');
    return { command: m[1].toLowerCase(), text: m[2]!.trim() };
  }
  if (MORE_WORDS.test(trimmed)) return { command: 'more', text: '' };
  if (/^help$/i.test(trimmed)) return { command: 'help', text: '' };
  return { command: 'recommend', text: trimmed };
}
