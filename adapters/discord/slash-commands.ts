import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandOptionSpec, CommandSpecInfo } from '../../src/bot/types.ts';
import {
  COMMAND_CHOICE_NAME_MAX,
  COMMAND_CHOICE_VALUE_MAX,
  COMMAND_CHOICES_MAX,
  COMMAND_DESCRIPTION_MAX,
  COMMAND_NAME_MAX,
  COMMAND_OPTIONS_MAX,
} from './limits.ts';
import { isBlank, truncate } from './text.ts';

const OPTION_TYPES = {
  string: ApplicationCommandOptionType.String,
  number: ApplicationCommandOptionType.Number,
  integer: ApplicationCommandOptionType.Integer,
  user: ApplicationCommandOptionType.User,
  attachment: ApplicationCommandOptionType.Attachment,
} as const;

/** Discord's rule for command and option names: lowercase letters, digits, `-` and `_`, 1–32 long. */
export function slashName(name: string): string {
  const clean = name
    .toLowerCase()
    .replace(/[^-_\p{L}\p{N}]+/gu, '-')
    .slice(0, COMMAND_NAME_MAX);
  return clean === '' ? 'x' : clean;
}

function description(text: string, fallback: string): string {
  return truncate(isBlank(text) ? fallback : text.trim(), COMMAND_DESCRIPTION_MAX);
}

function option(spec: CommandOptionSpec): APIApplicationCommandBasicOption {
  const base = {
    name: slashName(spec.name),
    description: description(spec.description, spec.name),
    required: spec.required === true,
  };
  if (spec.type === 'user' || spec.type === 'attachment') {
    return { ...base, type: OPTION_TYPES[spec.type] } as APIApplicationCommandBasicOption;
  }
  const choices = (spec.choices ?? [])
    .filter((c) => typeof c.value !== 'string' || c.value.length <= COMMAND_CHOICE_VALUE_MAX)
    .slice(0, COMMAND_CHOICES_MAX)
    .map((c) => ({ name: truncate(c.name, COMMAND_CHOICE_NAME_MAX), value: c.value }));
  const extra: Record<string, unknown> = {};
  // Discord refuses autocomplete together with fixed choices; fixed choices win.
  if (choices.length > 0) extra.choices = choices;
  else if (spec.autocomplete && spec.type === 'string') extra.autocomplete = true;
  if (spec.type !== 'string') {
    if (spec.minValue !== undefined) extra.min_value = spec.minValue;
    if (spec.maxValue !== undefined) extra.max_value = spec.maxValue;
  }
  return { ...base, type: OPTION_TYPES[spec.type], ...extra } as APIApplicationCommandBasicOption;
}

/**
 * The core's commands as Discord slash-command definitions (the body of `PUT /applications/{app}/commands`):
 * typed options with required ones first (Discord insists), title autocomplete, admin-only commands
 * hidden from members without Manage Server, usable in servers and in DMs with the bot.
 */
export function buildSlashCommands(
  commands: readonly CommandSpecInfo[],
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const seen = new Set<string>();
  const out: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [];
  for (const spec of commands) {
    const name = slashName(spec.name);
    if (seen.has(name)) continue;
    seen.add(name);
    const options = [...spec.options]
      .sort((a, b) => Number(b.required === true) - Number(a.required === true))
      .slice(0, COMMAND_OPTIONS_MAX)
      .map(option);
    const body: RESTPostAPIChatInputApplicationCommandsJSONBody = {
      name,
      type: ApplicationCommandType.ChatInput,
      description: description(spec.description, spec.usage || spec.name),
      options,
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    };
    if (spec.adminOnly) body.default_member_permissions = PermissionFlagsBits.ManageGuild.toString();
    out.push(body);
  }
  return out;
}
