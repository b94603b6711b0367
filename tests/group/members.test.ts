import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { parseMovieNightArgs } from '../../src/group/members.ts';

const discord = { platform: 'discord' as const, tenant: '42' };
const slack = { platform: 'slack' as const, tenant: 'T1' };
const console_ = { platform: 'console' as const, tenant: 'local' };

describe('movie-night arguments', () => {
  it('turns mentions into user keys of the same tenant and keeps the rest as words', () => {
    const a = parseMovieNightArgs('<@111> <@!222> something funny strategy:borda minutes:30', discord);
    expect(a.tokens).toEqual([
      { kind: 'member', key: 'discord:42:111' },
      { kind: 'member', key: 'discord:42:222' },
      { kind: 'word', text: 'something' },
      { kind: 'word', text: 'funny' },
    ]);
    expect(a).toMatchObject({ strategy: 'borda', minutes: 30 });
    expect(parseMovieNightArgs('<@U0ABC|ana> <!here> --strategy least-misery', slack)).toEqual({
      tokens: [{ kind: 'member', key: 'slack:T1:U0ABC' }, { kind: 'here' }],
      strategy: 'least-misery',
      minutes: null,
    });
    expect(parseMovieNightArgs('@ana ben', console_).tokens).toEqual([
      { kind: 'member', key: 'console:ana' },
      { kind: 'word', text: 'ben' },
    ]);
  });

  it('marks keys and mentions from another platform or tenant as foreign', () => {
    expect(parseMovieNightArgs('discord:43:111', discord).tokens).toEqual([
      { kind: 'foreign', key: 'discord:43:111' },
    ]);
    expect(parseMovieNightArgs('slack:T1:U1', discord).tokens[0]!.kind).toBe('foreign');
    expect(parseMovieNightArgs('<@U0ABC>', discord).tokens[0]!.kind).toBe('foreign');
    expect(parseMovieNightArgs('discord:42:111', discord).tokens[0]).toEqual({
      kind: 'member',
      key: 'discord:42:111',
    });
  });

  it('refuses unknown strategies and bad minutes with a friendly error', () => {
    for (const text of ['strategy:fastest', 'minutes:soon']) {
      try {
        parseMovieNightArgs(text, console_);
        expect.unreachable();
      } catch (error) {
        expect(isUserError(error)).toBe(true);
      }
    }
  });
});
