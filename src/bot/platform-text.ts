import type { Platform } from './types.ts';

/** Commands Slack keeps as their own slash commands; every other one lives under `/movierec`. */
const SLACK_TOP_LEVEL = new Set(['recommend', 'rate', 'movierec']);

/**
 * How a user types `command args` on their platform: `/vote 1` in the console and on Discord,
 * `/movierec vote 1` on Slack, where slash commands are workspace-global and short names collide.
 */
export function slash(platform: Platform, command: string, args = ''): string {
  const line = platform === 'slack' && !SLACK_TOP_LEVEL.has(command) ? `/movierec ${command}` : `/${command}`;
  return args ? `${line} ${args}` : line;
}

/**
 * Commands named in code spans (`` `/search nolan` ``) as typed on `platform`: on Slack every command but
 * `/recommend` and `/rate` lives under `/movierec`, so prompts written once for every platform still
 * tell Slack users something that works. `isCommand` says which names are the bot's commands.
 */
export function commandsAsTyped(
  text: string,
  platform: Platform,
  isCommand: (name: string) => boolean,
): string {
  if (platform !== 'slack') return text;
  return text.replace(/`\/([a-z][a-z-]*)/g, (whole, name: string) =>
    isCommand(name) ? `\`${slash(platform, name)}` : whole,
  );
}
