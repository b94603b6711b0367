import { defineCommand } from '../context.ts';
import { REACTION_HELP } from '../emoji.ts';
import { COMMAND_LIST } from './list.ts';

export default defineCommand({
  name: 'help',
  description: 'What I can do',
  usage: '',
  visibility: 'private',
  options: [],
  aliases: ['h', '?'],
  async run() {
    const lines = COMMAND_LIST.filter((c) => !c.hidden).map(
      (c) => `\`/${c.name}${c.usage ? ` ${c.usage}` : ''}\` — ${c.description}`,
    );
    return {
      text: [
        '**movierec** — movie recommendations that learn from your ratings.',
        ...lines,
        '',
        REACTION_HELP,
      ].join('\n'),
      ephemeral: true,
      data: { commands: COMMAND_LIST.filter((c) => !c.hidden).map((c) => c.name) },
    };
  },
});
