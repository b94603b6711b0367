import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyRequestToUser,
  buildRecommendRequest,
  mergeStoredPreferences,
  preferencesToUserState,
} from '../../src/nlp/constraints.ts';
import { emptyPreferences, parseRequest } from '../../src/nlp/parse-preferences.ts';
import { createTitleIndex, type TitleIndex } from '../../src/nlp/title-index.ts';
import type { ItemMeta } from '../../src/recommend/types.ts';
import { ITEMS, idOf, TITLE_ENTRIES } from './fixture-catalog.ts';

function eligibleTitles(filter: (item: ItemMeta) => boolean, items = ITEMS): string[] {
  return items.filter(filter).map((i) => i.title);
}

describe('buildRecommendRequest', () => {
  let index: TitleIndex;
  const parse = (text: string) => parseRequest(text, index);
  beforeAll(() => {
    index = createTitleIndex(TITLE_ENTRIES);
  });

  it('"90s sci-fi" keeps only Sci-Fi films from 1990–1999', () => {
    const request = buildRecommendRequest(parse('90s sci-fi'), ITEMS);
    const eligible = ITEMS.filter(request.filter);
    expect(eligible.map((i) => i.title).sort()).toEqual(
      ['Godzilla', 'Jurassic Park', 'Matrix, The', 'Terminator 2: Judgment Day'].sort(),
    );
    expect(request.relaxations).toEqual([]);
    expect(request.eligible).toBe(4);
  });

  it('treats several named genres as "any of them" and steers with all of them', () => {
    const request = buildRecommendRequest(parse('funny sci-fi'), ITEMS);
    const eligible = ITEMS.filter(request.filter);
    expect(eligible.every((i) => i.genres.includes('Comedy') || i.genres.includes('Sci-Fi'))).toBe(true);
    expect(eligible.some((i) => !i.genres.includes('Sci-Fi'))).toBe(true);
    expect(request.steer.genres).toEqual(['Comedy', 'Sci-Fi']);
  });

  it('excludes genres and the example titles, and steers with titles, people and keywords', () => {
    const request = buildRecommendRequest(
      parse('like Alien with Sigourney Weaver about space, no horror'),
      ITEMS,
    );
    const eligible = ITEMS.filter(request.filter);
    expect(eligible.length).toBeGreaterThan(0);
    expect(eligible.some((i) => i.genres.includes('Horror'))).toBe(false);
    expect(request.steer).toEqual({
      genres: [],
      similarTo: [idOf('Alien')],
      keywords: ['space'],
      people: ['Sigourney Weaver'],
    });
    const likeAlien = buildRecommendRequest(parse('like Alien'), ITEMS);
    expect(ITEMS.filter(likeAlien.filter).map((i) => i.id)).not.toContain(idOf('Alien'));
  });

  it('enforces running-time bounds, keeps films of unknown length after the known ones, and says how many', () => {
    const request = buildRecommendRequest(parse('under 90 minutes'), ITEMS);
    const eligible = ITEMS.filter(request.filter);
    const unknown = ITEMS.filter((i) => i.runtime === null);
    expect(unknown.length).toBeGreaterThan(0);
    // Known and too long: out. Known and short enough, or unknown: in.
    expect(eligible.every((i) => i.runtime === null || i.runtime <= 90)).toBe(true);
    expect(eligible.filter((i) => i.runtime === null)).toHaveLength(unknown.length);
    expect(ITEMS.some((i) => i.runtime !== null && i.runtime > 90)).toBe(true);
    // The first tier holds only the films known to fit.
    expect(request.tiers).toHaveLength(1);
    const first = ITEMS.filter(request.tiers[0]!);
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((i) => i.runtime !== null && i.runtime <= 90)).toBe(true);
    expect(request.relaxations).toEqual([
      `Running time unknown for ${unknown.length} ${unknown.length === 1 ? 'film' : 'films'} that otherwise fit; ${unknown.length === 1 ? 'it comes' : 'they come'} after the films known to fit.`,
    ]);
  });

  it('keeps a film of unknown length only when it meets every other constraint (a person asked for)', () => {
    // Found by the properties test: "spielberg 1h30" let an Ed Wood film of unknown length through.
    const request = buildRecommendRequest(parse('spielberg 1h30'), ITEMS, { minEligible: 1 });
    const eligible = ITEMS.filter(request.filter);
    expect(eligible.length).toBeGreaterThan(0);
    for (const item of eligible) expect([...item.directors, ...item.cast]).toContain('Steven Spielberg');
    expect(eligibleTitles(request.filter)).not.toContain('Plan 9 from Outer Space');
  });

  it('ignores running time, and says so, when the catalog has none', () => {
    const noRuntimes = ITEMS.map((i) => ({ ...i, runtime: null }));
    const request = buildRecommendRequest(parse('short comedies'), noRuntimes);
    expect(request.relaxations).toEqual([
      'Running times are not known for this catalog, so the length was not taken into account.',
    ]);
    expect(noRuntimes.filter(request.filter).length).toBeGreaterThan(0);
  });

  it('widens the years by a decade when nothing matches, and says so', () => {
    const request = buildRecommendRequest(parse('1970s westerns'), ITEMS);
    expect([request.constraints.yearFrom, request.constraints.yearTo]).toEqual([1960, 1989]);
    expect(request.relaxations).toEqual([
      'No western films from the 1970s; showing western films from 1960–1989 instead.',
    ]);
    expect(eligibleTitles(request.filter)).toEqual([
      'Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il)',
    ]);
    const twice = buildRecommendRequest(parse('westerns from 1973 to 1983'), ITEMS, { minEligible: 3 });
    expect([twice.constraints.yearFrom, twice.constraints.yearTo]).toEqual([1953, 2003]);
    expect(eligibleTitles(twice.filter).sort()).toEqual([
      'Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il)',
      'Rio Bravo',
      'Unforgiven',
    ]);
  });

  it('drops the running time, then the years, then the genres, but never an exclusion', () => {
    const request = buildRecommendRequest(parse('short documentaries from the 1950s, no comedy'), ITEMS);
    expect(request.constraints).toMatchObject({
      minRuntime: null,
      maxRuntime: null,
      yearFrom: null,
      yearTo: null,
    });
    expect(request.constraints.anyGenre).toEqual(['Documentary']);
    expect(request.constraints.excludeGenres).toEqual(['Comedy']);
    expect(eligibleTitles(request.filter)).toEqual(['Bowling for Columbine']);
    expect(request.relaxations[0]).toMatch(
      /^No documentary films from the 1950s of at most 90 min without comedy; showing/,
    );

    const everything = buildRecommendRequest(parse('no drama, no comedy, no action'), [ITEMS[0]!, ITEMS[2]!]);
    expect(everything.eligible).toBe(0);
    expect(everything.relaxations[0]).toMatch(/^Nothing in the catalog matches/);
  });

  it('relaxes until the requested number of films is eligible', () => {
    const request = buildRecommendRequest(parse('90s sci-fi'), ITEMS, { minEligible: 6 });
    expect(request.eligible).toBeGreaterThanOrEqual(6);
    expect(request.constraints.yearFrom).toBe(1980);
  });
});

describe('stored /prefs', () => {
  let index: TitleIndex;
  beforeAll(() => {
    index = createTitleIndex(TITLE_ENTRIES);
  });

  it('become liked and avoided genres', () => {
    const prefs = parseRequest('love sci-fi and comedies, no horror, nothing before 1970', index);
    expect(preferencesToUserState(prefs)).toEqual({
      likedGenres: ['Sci-Fi', 'Comedy'],
      avoidedGenres: ['Horror'],
    });
  });

  it('apply where the request is silent, and give way where it speaks', () => {
    const stored = parseRequest('no horror, no musicals, nothing before 1970', index);
    const merged = mergeStoredPreferences(parseRequest('scary movies', index), stored);
    expect(merged.genres).toEqual({ include: ['Horror'], exclude: ['Musical'] });
    expect(merged.yearFrom).toBe(1970);
    const own = mergeStoredPreferences(parseRequest('80s comedy', index), stored);
    expect([own.yearFrom, own.yearTo]).toEqual([1980, 1989]);
    expect(mergeStoredPreferences(emptyPreferences(), emptyPreferences())).toEqual(emptyPreferences());
  });

  it('let a request override avoided genres', () => {
    const user = {
      ratings: [],
      notInterested: [],
      seen: [],
      watchlist: [],
      avoidedGenres: ['Horror', 'Musical'],
    };
    expect(applyRequestToUser(user, parseRequest('horror please', index)).avoidedGenres).toEqual(['Musical']);
    expect(applyRequestToUser(user, parseRequest('anything', index))).toBe(user);
  });
});
