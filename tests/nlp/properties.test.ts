import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRecommendRequest, fillInTiers } from '../../src/nlp/constraints.ts';
import { MAX_DESCRIPTION_CHARS } from '../../src/nlp/describe-preferences.ts';
import { MOVIELENS_GENRES } from '../../src/nlp/lexicon.ts';
import {
  describePreferences,
  MAX_KEYWORDS,
  MAX_PEOPLE,
  MAX_SIMILAR,
  MAX_UNMATCHED,
  parseRequest,
} from '../../src/nlp/parse-preferences.ts';
import { createTitleIndex, type TitleIndex } from '../../src/nlp/title-index.ts';
import type { ParsedPreferences } from '../../src/nlp/types.ts';
import { ITEMS, TITLE_ENTRIES } from './fixture-catalog.ts';

/** Pieces of requests, so random text reaches the parser's constructs and not only its tokenizer. */
const FRAGMENTS = [
  'no',
  'not',
  'without',
  'anything but',
  'nothing',
  'like',
  'similar to',
  'meets',
  'and',
  'or',
  'but',
  ',',
  '.',
  'with',
  'by',
  'from',
  'before',
  'after',
  'between',
  'since',
  'under',
  'over',
  'less than',
  'at least',
  'in',
  'horror',
  'comedies',
  'sci-fi',
  'romcom',
  'scary',
  'funny',
  'war film',
  'kids',
  'western',
  'thriller',
  'documentry',
  '90s',
  '1990s',
  "80's",
  'nineties',
  'early',
  'late',
  '1970',
  '2005',
  '1885',
  '2099',
  '12',
  '0',
  '99999999',
  'recent',
  'old',
  'classic',
  'short',
  'long',
  'too',
  '2 hours',
  '90 minutes',
  '1h30',
  'an hour and a half',
  'the matrix',
  'alien',
  'toy story',
  'terminator 2',
  'hamlet',
  'star wars',
  'tom hanks',
  'nolan',
  'spielberg',
  '<@123>',
  '@everyone',
  '**',
  '🎬',
  '映画',
  'Ωμέγα',
  '\u0000',
  '\u202e',
  'zombies',
  'space',
  'x',
  '-',
  '–',
];

const request = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join(' ')),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ maxLength: 7000 }),
);

function checkShape(p: ParsedPreferences): void {
  expect(p.similarTo.length).toBeLessThanOrEqual(MAX_SIMILAR);
  expect(p.people.length).toBeLessThanOrEqual(MAX_PEOPLE);
  expect(p.keywords.length).toBeLessThanOrEqual(MAX_KEYWORDS);
  expect(p.unmatched.length).toBeLessThanOrEqual(MAX_UNMATCHED);
  for (const g of [...p.genres.include, ...p.genres.exclude]) expect(MOVIELENS_GENRES).toContain(g);
  expect(p.genres.include.filter((g) => p.genres.exclude.includes(g))).toEqual([]);
  if (p.yearFrom !== null && p.yearTo !== null) expect(p.yearFrom).toBeLessThanOrEqual(p.yearTo);
  if (p.minRuntime !== null && p.maxRuntime !== null) expect(p.minRuntime).toBeLessThanOrEqual(p.maxRuntime);
  expect(describePreferences(p).length).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
}

describe('parser properties', () => {
  let index: TitleIndex;
  beforeAll(() => {
    index = createTitleIndex(TITLE_ENTRIES);
  });

  it('never throws and keeps every list bounded, whatever the text', () => {
    fc.assert(
      fc.property(request, (text) => {
        checkShape(parseRequest(text, index));
      }),
      { numRuns: 400 },
    );
  });

  it('handles a message at the Discord limit', () => {
    const long = 'funny 90s sci-fi like Alien, no horror <@123> 🎬 '.repeat(130).slice(0, 6000);
    const parsed = parseRequest(long, index);
    checkShape(parsed);
    expect(parsed.genres).toEqual({ include: ['Comedy', 'Sci-Fi'], exclude: ['Horror'] });
  });

  it('the filter always honours the hard constraints it reports, and never an excluded genre', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: 1, max: 30 }), (text, minEligible) => {
        const parsed = parseRequest(text, index);
        const built = buildRecommendRequest(parsed, ITEMS, { minEligible });
        const c = built.constraints;
        const eligible = ITEMS.filter(built.filter);
        expect(eligible).toHaveLength(built.eligible);
        for (const item of eligible) {
          expect(item.genres.some((g) => parsed.genres.exclude.includes(g))).toBe(false);
          if (c.anyGenre.length > 0) expect(item.genres.some((g) => c.anyGenre.includes(g))).toBe(true);
          if (c.yearFrom !== null) expect(item.year).toBeGreaterThanOrEqual(c.yearFrom);
          if (c.yearTo !== null) expect(item.year).toBeLessThanOrEqual(c.yearTo);
          // An unknown running time is kept (after the known ones: see the tiers property below).
          if (c.minRuntime !== null && item.runtime !== null)
            expect(item.runtime).toBeGreaterThanOrEqual(c.minRuntime);
          if (c.maxRuntime !== null && item.runtime !== null)
            expect(item.runtime).toBeLessThanOrEqual(c.maxRuntime);
          if (c.anyPerson.length > 0)
            expect(
              [...item.directors, ...item.cast, ...(item.writers ?? [])].some((p) => c.anyPerson.includes(p)),
            ).toBe(true);
          expect(parsed.similarTo.map((s) => s.id)).not.toContain(item.id);
        }
        if (built.relaxations.length === 0) {
          expect(c.yearFrom).toBe(parsed.yearFrom);
          expect(c.yearTo).toBe(parsed.yearTo);
          expect(c.anyGenre).toEqual(parsed.genres.include);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lists what fits the request as asked before what a relaxation or an unknown value adds', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: 1, max: 30 }), (text, minEligible) => {
        const built = buildRecommendRequest(parseRequest(text, index), ITEMS, { minEligible });
        // A stand-in recommender: the best k passing the filter, by a fixed score (catalog order).
        const fetch = (k: number, filter: ((i: (typeof ITEMS)[number]) => boolean) | undefined) =>
          ITEMS.filter((i) => !filter || filter(i))
            .slice(0, k)
            .map((i) => ({ item: i.id }));
        const n = Math.min(built.eligible, 12);
        const listed = fillInTiers(n, built.tiers, built.filter, fetch).map((r) => r.item);
        expect(new Set(listed).size).toBe(listed.length);
        expect(listed).toHaveLength(n);
        const byId = new Map(ITEMS.map((i) => [i.id, i]));
        for (const item of listed) expect(built.filter(byId.get(item)!)).toBe(true);
        // Tier of each listed item (0 = strictest it passes): never decreasing along the list.
        const tierOf = (id: number) => {
          const t = built.tiers.findIndex((tier) => tier(byId.get(id)!));
          return t < 0 ? built.tiers.length : t;
        };
        const tiers = listed.map(tierOf);
        for (let k = 1; k < tiers.length; k++) expect(tiers[k]!).toBeGreaterThanOrEqual(tiers[k - 1]!);
      }),
      { numRuns: 200 },
    );
  });
});

describe('title lookup properties', () => {
  let index: TitleIndex;
  beforeAll(() => {
    index = createTitleIndex(TITLE_ENTRIES);
  });

  it('never throws; results are bounded and scored in [0, 1]', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: 0, max: 30 }), (query, limit) => {
        const scores: number[] = [];
        const resolution = index.resolve(query);
        if (resolution.kind === 'found') scores.push(resolution.match.score);
        if (resolution.kind === 'ambiguous') {
          expect(resolution.options.length).toBeGreaterThan(1);
          expect(resolution.options.length).toBeLessThanOrEqual(10);
          scores.push(...resolution.options.map((o) => o.score));
        }
        if (resolution.kind === 'not-found') {
          expect(resolution.suggestions.length).toBeLessThanOrEqual(5);
          scores.push(...resolution.suggestions.map((o) => o.score));
        }
        const searched = index.search(query, limit);
        const completed = index.autocomplete(query, limit);
        expect(searched.length).toBeLessThanOrEqual(limit);
        expect(completed.length).toBeLessThanOrEqual(limit);
        scores.push(...searched.map((m) => m.score), ...completed.map((m) => m.score));
        for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('finds every catalog title from its own spelling, in any case, with or without its year', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TITLE_ENTRIES), fc.boolean(), fc.boolean(), (entry, upper, withYear) => {
        let query = withYear ? `${entry.title} (${entry.year})` : entry.title;
        if (upper) query = query.toUpperCase();
        const r = index.resolve(query);
        const ids =
          r.kind === 'found'
            ? [r.match.entry.id]
            : r.kind === 'ambiguous'
              ? r.options.map((o) => o.entry.id)
              : [];
        expect(ids).toContain(entry.id);
        if (withYear) expect(r.kind).toBe('found');
      }),
      { numRuns: 200 },
    );
  });

  it('autocompletes every title from any prefix of its normalised form', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TITLE_ENTRIES), fc.integer({ min: 1, max: 12 }), (entry, cut) => {
        const prefix = entry.title.slice(0, cut);
        const ids = index.autocomplete(prefix, 100).map((m) => m.entry.id);
        if (/[\p{L}\p{N}]/u.test(prefix)) expect(ids).toContain(entry.id);
      }),
      { numRuns: 200 },
    );
  });
});
