/**
 * movierec's Slack command namespace. Slash commands are workspace-global, so a generic `/search` or
 * `/help` would collide with other apps: every command is `/movierec <command> [text]`, and only
 * `/recommend` and `/rate` have short forms. The manifest declares exactly {@link SLACK_SLASH_COMMANDS}.
 */
import type { CommandSpecInfo, Reply } from '../../src/bot/types.ts';

/** The namespace command. */
export const NAMESPACE_COMMAND = 'movierec';
/** Core commands that also have their own short slash command. */
export const SHORT_COMMANDS = ['recommend', 'rate'] as const;
/** Every slash command the app declares (manifest.json `features.slash_commands`). */
export const SLACK_SLASH_COMMANDS = [`/${NAMESPACE_COMMAND}`, ...SHORT_COMMANDS.map((c) => `/${c}`)];

/** What a slash command asks the core: a core command and its text, or Slack's own help. */
export type RoutedCommand = { kind: 'help' } | { kind: 'core'; command: string; text: string };

/**
 * Routes a slash command: `/movierec rate Heat 4` → `rate` with `Heat 4`; `/movierec` alone, `/movierec
 * help` and `/recommend help` → help; `/recommend 90s comedy` → `recommend`. A slash command from an
 * older manifest (`/search heat`) still reaches its core command.
 */
export function routeSlashCommand(slash: string, rawText: string): RoutedCommand {
  const name = slash.replace(/^\//, '').toLowerCase();
  const text = unescapeSlackText(rawText).trim();
  if (name === NAMESPACE_COMMAND) {
    const [sub = ''] = text.split(/\s+/);
    const command = sub.replace(/^\//, '').toLowerCase();
    if (!command || isHelp(command)) return { kind: 'help' };
    return { kind: 'core', command, text: text.slice(sub.length).trim() };
  }
  if (isHelp(name) || isHelp(text.toLowerCase())) return { kind: 'help' };
  return { kind: 'core', command: name, text };
}

/**
 * Slack sends `&`, `<` and `>` in a command's text as `&amp;`, `&lt;`, `&gt;` ("Formatting text" →
 * "Escaping text"); the core wants what the person typed. Mention and link tokens (`<@U…|name>`) are
 * real `<…>` and stay as they are.
 */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function isHelp(word: string): boolean {
  return word === 'help' || word === '?' || word === 'h';
}

/** How a command is typed on Slack. */
export function slackInvocation(command: string): string {
  return (SHORT_COMMANDS as readonly string[]).includes(command)
    ? `/${command}`
    : `/${NAMESPACE_COMMAND} ${command}`;
}

/** Usage texts that differ on Slack (a slash command cannot carry a file; mentions are `@someone`). */
const SLACK_USAGE: Record<string, string> = {
  import: '<link to your uploaded ratings.csv>',
  compat: '@someone',
  'forget-me': '',
};

/** Descriptions that differ on Slack. */
const SLACK_DESCRIPTION: Record<string, string> = {
  import: 'Import your ratings from a Letterboxd or IMDb CSV export (a link to the file uploaded to Slack)',
};

const SLACK_REACTION_HELP =
  'React on a single-movie card: :one: … :five: = 1–5 stars, :+1: = 4, :-1: = 1.5, each :star: counts one star; ' +
  ':bookmark: adds to your watchlist, :no_entry_sign: = not interested. Removing the reaction undoes it.';

const SLACK_IMPORT_HELP =
  'To import your Letterboxd or IMDb ratings: upload the `ratings.csv` export in your DM with me, choose ' +
  '_Copy link to file_, then run `/movierec import <link>` (at most 5 MB).';

/** Slack's /help: every command as it is typed here, the reactions, and how import works on Slack. */
export function slackHelp(commands: readonly CommandSpecInfo[]): Reply {
  const lines = commands
    .filter((c) => c.name !== 'help')
    .map((c) => {
      const usage = SLACK_USAGE[c.name] ?? c.usage;
      const description = SLACK_DESCRIPTION[c.name] ?? c.description;
      return `\`${slackInvocation(c.name)}${usage ? ` ${usage}` : ''}\` — ${description}`;
    });
  return {
    text: [
      '**movierec** — movie recommendations that learn from your ratings.',
      `Every command is \`/${NAMESPACE_COMMAND} <command>\`; \`/recommend\` and \`/rate\` also work on their own.`,
      ...lines,
      `\`/${NAMESPACE_COMMAND} help\` — this list`,
      '',
      SLACK_IMPORT_HELP,
      SLACK_REACTION_HELP,
    ].join('\n'),
    ephemeral: true,
  };
}
