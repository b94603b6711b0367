import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MovieLensFormatError,
  naturalTitle,
  parseMovieLensTitle,
  readMovieLensDir,
} from '../../src/catalog/movielens-files.ts';
import { describeWithMovieLens, ML_LATEST_SMALL } from '../helpers/shared-data.ts';
import {
  removeFixtureDirs,
  SMALL_DATASET,
  SMALL_LINKS,
  SMALL_MOVIES,
  SMALL_RATINGS,
  SMALL_TAGS,
  writeMovieLensDir,
} from './fixtures.ts';

afterAll(removeFixtureDirs);

describe('parseMovieLensTitle', () => {
  it.each([
    ['Matrix, The (1999)', 'Matrix, The', 1999],
    [
      'City of Lost Children, The (Cité des enfants perdus, La) (1995)',
      'City of Lost Children, The (Cité des enfants perdus, La)',
      1995,
    ],
    ['Babylon 5', 'Babylon 5', null],
    ['From Dusk Till Dawn 2: Texas Blood Money (1999) ', 'From Dusk Till Dawn 2: Texas Blood Money', 1999],
    ['Death Note: Desu nôto (2006–2007)', 'Death Note: Desu nôto', 2006],
    ['Some Series (2010-)', 'Some Series', 2010],
    ['(500) Days of Summer (2009)', '(500) Days of Summer', 2009],
    ['1984 (1984)', '1984', 1984],
    ['Number 23 (0023)', 'Number 23 (0023)', null],
    ['(1999)', '(1999)', null],
  ])('%j → %j, %j', (raw, title, year) => {
    expect(parseMovieLensTitle(raw)).toEqual({ title, year });
  });

  it('recovers any title and year it is given in MovieLens form', () => {
    const name = fc
      .string({ minLength: 1, maxLength: 40 })
      .map((s) => s.trim())
      .filter((s) => s !== '' && !/\(\d{4}/.test(s));
    fc.assert(
      fc.property(name, fc.integer({ min: 1874, max: 2030 }), (title, year) => {
        expect(parseMovieLensTitle(`${title} (${year})`)).toEqual({ title, year });
      }),
    );
  });
});

describe('naturalTitle', () => {
  it.each([
    ['Matrix, The', 'The Matrix'],
    ['Good, the Bad and the Ugly, The', 'The Good, the Bad and the Ugly'],
    [
      'City of Lost Children, The (Cité des enfants perdus, La)',
      'The City of Lost Children (La Cité des enfants perdus)',
    ],
    ["Auberge espagnole, L'", "L'Auberge espagnole"],
    ['Boot, Das', 'Das Boot'],
    ['Toy Story', 'Toy Story'],
    ['Seven (a.k.a. Se7en)', 'Seven (a.k.a. Se7en)'],
    ['Crouching Tiger, Hidden Dragon', 'Crouching Tiger, Hidden Dragon'],
    [
      'Vitelloni, I (a.k.a. The Young and the Passionate)',
      'I Vitelloni (a.k.a. The Young and the Passionate)',
    ],
    ['Black Sabbath (Tre volti della paura, I)', 'Black Sabbath (I Tre volti della paura)'],
    ['Me, Myself & I', 'Me, Myself & I'],
    ['I, Robot', 'I, Robot'],
  ])('%j → %j', (input, expected) => {
    expect(naturalTitle(input)).toBe(expected);
  });
});

describe('readMovieLensDir', () => {
  it('reads movies, ratings, tags and links', () => {
    const data = readMovieLensDir(writeMovieLensDir(SMALL_DATASET));
    expect(data.movies).toHaveLength(6);
    expect(data.movies[1]).toEqual({
      movieId: 2,
      title: 'Matrix, The',
      year: 1999,
      genres: ['Action', 'Sci-Fi', 'Thriller'],
    });
    expect(data.movies[2]!.title).toBe('City of Lost Children, The (Cité des enfants perdus, La)');
    expect(data.movies[3]).toEqual({ movieId: 4, title: 'Babylon 5', year: null, genres: ['Sci-Fi'] });
    expect(data.movies[4]!.genres).toEqual([]);
    expect(data.ratings).toHaveLength(6);
    expect(data.ratings[2]).toEqual({ userId: 1, movieId: 3, rating: 3.5, timestamp: 964982224 });
    expect(data.tags.map((t) => t.tag)).toEqual(['cyberpunk', 'Cyberpunk', 'philosophy, sort of', 'pixar']);
    expect(data.links[0]).toEqual({ movieId: 1, imdbId: 'tt0114709', tmdbId: 862 });
    expect(data.links[3]).toEqual({ movieId: 4, imdbId: 'tt0105946', tmdbId: null });
    // Nothing was repaired; only the release could not be verified (the fixture has no README.txt).
    expect(data.warnings).toEqual([
      'unknown dataset (no README.txt naming a MovieLens release): could not verify the row counts and checksums of ratings.csv, movies.csv and tags.csv',
    ]);
    expect(data.duplicateRatings).toBe(0);
  });

  it('treats tags.csv and links.csv as optional', () => {
    const data = readMovieLensDir(
      writeMovieLensDir({ 'movies.csv': SMALL_MOVIES, 'ratings.csv': SMALL_RATINGS }),
    );
    expect(data.tags).toEqual([]);
    expect(data.links).toEqual([]);
    expect(data.ratings).toHaveLength(6);
  });

  it('accepts CRLF line endings, a BOM, reordered columns and a trailing blank line', () => {
    const movies =
      '\uFEFFtitle,genres,movieId\r\n"Matrix, The (1999)",Action,2\r\nAlien (1979),Horror|Sci-Fi,7\r\n\r\n';
    const ratings = 'userId,movieId,rating,timestamp\r\n1,2,4.0,10\r\n1,7,5,11\r\n';
    const data = readMovieLensDir(writeMovieLensDir({ 'movies.csv': movies, 'ratings.csv': ratings }));
    expect(data.movies).toEqual([
      { movieId: 2, title: 'Matrix, The', year: 1999, genres: ['Action'] },
      { movieId: 7, title: 'Alien', year: 1979, genres: ['Horror', 'Sci-Fi'] },
    ]);
    expect(data.ratings.map((r) => r.rating)).toEqual([4, 5]);
  });

  it('keeps the last of duplicate (user, movie) ratings and reports how many', () => {
    const ratings = `${SMALL_RATINGS}\n1,2,1.0,964990000\n1,2,2.0,964990001\n`;
    const data = readMovieLensDir(writeMovieLensDir({ ...SMALL_DATASET, 'ratings.csv': ratings }));
    expect(data.ratings).toHaveLength(6);
    expect(data.ratings.find((r) => r.userId === 1 && r.movieId === 2)).toEqual({
      userId: 1,
      movieId: 2,
      rating: 2,
      timestamp: 964990001,
    });
    expect(data.duplicateRatings).toBe(2);
    expect(data.warnings.join('\n')).toMatch(/2 duplicate/);
  });

  it('drops, with a warning, ratings and tags of movies not in movies.csv', () => {
    const ratings = `${SMALL_RATINGS}\n9,999,3.0,1\n`;
    const data = readMovieLensDir(writeMovieLensDir({ ...SMALL_DATASET, 'ratings.csv': ratings }));
    expect(data.ratings.some((r) => r.movieId === 999)).toBe(false);
    expect(data.warnings.join('\n')).toMatch(/1 ratings of movies not in movies.csv/);
  });

  const malformed: [string, string, string, RegExp][] = [
    ['ratings.csv', `${SMALL_RATINGS}\n4,1,3.0`, 'ratings.csv line 8', /expected 4 columns/],
    ['ratings.csv', `${SMALL_RATINGS}\n4,x1,3.0,5`, 'ratings.csv line 8', /movieId "x1"/],
    ['ratings.csv', `${SMALL_RATINGS}\nabc,1,3.0,5`, 'ratings.csv line 8', /userId "abc"/],
    ['ratings.csv', `${SMALL_RATINGS}\n4,1,good,5`, 'ratings.csv line 8', /rating "good" is not a number/],
    ['ratings.csv', `${SMALL_RATINGS}\n4,1,5.5,5`, 'ratings.csv line 8', /between 0.5 and 5/],
    ['ratings.csv', `${SMALL_RATINGS}\n4,1,0,5`, 'ratings.csv line 8', /between 0.5 and 5/],
    ['ratings.csv', `${SMALL_RATINGS}\n4,1,,5`, 'ratings.csv line 8', /not a number/],
    ['ratings.csv', `${SMALL_RATINGS}\n4,1,3,yesterday`, 'ratings.csv line 8', /timestamp/],
    ['movies.csv', `${SMALL_MOVIES}\n7,"Alien (1979)"`, 'movies.csv line 8', /expected 3 columns/],
    ['movies.csv', `${SMALL_MOVIES}\nseven,Alien (1979),Horror`, 'movies.csv line 8', /movieId "seven"/],
    ['movies.csv', `${SMALL_MOVIES}\n2,Again (2000),Drama`, 'movies.csv line 8', /already appears on line 3/],
    [
      'movies.csv',
      `${SMALL_MOVIES}\n7,"Alien (1979),Horror\n8,Heat (1995),Crime`,
      'movies.csv line',
      /quote|Quote/,
    ],
    ['tags.csv', `${SMALL_TAGS}\n1,one,funny,1`, 'tags.csv line 6', /movieId "one"/],
    ['links.csv', `${SMALL_LINKS}\n7,tt-nope,1`, 'links.csv line 8', /imdbId/],
    [
      'ratings.csv',
      'user,movie,rating,timestamp\n1,1,4,1',
      'ratings.csv line 1',
      /header lacks userId, movieId/,
    ],
  ];
  it.each(malformed)(
    'rejects a malformed %s line, naming file and line (%#)',
    (file, content, where, problem) => {
      const dir = writeMovieLensDir({ ...SMALL_DATASET, [file]: content });
      let error: unknown;
      try {
        readMovieLensDir(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MovieLensFormatError);
      expect((error as Error).message).toContain(where);
      expect((error as Error).message).toMatch(problem);
    },
  );

  it('says clearly when a required file or the directory is missing', () => {
    expect(() => readMovieLensDir(writeMovieLensDir({ 'movies.csv': SMALL_MOVIES }))).toThrow(
      /ratings.csv not found/,
    );
    expect(() => readMovieLensDir('/nonexistent/movielens')).toThrow(/not a directory/);
  });
});

describeWithMovieLens('readMovieLensDir on ml-latest-small', () => {
  it('reads every movie, rating, tag and link', () => {
    const data = readMovieLensDir(ML_LATEST_SMALL);
    expect(data.movies).toHaveLength(9742);
    expect(data.ratings).toHaveLength(100_836);
    expect(data.tags).toHaveLength(3683);
    expect(data.links).toHaveLength(9742);
    expect(new Set(data.ratings.map((r) => r.userId)).size).toBe(610);
    expect(data.warnings).toEqual([]);
    expect(data.movies.find((m) => m.movieId === 2571)).toEqual({
      movieId: 2571,
      title: 'Matrix, The',
      year: 1999,
      genres: ['Action', 'Sci-Fi', 'Thriller'],
    });
    expect(data.movies.filter((m) => m.year === null).length).toBeLessThan(20);
  });
});
