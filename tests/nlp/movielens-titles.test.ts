import { beforeAll, expect, it } from 'vitest';
import { type MovieLensData, readMovieLensDir } from '../../src/catalog/movielens-files.ts';
import { buildRecommendRequest } from '../../src/nlp/constraints.ts';
import { parseRequest } from '../../src/nlp/parse-preferences.ts';
import { createTitleIndex, type TitleIndex } from '../../src/nlp/title-index.ts';
import type { TitleResolution } from '../../src/nlp/types.ts';
import type { ItemMeta } from '../../src/recommend/types.ts';
import { describeWithMovieLens, ML_LATEST_SMALL } from '../helpers/shared-data.ts';

function found(r: TitleResolution): string | null {
  return r.kind === 'found' ? `${r.match.entry.title} (${r.match.entry.year})` : null;
}

describeWithMovieLens('title lookup and parsing on ml-latest-small', () => {
  let data: MovieLensData;
  let index: TitleIndex;
  let items: ItemMeta[];

  beforeAll(() => {
    data = readMovieLensDir(ML_LATEST_SMALL);
    const ratingCounts = new Map<number, number>();
    for (const r of data.ratings) ratingCounts.set(r.movieId, (ratingCounts.get(r.movieId) ?? 0) + 1);
    index = createTitleIndex(
      data.movies.map((m) => ({
        id: m.movieId,
        title: m.title,
        year: m.year,
        popularity: ratingCounts.get(m.movieId) ?? 0,
      })),
    );
    items = data.movies.map((m) => ({
      id: m.movieId,
      title: m.title,
      year: m.year,
      genres: m.genres,
      tags: [],
      directors: [],
      cast: [],
      runtime: null,
    }));
  });

  it.each([
    ['the matrix', 'Matrix, The (1999)'],
    ['matrix 1999', 'Matrix, The (1999)'],
    ['The Matrix (1999)', 'Matrix, The (1999)'],
    ['Alien', 'Alien (1979)'],
    ['terminator 2', 'Terminator 2: Judgment Day (1991)'],
    ['toy story', 'Toy Story (1995)'],
    ['Toy Story II', 'Toy Story 2 (1999)'],
    ['shawshenk redemption', 'Shawshank Redemption, The (1994)'],
    ['the godfather', 'Godfather, The (1972)'],
    ['pulp fictoin', 'Pulp Fiction (1994)'],
    ['se7en', 'Seven (a.k.a. Se7en) (1995)'],
    ['amelie', "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)"],
    ['alien 3', 'Alien³ (a.k.a. Alien 3) (1992)'],
    ['spiderman', 'Spider-Man (2002)'],
    ['walle', 'WALL·E (2008)'],
    ['star wars episode 5', 'Star Wars: Episode V - The Empire Strikes Back (1980)'],
    ['godfather part ii', 'Godfather: Part II, The (1974)'],
    ['jurasic park', 'Jurassic Park (1993)'],
  ])('resolves %s', (query, expected) => {
    expect(found(index.resolve(query))).toBe(expected);
  });

  it('asks which Hamlet, showing years, most rated first', () => {
    const r = index.resolve('Hamlet');
    expect(r.kind).toBe('ambiguous');
    if (r.kind !== 'ambiguous') return;
    const years = r.options.map((o) => o.entry.year);
    expect(years).toEqual(expect.arrayContaining([1948, 1990, 1996, 2000]));
    const popularity = r.options.map((o) => o.entry.popularity);
    expect(popularity).toEqual([...popularity].sort((a, b) => b - a));
    expect(found(index.resolve('hamlet 1948'))).toBe('Hamlet (1948)');
  });

  it('autocompletes well-known titles first', () => {
    expect(index.autocomplete('the mat', 3)[0]!.entry.title).toBe('Matrix, The');
    expect(index.autocomplete('toy st', 3).map((m) => m.entry.title)).toEqual([
      'Toy Story',
      'Toy Story 2',
      'Toy Story 3',
    ]);
  });

  it('parses requests against the real titles', () => {
    const parsed = parseRequest('funny 90s sci-fi like Alien, no horror', index);
    expect(parsed.similarTo.map((s) => s.id)).toEqual([1214]);
    expect(parsed.genres).toEqual({ include: ['Comedy', 'Sci-Fi'], exclude: ['Horror'] });
    expect(parseRequest('something like toy story', index).similarTo.map((s) => s.id)).toEqual([1]);
    expect(parseRequest('the matrix meets terminator 2', index).similarTo.map((s) => s.id)).toEqual([
      2571, 589,
    ]);
  });

  it('"90s sci-fi" leaves only Sci-Fi films from 1990–1999 eligible', () => {
    const request = buildRecommendRequest(parseRequest('90s sci-fi', index), items);
    const eligible = items.filter(request.filter);
    expect(eligible.length).toBeGreaterThan(100);
    expect(eligible.every((m) => m.genres.includes('Sci-Fi') && m.year! >= 1990 && m.year! <= 1999)).toBe(
      true,
    );
    const all = items.filter(
      (m) => m.genres.includes('Sci-Fi') && m.year !== null && m.year >= 1990 && m.year <= 1999,
    );
    expect(eligible).toHaveLength(all.length);
  });
});
