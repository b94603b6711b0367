import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalogView } from '../../src/bot/catalog-view.ts';
import { loadCatalog } from '../../src/catalog/catalog.ts';
import { importImdb } from '../../src/catalog/imdb-import.ts';
import { queryRows } from '../../src/catalog/sql-rows.ts';
import { movies } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { IMDB_FIXTURE_DIR } from './imdb-fixture.ts';

interface Row {
  id: number;
  imdb_id: string | null;
  title: string;
  original_title: string | null;
  year: number | null;
  runtime: number | null;
  genres: string[];
  directors: string[];
  writers: string[];
  cast: string[];
  imdb_rating: number | null;
  imdb_votes: number | null;
  source: string;
  updated_at: string;
}

async function allMovies(db: TestDatabase['db']): Promise<Row[]> {
  return queryRows<Row>(
    db,
    sql`select id, imdb_id, title, original_title, year, runtime, genres, directors, writers, "cast",
               imdb_rating, imdb_votes, source, updated_at::text
        from movies order by id`,
  );
}

/** A catalog like one after the starter and a MovieLens import: rows with and without IMDb ids. */
async function seedCatalog(db: TestDatabase['db']): Promise<void> {
  await db.insert(movies).values([
    // Starter rows (no IMDb id): matched by title and year; Titanic's starter genre is wrong.
    { title: 'Titanic', year: 1997, genres: ['Thriller'], directors: ['James Cameron'], source: 'starter' },
    { title: 'Chéri', year: 2009, genres: ['Drama'], source: 'starter' },
    // A remake of the same title in another year must not be matched.
    { title: 'Titanic', year: 1953, genres: ['Drama'], source: 'starter' },
    // MovieLens rows keep their genres and titles.
    {
      title: 'Toy Story',
      year: 1995,
      movielensId: 1,
      imdbId: 'tt0114709',
      genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'],
      source: 'movielens',
    },
    // In the catalog with only 120 votes: kept anyway.
    { title: 'Obscure Short Feature', year: 2023, movielensId: 2, imdbId: 'tt2023001', source: 'movielens' },
  ]);
}

describe.each(DB_KINDS)('import imdb --from on %s', (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
    await seedCatalog(t.db);
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('keeps feature films with enough votes or in the catalog, with their people, and nothing else', async () => {
    const result = await importImdb(t.db, IMDB_FIXTURE_DIR);
    const rows = await allMovies(t.db);
    const byTitle = (title: string) => rows.filter((r) => r.title === title);
    const titles = rows.map((r) => r.title);
    // Noise: a series, an episode, an adult film, a short, a TV movie, a film without votes.
    for (const absent of [
      'Breaking Bad',
      'Pilot',
      'Hot Tub "Deluxe"',
      "Nolan's Short",
      'Christmas at Nolan Lodge',
      'Untitled Nolan Project',
    ]) {
      expect(titles).not.toContain(absent);
    }
    // 19 non-adult feature films; 16 with >= 1,000 votes + 2 kept only because the catalog has them
    // (Chéri, Obscure); of the 16, Titanic and Toy Story are in the catalog, so 14 are new.
    expect(result).toMatchObject({ featureFilms: 19, kept: 18, linked: 2, added: 14, updated: 4 });
    expect(rows).toHaveLength(5 + 14);

    const [titanic, titanic1953] = byTitle('Titanic');
    expect(titanic).toMatchObject({
      imdb_id: 'tt0120338',
      year: 1997,
      runtime: 194,
      genres: ['Drama', 'Romance'],
      directors: ['James Cameron'],
      source: 'starter',
    });
    expect(titanic1953).toMatchObject({ imdb_id: null, runtime: null });
    expect(byTitle('Chéri')[0]).toMatchObject({ imdb_id: 'tt0871510', imdb_votes: 800, runtime: null });
    expect(byTitle('Toy Story')[0]).toMatchObject({
      genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'],
      runtime: 81,
      cast: ['Tom Hanks', 'Tim Allen'],
      writers: ['John Lasseter', 'Joss Whedon'],
    });
    const darkKnight = byTitle('The Dark Knight')[0]!;
    expect(darkKnight).toMatchObject({
      source: 'imdb',
      year: 2008,
      runtime: 152,
      directors: ['Christopher Nolan'],
      writers: ['Jonathan Nolan', 'Christopher Nolan', 'David S. Goyer'],
      imdb_votes: 2_900_000,
    });
    expect(darkKnight.imdb_rating).toBeCloseTo(9.0, 5);
    // Billing order, at most 8: ordering 9 and 11 are left out, the director (ordering 10) is no actor.
    expect(darkKnight.cast).toEqual([
      'Christian Bale',
      'Heath Ledger',
      'Michael Caine',
      'Morgan Freeman',
      'Maggie Gyllenhaal',
      'Aaron Eckhart',
      'Gary Oldman',
      'Cillian Murphy',
    ]);
    expect(byTitle('Amélie')[0]).toMatchObject({ original_title: "Le fabuleux destin d'Amélie Poulain" });
    expect(byTitle('Vicky Cristina Barcelona')[0]!.cast).toContain('Penélope Cruz');
    expect(byTitle('Goodfellas')[0]!.genres).toEqual(['Biography', 'Crime', 'Drama']);
    expect(byTitle('Oppenheimer')[0]).toMatchObject({ year: 2023, source: 'imdb', runtime: 180 });
  });

  it('gives a catalog whose title and people index answers for people, 2023 films and short comedies', async () => {
    await importImdb(t.db, IMDB_FIXTURE_DIR);
    const view = createCatalogView(await loadCatalog(t.db));
    expect(view.index.findPerson(['tom', 'hanks'])).toMatchObject({ name: 'Tom Hanks' });
    expect(view.index.findPerson(['penelope', 'cruz'])).toMatchObject({ name: 'Penélope Cruz' });
    expect(view.index.findPerson(['nolan'])).toMatchObject({ name: 'Christopher Nolan' });
    const hanks = view.catalog.list.filter((m) => m.cast.includes('Tom Hanks')).map((m) => m.title);
    expect(hanks.sort()).toEqual(['Cast Away', 'Forrest Gump', 'Toy Story']);
    const nolan = view.catalog.list
      .filter((m) => m.directors.includes('Christopher Nolan'))
      .map((m) => m.title);
    expect(nolan.sort()).toEqual(['Inception', 'Memento', 'Oppenheimer', 'The Dark Knight', 'The Prestige']);
    const resolved = view.index.resolve('Oppenheimer');
    expect(resolved.kind === 'found' && resolved.match.entry.year).toBe(2023);
    const from2023 = view.catalog.list.filter((m) => m.year === 2023).map((m) => m.title);
    expect(from2023.sort()).toEqual([
      'Obscure Short Feature',
      'Oppenheimer',
      'Spider-Man: Across the Spider-Verse',
    ]);
    const shortComedies = view.catalog.list
      .filter((m) => m.genres.includes('Comedy') && m.runtime !== null && m.runtime <= 100)
      .map((m) => m.title);
    expect(shortComedies.sort()).toEqual(['Beetlejuice', 'Toy Story', 'Vicky Cristina Barcelona']);
  });

  it('changes nothing when the same files are imported again', async () => {
    await importImdb(t.db, IMDB_FIXTURE_DIR);
    const before = await allMovies(t.db);
    const again = await importImdb(t.db, IMDB_FIXTURE_DIR);
    expect(again).toMatchObject({ added: 0, updated: 0, linked: 0, kept: 18 });
    // Not even updated_at moves, so running bots see no catalog change.
    expect(await allMovies(t.db)).toEqual(before);
  });

  it('leaves the previous catalog intact when the import is interrupted', async () => {
    const before = await allMovies(t.db);
    await expect(
      importImdb(t.db, IMDB_FIXTURE_DIR, {
        beforeApply: () => {
          throw new Error('killed mid-import');
        },
      }),
    ).rejects.toThrow('killed mid-import');
    expect(await allMovies(t.db)).toEqual(before);
    // …and the next run completes.
    expect((await importImdb(t.db, IMDB_FIXTURE_DIR)).added).toBe(14);
  });

  it('adds fewer films with a higher --min-votes, but still the catalog’s own', async () => {
    const result = await importImdb(t.db, IMDB_FIXTURE_DIR, { minVotes: 1_000_000 });
    const rows = await allMovies(t.db);
    expect(
      rows
        .filter((r) => r.source === 'imdb')
        .map((r) => r.title)
        .sort(),
    ).toEqual(
      ['Goodfellas', 'Forrest Gump', 'Memento', 'The Dark Knight', 'The Prestige', 'Inception'].sort(),
    );
    expect(result.linked).toBe(2);
  });
});
