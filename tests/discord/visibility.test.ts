import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defersPrivately } from '../../adapters/discord/visibility.ts';
import { COMMANDS } from '../../src/bot/commands/index.ts';
import type { CommandSpecInfo } from '../../src/bot/types.ts';

const info = (name: string, visibility: CommandSpecInfo['visibility']): CommandSpecInfo => ({
  name,
  description: name,
  usage: '',
  options: [],
  visibility,
});

describe('the visibility of a Discord deferral', () => {
  it('every command the core offers declares whether its answer is private or public', () => {
    const undeclared = COMMANDS.filter((c) => c.visibility !== 'private' && c.visibility !== 'public');
    expect(undeclared.map((c) => c.name)).toEqual([]);
  });

  it("is each command's own declaration, whatever its name", () => {
    for (const c of COMMANDS)
      expect([c.name, defersPrivately(COMMANDS, c.name)]).toEqual([c.name, c.visibility === 'private']);
    // No table of names behind it: a command declared public defers publicly even if it is /profile.
    expect(defersPrivately([info('profile', 'public')], 'profile')).toBe(false);
    expect(defersPrivately([info('recommend', 'private')], 'recommend')).toBe(true);
  });

  it('a name the core does not offer (a stale registration) defers privately', () => {
    expect(defersPrivately(COMMANDS, 'no-such-command')).toBe(true);
  });
});

describe('the Discord README', () => {
  it('lists each command under the visibility it declares', () => {
    const readme = readFileSync(new URL('../../adapters/discord/README.md', import.meta.url), 'utf8');
    const rule = readme.slice(readme.indexOf('with the visibility the command **declares**'));
    const listed = (from: string, to: string) => {
      const part = rule.slice(rule.indexOf(from) + from.length, rule.indexOf(to));
      return [...part.matchAll(/`\/([a-z-]+)`/g)].map((m) => m[1]!).sort();
    };
    const declared = (v: 'private' | 'public') =>
      COMMANDS.filter((c) => !c.hidden && c.visibility === v)
        .map((c) => c.name)
        .sort();
    expect(listed('private for', 'public for')).toEqual(declared('private'));
    expect(listed('public for', 'If the answer')).toEqual(declared('public'));
  });
});
