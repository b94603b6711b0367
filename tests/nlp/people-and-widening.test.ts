import { beforeAll, describe, expect, it } from 'vitest';
import { buildRecommendRequest, fillInTiers } from '../../src/nlp/constraints.ts';
import { describePreferences, parseRequest } from '../../src/nlp/parse-preferences.ts';
import { createTitleIndex, type TitleIndex } from '../../src/nlp/title-index.ts';
import type { ItemMeta } from '../../src/recommend/types.ts';
import { ITEMS, TITLE_ENTRIES } from './fixture-catalog.ts';

/** Issue 14 item 4: people and lengths, honestly. */
describe('requests about people', () => {
  let index: TitleIndex;
  const parse = (text: string) => parseRequest(text, index);
  beforeAll(() => {
    index = createTitleIndex(TITLE_ENTRIES);
  });

  it('"movies with Tom Hanks" keeps only his films (hard, like a genre) and steers by him', () => {
    const request = buildRecommendRequest(parse('movies with Tom Hanks'), ITEMS);
    const eligible = ITEMS.filter(request.filter);
    const hanks = ITEMS.filter((i) => i.cast.includes('Tom Hanks') || i.directors.includes('Tom Hanks'));
    expect(hanks.length).toBeGreaterThan(1);
    expect(eligible.map((i) => i.id).sort()).toEqual(hanks.map((i) => i.id).sort());
    expect(request.steer.people).toEqual(['Tom Hanks']);
    expect(request.relaxations).toEqual([]);
  });

  it('finds directors after "directed by" and "by", accents and case optional', () => {
    expect(parse('something directed by christopher nolan').people).toEqual(['Christopher Nolan']);
    expect(parse('a film by NOLAN').people).toEqual(['Christopher Nolan']);
    expect(parse('starring Sigourney Wéaver').people).toEqual(['Sigourney Weaver']);
  });

  it('a name nobody in the catalog has is reported, not turned into keywords', () => {
    for (const text of [
      'something with Julia Roberts',
      'starring julia roberts',
      'directed by Agnès Varda',
    ]) {
      const parsed = parse(text);
      expect(parsed.unknownPeople, text).toHaveLength(1);
      expect(parsed.keywords, text).toEqual([]);
      expect(parsed.people, text).toEqual([]);
    }
    expect(parse('something with Julia Roberts').unknownPeople).toEqual(['Julia Roberts']);
    expect(parse('directed by Agnès Varda').unknownPeople).toEqual(['Agnes Varda']);
    const request = buildRecommendRequest(parse('a comedy with Julia Roberts'), ITEMS);
    expect(request.relaxations).toEqual([
      "I don't know anyone called Julia Roberts in this catalog, so they were left out of the search.",
    ]);
  });

  it('says plainly when the catalog has no people at all', () => {
    const noPeople = ITEMS.map((i) => ({ ...i, directors: [], cast: [] }));
    const request = buildRecommendRequest(parse('starring Julia Roberts'), noPeople);
    expect(request.relaxations).toEqual([
      "This catalog has no cast or director information yet, so I can't look for films with Julia Roberts.",
    ]);
  });

  it('does not read topics after "with" as people ("with talking animals", lower case)', () => {
    const parsed = parse('a cartoon with talking animals');
    expect(parsed.unknownPeople).toEqual([]);
    expect(parsed.keywordWords).toEqual(['talking', 'animals']);
  });

  it('never shows stems: the description uses the words as written', () => {
    const parsed = parse('comedies about robots and thrilling chases');
    expect(parsed.keywords).toContain('thrill');
    const line = describePreferences(parsed);
    expect(line).toContain('about robots, thrilling, chases');
    expect(line).not.toMatch(/\bthrill\b|\bchase\b|\brobot\b/);
  });

  it('drops a named person last, and says so, when nothing else fits', () => {
    const request = buildRecommendRequest(parse('westerns with Tom Hanks'), ITEMS);
    expect(request.relaxations).toHaveLength(1);
    expect(request.relaxations[0]).toMatch(/^No western films with Tom Hanks; showing /);
  });
});

describe('widened years, truthfully', () => {
  let index: TitleIndex;
  beforeAll(() => {
    index = createTitleIndex(TITLE_ENTRIES);
  });

  it('"sci-fi 1977": the few 1977 films come first and the message says they exist', () => {
    const request = buildRecommendRequest(parseRequest('sci-fi 1977', index), ITEMS, { minEligible: 10 });
    const asked = ITEMS.filter((i) => i.year === 1977 && i.genres.includes('Sci-Fi'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.length).toBeLessThan(10);
    expect(request.relaxations[0]).toMatch(
      new RegExp(
        `^Only ${asked.length} films? fits? \\(sci-fi films from 1977\\); adding sci-fi films from \\d{4}–\\d{4} after`,
      ),
    );
    // Whatever order the recommender prefers, the asked year leads the list.
    const reversed = [...ITEMS].reverse();
    const fetch = (k: number, f: ((i: ItemMeta) => boolean) | undefined) =>
      reversed
        .filter((i) => !f || f(i))
        .slice(0, k)
        .map((i) => ({ item: i.id }));
    const listed = fillInTiers(10, request.tiers, request.filter, fetch).map((r) => r.item);
    expect(listed.slice(0, asked.length).sort()).toEqual(asked.map((i) => i.id).sort());
    expect(listed.length).toBeGreaterThan(asked.length);
  });

  it('says "No …" only when nothing fits as asked', () => {
    const request = buildRecommendRequest(parseRequest('1970s westerns', index), ITEMS);
    expect(request.relaxations[0]).toMatch(/^No western films from the 1970s; showing /);
  });
});

describe('lengths nobody knows', () => {
  it('says the length could not be checked when no film that fits has a known running time', () => {
    const index = createTitleIndex(TITLE_ENTRIES);
    const items = ITEMS.map((i) => (i.genres.includes('Sci-Fi') ? { ...i, runtime: null } : i));
    const unknown = items.filter((i) => i.genres.includes('Sci-Fi')).length;
    const request = buildRecommendRequest(parseRequest('sci-fi under 2 hours', index), items);
    expect(request.tiers).toEqual([]);
    expect(request.relaxations).toEqual([
      `Running time unknown for the ${unknown} films that otherwise fit, so their length could not be checked.`,
    ]);
    expect(items.filter(request.filter)).toHaveLength(unknown);
  });
});

describe('a person with few films', () => {
  it('keeps their films first and says the rest are other films', () => {
    const index = createTitleIndex(TITLE_ENTRIES);
    const request = buildRecommendRequest(parseRequest('movies with Sigourney Weaver', index), ITEMS, {
      minEligible: 10,
    });
    const hers = ITEMS.filter((i) => i.cast.includes('Sigourney Weaver'));
    expect(hers.length).toBeGreaterThan(0);
    expect(hers.length).toBeLessThan(10);
    expect(request.relaxations).toEqual([
      `Only ${hers.length} films fit (films with Sigourney Weaver); adding other films after them.`,
    ]);
    expect(request.tiers).toHaveLength(1);
    expect(ITEMS.filter(request.tiers[0]!)).toEqual(hers);
  });
});
