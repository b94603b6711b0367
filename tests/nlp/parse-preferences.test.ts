import { beforeAll, describe, expect, it } from 'vitest';
import { describePreferences, parseRequest } from '../../src/nlp/parse-preferences.ts';
import { createTitleIndex, type TitleIndex } from '../../src/nlp/title-index.ts';
import type { ParsedPreferences } from '../../src/nlp/types.ts';
import { TITLE_ENTRIES } from './fixture-catalog.ts';

/** The expected parse; fields left out must be empty / null. `like` lists stored titles (year when ambiguous). */
interface Expected {
  inc?: string[];
  exc?: string[];
  from?: number;
  to?: number;
  like?: string[];
  people?: string[];
  kw?: string[];
  minRt?: number;
  maxRt?: number;
  unmatched?: string[];
}

// The fixture's newest film is from 2017, so "recent" means 2012 on.
const CASES: [string, Expected][] = [
  // Genres, synonyms and moods
  ['comedies', { inc: ['Comedy'] }],
  ['something funny', { inc: ['Comedy'] }],
  ['a scary movie', { inc: ['Horror'] }],
  ['romcom', { inc: ['Comedy', 'Romance'] }],
  ['rom-com please', { inc: ['Comedy', 'Romance'] }],
  ['romantic comedies', { inc: ['Comedy', 'Romance'] }],
  ['animated', { inc: ['Animation'] }],
  ['cartoons for the kids', { inc: ['Animation', 'Children'] }],
  ['feel-good', { inc: ['Comedy'] }],
  ['a feel good family film', { inc: ['Comedy', 'Children'] }],
  ['thriller', { inc: ['Thriller'] }],
  ['war film', { inc: ['War'] }],
  ['war movies', { inc: ['War'] }],
  ['sci-fi', { inc: ['Sci-Fi'] }],
  ['scifi', { inc: ['Sci-Fi'] }],
  ['science fiction', { inc: ['Sci-Fi'] }],
  ['SCI-FI ACTION', { inc: ['Sci-Fi', 'Action'] }],
  ['westerns', { inc: ['Western'] }],
  ['film noir', { inc: ['Film-Noir'] }],
  ['documentaries', { inc: ['Documentary'] }],
  ['a whodunit', { inc: ['Mystery'] }],
  ['gangster films', { inc: ['Crime'] }],
  ['musicals', { inc: ['Musical'] }],
  ['fantasy adventure', { inc: ['Fantasy', 'Adventure'] }],
  ['a sad drama', { inc: ['Drama'] }],
  ['IMAX', { inc: ['IMAX'] }],
  // Misspellings and mixed case
  ['hilarious comdey', { inc: ['Comedy'] }],
  ['Horor', { inc: ['Horror'] }],
  ['a good thriler', { inc: ['Thriller'] }],
  ['documentry', { inc: ['Documentary'] }],
  ['RoMaNcE', { inc: ['Romance'] }],
  ['westrens from the fifties', { inc: ['Western'], from: 1950, to: 1959 }],
  // Decades and years
  ['90s', { from: 1990, to: 1999 }],
  ['1990s', { from: 1990, to: 1999 }],
  ['nineties', { from: 1990, to: 1999 }],
  ["80's", { from: 1980, to: 1989 }],
  ["movies from the '70s", { from: 1970, to: 1979 }],
  ['early 80s horror', { inc: ['Horror'], from: 1980, to: 1983 }],
  ['late 90s', { from: 1996, to: 1999 }],
  ['from 2010', { from: 2010 }],
  ['2010 onwards', { from: 2010 }],
  ['before 1980', { to: 1979 }],
  ['after 2000', { from: 2001 }],
  ['since 2005', { from: 2005 }],
  ['between 1995 and 2005', { from: 1995, to: 2005 }],
  ['1995-2005', { from: 1995, to: 2005 }],
  ['from 1970 to 1985', { from: 1970, to: 1985 }],
  ['2005-1995', { from: 1995, to: 2005 }],
  ['between 2005 and 1995', { from: 1995, to: 2005 }],
  ['from the 90s to 1885', { from: 1885, to: 1999 }],
  ['in 1999', { from: 1999, to: 1999 }],
  ['the 2000s', { from: 2000, to: 2009 }],
  ['pre-1960 dramas', { inc: ['Drama'], to: 1959 }],
  ['recent', { from: 2012 }],
  ['something new', { from: 2012 }],
  ['old', { to: 1979 }],
  ['classic westerns', { inc: ['Western'], to: 1979 }],
  ['older than 1990', { to: 1989 }],
  // Negation
  ['no horror', { exc: ['Horror'] }],
  ['not too long', { maxRt: 120 }],
  ['without romance', { exc: ['Romance'] }],
  ['anything but musicals', { exc: ['Musical'] }],
  ['nothing before 1970', { from: 1970 }],
  ['nothing after 2000', { to: 2000 }],
  ['no horror or romance', { exc: ['Horror', 'Romance'] }],
  ['I dont like horror', { exc: ['Horror'] }],
  ["I don't want anything scary", { exc: ['Horror'] }],
  ['no horror but comedies are fine', { exc: ['Horror'], inc: ['Comedy'], kw: ['fine'] }],
  ['not for kids', { exc: ['Children'] }],
  ['nothing old', { from: 1980 }],
  ['not short', { minRt: 90 }],
  ['no zombies', { unmatched: ['zombies'] }],
  ['horror but no comedy', { inc: ['Horror'], exc: ['Comedy'] }],
  ['other than westerns', { exc: ['Western'] }],
  ['no 80s', { unmatched: ['80s'] }],
  // Similar titles
  ['like Alien', { like: ['Alien'] }],
  ['something like the matrix', { like: ['Matrix, The'] }],
  ['similar to Toy Story', { like: ['Toy Story'] }],
  ['Alien meets Toy Story', { like: ['Alien', 'Toy Story'] }],
  ['the matrix meets groundhog day', { like: ['Matrix, The', 'Groundhog Day'] }],
  ['like terminator 2', { like: ['Terminator 2: Judgment Day'] }],
  ['like Alein', { like: ['Alien'] }],
  ['like the matrx', { like: ['Matrix, The'] }],
  ['in the vein of Blade Runner', { like: ['Blade Runner'] }],
  ['like Alien and Aliens', { like: ['Alien', 'Aliens'] }],
  ['like hamlet 1948', { like: ['Hamlet:1948'] }],
  ['like Scary Movie', { like: ['Scary Movie'] }],
  ['like No Country for Old Men', { like: ['No Country for Old Men'] }],
  ['like star wars', { like: ['Star Wars: Episode IV - A New Hope'] }],
  ['fans of Se7en', { like: ['Seven (a.k.a. Se7en)'] }],
  ['I like comedies', { inc: ['Comedy'] }],
  ['like xyzzy', { kw: ['xyzzi'] }],
  ['films like Up', { like: ['Up'] }],
  ['like it or alien', { like: ['It', 'Alien'] }],
  ['I would like it scary', { inc: ['Horror'] }],
  ['documentary about music and animals', { inc: ['Documentary'], kw: ['music', 'anim'] }],
  // People
  ['by Christopher Nolan', { people: ['Christopher Nolan'] }],
  ['directed by nolan', { people: ['Christopher Nolan'] }],
  ['with Tom Hanks', { people: ['Tom Hanks'] }],
  ['starring sigourney weaver', { people: ['Sigourney Weaver'] }],
  ['with arnold schwarzeneger', { people: ['Arnold Schwarzenegger'] }],
  ['by spielberg', { people: ['Steven Spielberg'] }],
  ['with lots of action', { inc: ['Action'] }],
  ['tom hanks comedies', { people: ['Tom Hanks'], inc: ['Comedy'] }],
  ['spielberg', { people: ['Steven Spielberg'] }],
  ['no nolan please', { unmatched: ['Christopher Nolan'] }],
  ['without tom hanks', { unmatched: ['Tom Hanks'] }],
  ['comedies, not by spielberg', { inc: ['Comedy'], unmatched: ['Steven Spielberg'] }],
  // Running time
  ['short', { maxRt: 90 }],
  ['under 2 hours', { maxRt: 120 }],
  ['less than 90 minutes', { maxRt: 90 }],
  ['long', { minRt: 140 }],
  ['over 2.5 hours', { minRt: 150 }],
  ['at least an hour and a half', { minRt: 90 }],
  ['1h30 max', { maxRt: 90 }],
  ['under 100 min', { maxRt: 100 }],
  ['nothing longer than 2 hours', { maxRt: 120 }],
  ['no more than 100 minutes', { maxRt: 100 }],
  // Keywords and the rest
  ['space battles', { kw: ['space', 'battl'] }],
  ['heist with a twist', { inc: ['Crime'], kw: ['twist'] }],
  ['top 10 robots', { kw: ['top', 'robot'], unmatched: ['10'] }],
  ['映画 comedy', { inc: ['Comedy'], unmatched: ['映画'] }],
  // A request that is only a title
  ['the godfather', { like: ['Godfather, The'] }],
  ['Blade Runner', { like: ['Blade Runner'] }],
  ['shawshenk redemption', { like: ['Shawshank Redemption, The'] }],
  ['hamlet', { like: ['Hamlet:1996'] }],
  // Combined requests, /prefs sentences
  [
    'funny 90s sci-fi like Alien, no horror',
    { inc: ['Comedy', 'Sci-Fi'], from: 1990, to: 1999, like: ['Alien'], exc: ['Horror'] },
  ],
  [
    'love sci-fi and comedies, no horror, nothing before 1970',
    { inc: ['Sci-Fi', 'Comedy'], exc: ['Horror'], from: 1970 },
  ],
  ['90s sci-fi', { inc: ['Sci-Fi'], from: 1990, to: 1999 }],
  [
    'something like terminator 2 but shorter, after 1985',
    { like: ['Terminator 2: Judgment Day'], maxRt: 90, from: 1986 },
  ],
  ['animated, not too long, for kids', { inc: ['Animation', 'Children'], maxRt: 120 }],
  ['<@123456789> @everyone **funny** 🎬 movie!!', { inc: ['Comedy'] }],
  ['a war film by spielberg with tom hanks', { inc: ['War'], people: ['Steven Spielberg', 'Tom Hanks'] }],
  ['Scary movies from the 80s without gore', { inc: ['Horror'], from: 1980, to: 1989, unmatched: ['gore'] }],
];

function titleKey(entry: { title: string; year: number | null }): string {
  const sameTitle = TITLE_ENTRIES.filter((e) => e.title === entry.title).length > 1;
  return sameTitle ? `${entry.title}:${entry.year}` : entry.title;
}

function simplify(p: ParsedPreferences): Required<Expected> {
  return {
    inc: [...p.genres.include].sort(),
    exc: [...p.genres.exclude].sort(),
    from: p.yearFrom as number,
    to: p.yearTo as number,
    like: p.similarTo.map(titleKey),
    people: p.people,
    kw: p.keywords,
    minRt: p.minRuntime as number,
    maxRt: p.maxRuntime as number,
    unmatched: p.unmatched,
  };
}

function expected(e: Expected): Required<Expected> {
  return {
    inc: [...(e.inc ?? [])].sort(),
    exc: [...(e.exc ?? [])].sort(),
    from: (e.from ?? null) as number,
    to: (e.to ?? null) as number,
    like: e.like ?? [],
    people: e.people ?? [],
    kw: e.kw ?? [],
    minRt: (e.minRt ?? null) as number,
    maxRt: (e.maxRt ?? null) as number,
    unmatched: e.unmatched ?? [],
  };
}

describe('parsePreferences', () => {
  let index: TitleIndex;
  beforeAll(() => {
    index = createTitleIndex(TITLE_ENTRIES);
  });

  it('has a table of at least 80 requests', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
  });

  it.each(CASES)('%s', (text, expectation) => {
    expect(simplify(parseRequest(text, index))).toEqual(expected(expectation));
  });

  it('describes a parse in one line', () => {
    const parsed = parseRequest('funny 90s sci-fi like Alien, no horror', index);
    expect(describePreferences(parsed)).toBe(
      'Looking for: comedy, sci-fi · 1990–1999 · like Alien · without horror',
    );
  });

  it('describes runtimes, people, keywords and an empty request', () => {
    const parsed = parseRequest('space movies with tom hanks under 2 hours since 2000', index);
    expect(describePreferences(parsed)).toBe(
      'Looking for: from 2000 · at most 120 min · with Tom Hanks · about space',
    );
    expect(describePreferences(parseRequest('', index))).toBe('Looking for: anything you might like');
  });

  it('shows titles in natural word order', () => {
    expect(describePreferences(parseRequest('like the godfather', index))).toBe(
      'Looking for: like The Godfather',
    );
  });
});
