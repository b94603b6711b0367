import type { CommandSpec } from '../context.ts';
import { defineCommand } from '../context.ts';
import { REACTION_HELP } from '../emoji.ts';
import { slash } from '../platform-text.ts';
import type { Platform } from '../types.ts';
import { COMMAND_LIST } from './list.ts';

/** The console's own shortcuts, which no chat platform understands. */
const CONSOLE_SHORTCUTS = [
  '**Console shortcuts** (the number is the result number shown on screen):',
  '`:5 2` rate result 2 with 5 stars (`:4.5 2` half stars, `:-5 2` undo) · `:seen 2` · `:watch 2` · `:no 2` not interested',
  '`more` next page · `!1` press button 1 · plain words = `/recommend <words>` · `quit` leaves',
];

/** Usage written the way each platform takes it: no console syntax on Discord or Slack. */
function usageOn(platform: Platform, c: CommandSpec): string {
  if (c.name === 'import') {
    if (platform === 'console') return '<path to ratings.csv>';
    if (platform === 'discord') return 'file: (attach your ratings.csv)';
    return '<link to your ratings.csv> (upload the file to Slack, then paste its link)';
  }
  // On chat platforms the confirmation is a button; typing "yes" is a console habit.
  if (c.name === 'forget-me') return platform === 'console' ? '[yes | all]' : '';
  return c.usage;
}

export default defineCommand({
  name: 'help',
  description: 'What I can do',
  usage: '',
  visibility: 'private',
  options: [],
  aliases: ['h', '?'],
  async run(ctx) {
    const platform = ctx.event.channel.platform;
    const shown = COMMAND_LIST.filter((c) => !c.hidden);
    const lines = shown.map((c) => {
      const usage = usageOn(platform, c);
      return `\`${slash(platform, c.name, usage)}\` — ${c.description}`;
    });
    return {
      text: [
        '**movierec** — movie recommendations that learn from your ratings.',
        ...lines,
        '',
        REACTION_HELP,
        ...(platform === 'console' ? ['', ...CONSOLE_SHORTCUTS] : []),
      ].join('\n'),
      ephemeral: true,
      data: { commands: shown.map((c) => c.name) },
    };
  },
});
