import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mojibakeScore } from '../../src/catalog/mojibake.ts';
import { queryRows } from '../../src/catalog/sql-rows.ts';
import {
  ensureStarterCatalog,
  readVegaMovies,
  releaseYear,
  starterGenres,
  starterMovies,
  type VegaMovie,
} from '../../src/catalog/starter.ts';
import { movies } from '../../src/db/schema.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const logger = createLogger('silent');

function vega(overrides: Partial<VegaMovie>): VegaMovie {
  return {
    Title: 'Untitled',
    'Release Date': 'Jun 12 1998',
    'MPAA Rating': null,
    'Running Time min': null,
    'Major Genre': null,
    'Creative Type': null,
    Director: null,
    'IMDB Rating': null,
    'IMDB Votes': null,
    ...overrides,
  };
}

describe('starterMovies', () => {
  it('maps a vega row to a movie row', () => {
    const [movie] = starterMovies([
      vega({
        Title: 'Alien',
        'Release Date': 'May 25 1979',
        'MPAA Rating': 'R',
        'Running Time min': 117,
        'Major Genre': 'Horror',
        'Creative Type': 'Science Fiction',
        Director: 'Ridley Scott',
        'IMDB Rating': 8.5,
        'IMDB Votes': 180387,
      }),
    ]);
    expect(movie).toEqual({
      title: 'Alien',
      year: 1979,
      genres: ['Horror', 'Sci-Fi'],
      directors: ['Ridley Scott'],
      runtime: 117,
      certificate: 'R',
      imdbRating: 8.5,
      imdbVotes: 180387,
      source: 'starter',
    });
  });

  it('keeps numeric titles as strings, natural article order, and a year written in the title', () => {
    const rows = starterMovies([
      vega({ Title: 1941, 'Release Date': 'Dec 14 1979' }),
      vega({ Title: 'Secret, The' }),
      vega({ Title: 'King Kong (1933)', 'Release Date': 'Apr 07 2033' }),
      vega({ Title: null }),
    ]);
    expect(rows.map((r) => [r.title, r.year])).toEqual([
      ['1941', 1979],
      ['The Secret', 1998],
      ['King Kong', 1933],
    ]);
  });

  it('drops repeats of the same title and year but keeps remakes', () => {
    const rows = starterMovies([
      vega({ Title: 'Psycho', 'Release Date': 'Jun 16 1960' }),
      vega({ Title: 'psycho', 'Release Date': 'Jan 01 1960' }),
      vega({ Title: 'Psycho', 'Release Date': 'Dec 04 1998' }),
    ]);
    expect(rows.map((r) => r.year)).toEqual([1960, 1998]);
  });

  it.each([
    ['Jun 12 1998', 1998],
    // "Dec 31" is a placeholder date whose year is one early (35 of 41 films checked against MovieLens).
    ['Dec 31 2046', 1947],
    ['Dec 31 1941', 1942],
    ['Dec 30 1941', 1941],
    ['Feb 08 2015', 1915],
    ['Mar 01 2010', 2010],
    ['', null],
    [null, null],
    ['soon', null],
  ])('releaseYear(%j) = %j', (date, year) => {
    expect(releaseYear(date)).toBe(year);
  });

  it.each([
    [{ 'Major Genre': 'Romantic Comedy', 'Creative Type': null }, ['Comedy', 'Romance']],
    [{ 'Major Genre': 'Action', 'Creative Type': 'Super Hero' }, ['Action']],
    [{ 'Major Genre': 'Drama', 'Creative Type': 'Fantasy' }, ['Drama']],
    [{ 'Major Genre': 'Comedy', 'Creative Type': 'Kids Fiction' }, ['Children', 'Comedy']],
    [{ 'Major Genre': 'Thriller/Suspense', 'Creative Type': 'Contemporary Fiction' }, ['Thriller']],
    [{ 'Major Genre': null, 'Creative Type': null }, []],
  ] as const)('starterGenres(%j) = %j', (row, genres) => {
    expect(starterGenres(row)).toEqual(genres);
  });

  it('turns the whole vega-datasets file into plausible movies with MovieLens genre names', () => {
    const raw = readVegaMovies();
    expect(raw.length).toBe(3201);
    const rows = starterMovies(raw);
    expect(rows.length).toBeGreaterThan(3100);
    const known = new Set(['Action', 'Adventure', 'Children', 'Comedy', 'Documentary', 'Drama', 'Fantasy']);
    for (const g of ['Horror', 'Musical', 'Romance', 'Sci-Fi', 'Thriller', 'Western']) known.add(g);
    for (const row of rows) {
      expect(typeof row.title).toBe('string');
      expect(row.year === null || (row.year! >= 1900 && row.year! <= LAST_YEAR)).toBe(true);
      for (const g of row.genres ?? []) expect(known).toContain(g);
    }
    const keys = rows.map((r) => `${r.title.toLowerCase()}|${r.year}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

const LAST_YEAR = 2013;

/** Titles whose unusual characters are the film's own ("Ri¢hie Ri¢h" is spelled so on its poster). */
const GENUINE_ODD_TITLES = new Set(['Ri¢hie Ri¢h']);

describe('the starter catalog from the real vega-datasets file', () => {
  const rows = starterMovies(readVegaMovies());
  const find = (title: string, year?: number) =>
    rows.filter((r) => r.title === title && (year === undefined || r.year === year));

  it('has no mis-decoded title or director left', () => {
    const damaged = rows
      .flatMap((r) => [r.title, ...(r.directors ?? [])])
      .filter((text) => mojibakeScore(text) > 0 && !GENUINE_ODD_TITLES.has(text));
    expect(damaged).toEqual([]);
    // The damaged spellings the issue names are gone, and the repaired ones are there.
    const titles = new Set(rows.map((r) => r.title));
    for (const bad of ['LÈon', 'DÈj‡ Vu', "Le Fabuleux destin d'AmÈlie Poulain"])
      expect(titles).not.toContain(bad);
    for (const good of [
      'Léon',
      'Déjà Vu',
      "Le Fabuleux destin d'Amélie Poulain",
      'Per qualche dollaro in più',
      'The Naked Gun 2½: The Smell of Fear',
      'La Môme',
      'Die Fälscher',
      'Alien³',
    ]) {
      expect(titles).toContain(good);
    }
  });

  it('gives no two films of the same title the same IMDb figures', () => {
    const seen = new Map<string, number | null | undefined>();
    for (const r of rows) {
      if (r.imdbVotes == null) continue;
      const key = `${r.title.toLowerCase()}|${r.imdbRating}|${r.imdbVotes}`;
      expect(seen.has(key), `${r.title} ${r.year} shares ${key} with ${seen.get(key)}`).toBe(false);
      seen.set(key, r.year);
    }
    for (const title of ['Crash', 'King Kong']) {
      expect(find(title).length).toBeGreaterThanOrEqual(2);
      for (const r of find(title)) expect([r.imdbRating, r.imdbVotes]).toEqual([null, null]);
    }
  });

  it('drops implausible vote counts and repairs placeholder years', () => {
    expect(find('Aliens', 1986).map((r) => r.imdbVotes)).toEqual([null]);
    expect(find('Alien', 1979).map((r) => r.imdbVotes)).toEqual([180387]);
    expect(find('Casablanca').map((r) => r.year)).toEqual([1942]);
  });
});

describe.each(DB_KINDS)('ensureStarterCatalog on %s', (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('fills an empty catalog once, also when called concurrently', async () => {
    const results = await Promise.all([
      ensureStarterCatalog(t.db, logger),
      ensureStarterCatalog(t.db, logger),
    ]);
    const imported = Math.max(...results);
    expect(imported).toBeGreaterThan(3100);
    expect(Math.min(...results)).toBe(0);
    const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from movies`);
    expect(row!.n).toBe(imported);
    const alien = await queryRows<{ title: string; directors: string[]; source: string }>(
      t.db,
      sql`select title, directors, source from movies where title = 'Alien' and year = 1979`,
    );
    expect(alien).toEqual([{ title: 'Alien', directors: ['Ridley Scott'], source: 'starter' }]);
    expect(await ensureStarterCatalog(t.db, logger)).toBe(0);
  });

  it('leaves a catalog that already has movies alone', async () => {
    await t.db.insert(movies).values({ title: 'Only One', source: 'manual' });
    expect(await ensureStarterCatalog(t.db, logger)).toBe(0);
    const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from movies`);
    expect(row!.n).toBe(1);
  });
});
