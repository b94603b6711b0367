import { describe, expect, it } from 'vitest';
import { argNumber, argText, commandArgs } from '../../src/bot/command-args.ts';
import { COMMANDS, findCommand } from '../../src/bot/commands/index.ts';
import type { CommandEvent } from '../../src/bot/types.ts';

const argsOf = (command: string, event: Pick<CommandEvent, 'text' | 'options'>) =>
  commandArgs(findCommand(command)!, event);

/**
 * Each row: one request as the console and Slack send it (text) and as Discord sends it (typed options),
 * and the arguments both must give the command.
 */
const SAME_REQUEST: [
  command: string,
  text: string,
  options: CommandEvent['options'],
  want: Record<string, string | number>,
][] = [
  ['rate', 'Heat 4.5', { title: 'Heat', stars: 4.5 }, { title: 'Heat', stars: 4.5 }],
  ['rate', 'The Heat ★★★★', { title: 'The Heat', stars: 4 }, { title: 'The Heat', stars: 4 }],
  ['movie', 'Heat', { title: 'Heat' }, { title: 'Heat' }],
  ['similar', 'Alien', { title: 'Alien' }, { title: 'Alien' }],
  ['seen', 'Drive', { title: 'Drive' }, { title: 'Drive' }],
  ['not-interested', 'Drive', { title: 'Drive' }, { title: 'Drive' }],
  ['search', '1990s comedy', { words: '1990s comedy' }, { words: '1990s comedy' }],
  ['recommend', 'funny 90s', { text: 'funny 90s' }, { text: 'funny 90s' }],
  ['prefs', 'no horror', { text: 'no horror' }, { text: 'no horror' }],
  ['region', 'germany', { code: 'germany' }, { code: 'germany' }],
  ['watchlist', 'remove', { action: 'remove' }, { action: 'remove' }],
  ['watchlist', 'remove Heat', { action: 'remove', title: 'Heat' }, { action: 'remove', title: 'Heat' }],
  ['watchlist', 'add Heat', { action: 'add', title: 'Heat' }, { action: 'add', title: 'Heat' }],
  ['watchlist', 'Heat', { title: 'Heat' }, { title: 'Heat' }],
  ['vote', '2', { number: 2 }, { number: 2 }],
  ['compat', 'console:ana', { user: 'console:ana' }, { user: 'console:ana' }],
  ['movienight', 'ana ben', { members: 'ana ben' }, { members: 'ana ben' }],
];

describe('command arguments: typed options first, text for the rest', () => {
  it.each(SAME_REQUEST)(
    '/%s: text %j and typed options give the same arguments',
    (command, text, options, want) => {
      const fromText = argsOf(command, { text });
      const fromOptions = argsOf(command, { text: '', options });
      for (const [name, value] of Object.entries(want)) {
        const read = typeof value === 'number' ? argNumber : argText;
        expect(read(fromText, name), `${name} from text`).toEqual(value);
        expect(read(fromOptions, name), `${name} from options`).toEqual(value);
      }
    },
  );

  it('a bare `remove` is an action, never a title', () => {
    expect(argsOf('watchlist', { text: 'remove' }).title).toBeUndefined();
    expect(argsOf('watchlist', { text: '', options: { action: 'remove' } }).title).toBeUndefined();
  });

  it('text and typed options combine: `ask` sends text plus a page size', () => {
    const args = argsOf('movienight', { text: 'ana ben', options: { count: 10 } });
    expect(argText(args, 'members')).toBe('ana ben');
    expect(argNumber(args, 'count')).toBe(10);
    const rate = argsOf('rate', { text: 'Heat 3', options: { stars: 4 } });
    expect(rate).toMatchObject({ title: 'Heat', stars: 4 });
  });

  it('blank typed options do not hide the text', () => {
    expect(argText(argsOf('movie', { text: 'Heat', options: { title: ' ' } }), 'title')).toBe('Heat');
  });

  it('every command says whether its answer is private or public', () => {
    for (const c of COMMANDS)
      expect([c.name, c.visibility]).toEqual([c.name, expect.stringMatching(/^(private|public)$/)]);
  });
});
