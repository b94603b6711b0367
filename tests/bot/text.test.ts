import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from '../../adapters/console/input.ts';
import { actionId, parseActionId } from '../../src/bot/action-ids.ts';
import { parseChatMessage } from '../../src/bot/chat-message.ts';
import { reactionMeaning } from '../../src/bot/emoji.ts';
import { parseRatingsExport } from '../../src/bot/ratings-import.ts';
import {
  cleanName,
  cleanText,
  MAX_INPUT_CHARS,
  parseStarsToken,
  sanitizeEcho,
  splitTitleAndStars,
} from '../../src/bot/text.ts';
import { ACTION_ID_MAX } from '../../src/bot/types.ts';

describe('sanitizeEcho', () => {
  it('defuses mass mentions and platform mentions', () => {
    expect(sanitizeEcho('hi @everyone and @here <@123> <@&9> <!channel> <#42>')).toBe(
      'hi @\u200beveryone and @\u200bhere',
    );
  });
  it('never lets a mention through and respects the length limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 5, max: 200 }), (s, max) => {
        const out = sanitizeEcho(s, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/@(everyone|here|channel)\b/i);
        expect(out).not.toMatch(/<[@#!][^>]*>/);
        expect(out).not.toMatch(/\p{Cc}/u);
      }),
    );
  });
});

describe('cleanText / cleanName', () => {
  it('leave no control character but tab and newline in text, and none in names', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(cleanText(s)).not.toMatch(/[^\P{Cc}\t\n]/u);
        expect(cleanText(s)).toHaveLength(s.length); // replaced by spaces: positions kept
        expect(cleanName(s)).not.toMatch(/\p{Cc}/u);
      }),
    );
    expect(cleanText('Heat\u0000 4\tx\ny\u0085')).toBe('Heat  4\tx\ny ');
    expect(cleanName(' Ana\u0000 Lee\u0007\n')).toBe('Ana Lee');
  });
});

describe('stars', () => {
  it('reads numbers, fractions of ten and star strings', () => {
    expect(parseStarsToken('4')).toBe(4);
    expect(parseStarsToken('4,5')).toBe(4.5);
    expect(parseStarsToken('9/10')).toBe(4.5);
    expect(parseStarsToken('⭐⭐⭐')).toBe(3);
    expect(parseStarsToken('★★★★½')).toBe(4.5);
    expect(parseStarsToken('Heat')).toBeNull();
  });
  it('splits a title from trailing stars', () => {
    expect(splitTitleAndStars('The Matrix 4.5')).toEqual({ title: 'The Matrix', stars: 4.5 });
    expect(splitTitleAndStars('Se7en 5 stars')).toEqual({ title: 'Se7en', stars: 5 });
    expect(splitTitleAndStars('2001 A Space Odyssey')).toEqual({
      title: '2001 A Space Odyssey',
      stars: null,
    });
    expect(splitTitleAndStars('1917 4')).toEqual({ title: '1917', stars: 4 });
    expect(splitTitleAndStars('Heat 7')).toEqual({ title: 'Heat', stars: 7 });
  });
});

describe('reactionMeaning', () => {
  it('maps keycaps, names, thumbs, stars and marks', () => {
    expect(reactionMeaning('5️⃣')).toMatchObject({ kind: 'stars', stars: 5, emoji: '5️⃣' });
    expect(reactionMeaning('five')).toMatchObject({ kind: 'stars', stars: 5, emoji: '5️⃣' });
    expect(reactionMeaning('3\u20E3')).toMatchObject({ kind: 'stars', stars: 3 });
    expect(reactionMeaning('+1')).toMatchObject({ kind: 'stars', stars: 4, emoji: '👍' });
    expect(reactionMeaning('👎')).toMatchObject({ kind: 'stars', stars: 1.5 });
    expect(reactionMeaning('star')).toEqual({ kind: 'star-count', emoji: '⭐' });
    expect(reactionMeaning('🌟')).toEqual({ kind: 'star-count', emoji: '🌟' });
    expect(reactionMeaning('bookmark')).toEqual({ kind: 'watchlist' });
    expect(reactionMeaning('🚫')).toEqual({ kind: 'not-interested' });
    expect(reactionMeaning('tada')).toEqual({ kind: 'none' });
  });
});

describe('action ids', () => {
  it('round-trip and stay short', () => {
    const id = actionId('pick', 'AbCdEfGhIjKl', 123456);
    expect(parseActionId(id)).toEqual({ verb: 'pick', args: ['AbCdEfGhIjKl', '123456'] });
    expect(id.length).toBeLessThanOrEqual(ACTION_ID_MAX);
    expect(parseActionId('other:thing')).toBeNull();
  });
});

describe('chat messages', () => {
  it('reads commands, more and free text', () => {
    expect(parseChatMessage('/rate Heat 5')).toEqual({ command: 'rate', text: 'Heat 5' });
    expect(parseChatMessage('  more ')).toEqual({ command: 'more', text: '' });
    expect(parseChatMessage('something funny from the 90s')).toEqual({
      command: 'recommend',
      text: 'something funny from the 90s',
    });
  });
  it('refuses empty and huge messages with user errors', () => {
    expect(() => parseChatMessage('   ')).toThrow(expect.objectContaining({ code: 'empty-message' }));
    expect(() => parseChatMessage('x'.repeat(10_000))).toThrow(expect.objectContaining({ code: 'too-long' }));
    expect(() => parseChatMessage('x'.repeat(MAX_INPUT_CHARS))).not.toThrow();
  });
});

describe('console shortcuts', () => {
  it('parses reactions, card actions and buttons', () => {
    expect(parseConsoleLine(':5 2')).toEqual({ kind: 'react', emoji: '5️⃣', n: 2, added: true });
    expect(parseConsoleLine(':-5 2')).toEqual({ kind: 'react', emoji: '5️⃣', n: 2, added: false });
    expect(parseConsoleLine(':4.5 3')).toEqual({ kind: 'card-action', verb: 'rate', n: 3, value: '4.5' });
    expect(parseConsoleLine(':seen 1')).toEqual({ kind: 'card-action', verb: 'seen', n: 1 });
    expect(parseConsoleLine(':no 4')).toEqual({ kind: 'card-action', verb: 'no', n: 4 });
    expect(parseConsoleLine(':watch 1')).toEqual({ kind: 'card-action', verb: 'watch', n: 1 });
    expect(parseConsoleLine(':👍 1')).toEqual({ kind: 'react', emoji: '👍', n: 1, added: true });
    expect(parseConsoleLine('!2')).toEqual({ kind: 'press', n: 2 });
    expect(parseConsoleLine('quit')).toEqual({ kind: 'quit' });
    expect(parseConsoleLine('/rate Heat 5')).toEqual({ kind: 'message', text: '/rate Heat 5' });
  });
});

describe('ratings exports', () => {
  it('reads Letterboxd ratings.csv', () => {
    const csv =
      'Date,Name,Year,Letterboxd URI,Rating\n2024-01-02,Heat,1995,https://boxd.it/1,4.5\n2024-01-03,"Matrix, The",1999,https://boxd.it/2,5\n2024-01-04,Unrated,2000,https://boxd.it/3,\n';
    expect(parseRatingsExport(csv)).toEqual({
      format: 'letterboxd',
      ratings: [
        { title: 'Heat', year: 1995, imdbId: null, stars: 4.5 },
        { title: 'Matrix, The', year: 1999, imdbId: null, stars: 5 },
      ],
    });
  });
  it('reads IMDb exports and halves their 1–10 ratings', () => {
    const csv =
      '\uFEFFConst,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n' +
      'tt0113277,9,2020-01-01,Heat,https://www.imdb.com/title/tt0113277/,movie,8.3,170,1995,Crime,600000,1995-12-15,Michael Mann\n' +
      'tt0944947,10,2020-01-01,Game of Thrones,https://x,tvSeries,9.2,57,2011,Drama,2000000,2011-04-17,\n';
    expect(parseRatingsExport(csv)).toEqual({
      format: 'imdb',
      ratings: [{ title: 'Heat', year: 1995, imdbId: 'tt0113277', stars: 4.5 }],
    });
  });
  it('refuses files it does not recognise', () => {
    expect(() => parseRatingsExport('a,b\n1,2\n')).toThrow(
      expect.objectContaining({ code: 'unknown-export' }),
    );
  });
});
