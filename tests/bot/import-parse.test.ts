import { describe, expect, it } from 'vitest';
import { checkDecodedText, decodeExportBytes } from '../../src/bot/import/decode.ts';
import { matchExport } from '../../src/bot/import/match.ts';
import { countDataLines, formatOfHeader, parseExport, readExport } from '../../src/bot/import/parse.ts';
import { summaryReply } from '../../src/bot/import/summary.ts';
import { catalogViewOf, letterboxdCsv } from './import-fixtures.ts';

describe('import validation', () => {
  it('reports ratings out of range, not numbers and negative instead of clamping or dropping them', () => {
    const parsed = parseExport(
      letterboxdCsv([
        ['Heat', 1995, '4.5'],
        ['Ronin', 1998, '99'],
        ['Alien', 1979, 'NaN'],
        ['Aliens', 1986, '1e309'],
        ['Thief', 1981, '-3'],
        ['Collateral', 2004, '4.7'],
        ['Zodiac', 2007, '0'],
        ['Sicario', 2015, ''],
        ['', 2000, '3'],
      ]),
    );
    expect(parsed.rows).toBe(9);
    expect(parsed.films.map((f) => [f.title, f.stars])).toEqual([['Heat', 4.5]]);
    expect(parsed.problems.outOfRange).toEqual({ count: 3, examples: ['99', '4.7', '0'] });
    expect(parsed.problems.notANumber).toEqual({ count: 2, examples: ['NaN', '1e309'] });
    expect(parsed.problems.negative).toEqual({ count: 1, examples: ['-3'] });
    expect(parsed.problems.unrated.count).toBe(1);
    expect(parsed.problems.untitled.count).toBe(1);
  });

  it('merges rows naming the same film, the last rating winning, and counts the merged rows', () => {
    const parsed = parseExport(
      letterboxdCsv([
        ['Heat', 1995, '1'],
        ['Ronin', 1998, '3'],
        ['heat', 1995, '2'],
        ['Heat', 1995, '4.5'],
        ['Heat', 1986, '2.5'],
      ]),
    );
    // "Heat" 1986 is another film (another year); "heat" 1995 is the same one as "Heat" 1995.
    expect(parsed.films.map((f) => [f.title, f.year, f.stars])).toEqual([
      ['Heat', 1995, 4.5],
      ['Ronin', 1998, 3],
      ['Heat', 1986, 2.5],
    ]);
    expect(parsed.validRows).toBe(5);
    expect(parsed.duplicateRows).toBe(2);
  });

  it('halves IMDb ratings, refuses 11/10 and counts TV titles as not films', () => {
    const header =
      'Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors';
    const parsed = parseExport(
      `\uFEFF${header}\n` +
        'tt0113277,9,2020-01-01,Heat,u,movie,8.3,170,1995,Crime,1,1995-12-15,M\n' +
        'tt0122690,11,2020-01-01,Ronin,u,movie,7.2,122,1998,Crime,1,1998-09-25,F\n' +
        'tt0944947,10,2020-01-01,Game of Thrones,u,tvSeries,9.2,57,2011,Drama,1,2011-04-17,\n' +
        '113277,7,2020-01-02,Heat,u,movie,8.3,170,1995,Crime,1,1995-12-15,M\n',
    );
    expect(parsed.format).toBe('imdb');
    // tt0113277 and 113277 are one film: the later row's 7/10 wins.
    expect(parsed.films.map((f) => [f.title, f.stars])).toEqual([['Heat', 3.5]]);
    expect(parsed.duplicateRows).toBe(1);
    expect(parsed.problems.outOfRange).toEqual({ count: 1, examples: ['11'] });
    expect(parsed.problems.notFilms.count).toBe(1);
  });

  it('refuses a file that is neither export before queueing it', () => {
    expect(() => formatOfHeader('a,b\n1,2\n')).toThrow(expect.objectContaining({ code: 'unknown-export' }));
    expect(formatOfHeader('\uFEFFDate,Name,Year,Letterboxd URI,Rating\r\n')).toBe('letterboxd');
  });

  it('counts data lines for the "importing N rows" reply', () => {
    expect(countDataLines('h\n1\n2\n')).toBe(2);
    expect(countDataLines('h\r\n1\r\n\r\n2')).toBe(2);
    expect(countDataLines('h\n')).toBe(0);
  });

  it('the streaming reader reads what the one-shot reader reads, across chunk boundaries', async () => {
    const rows: [string, number, string][] = [];
    // Quoted titles with commas and quotes, long enough to put record boundaries inside the 32 KB chunks.
    for (let i = 0; i < 6_000; i++)
      rows.push([`Film, "number" ${i % 1_500}`, 1950 + (i % 50), String((i % 10) / 2 + 0.5)]);
    rows.push(['Bad', 2000, '99']);
    const csv = letterboxdCsv(rows);
    const seen: number[] = [];
    const streamed = await readExport(csv, ({ rows: n }) => seen.push(n));
    expect(streamed).toEqual(parseExport(csv));
    expect(streamed.rows).toBe(6_001);
    expect(seen.length).toBeGreaterThan(2);
  });
});

describe('import encodings', () => {
  const latin1 = Buffer.from(
    'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Am\xe9lie,2001,u,5\n',
    'latin1',
  );

  it('reads a Windows-1252 file as such and says so', () => {
    const decoded = decodeExportBytes(latin1);
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text).toContain('Amélie');
    expect(decoded.note).toMatch(/Latin-1/);
  });

  it('reads UTF-8 with or without a byte-order mark without a note', () => {
    const body = Buffer.from('Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Amélie,2001,u,5\n', 'utf8');
    for (const bytes of [body, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])]) {
      const decoded = decodeExportBytes(bytes);
      expect(decoded).toMatchObject({ encoding: 'utf-8', note: null });
      expect(decoded.text.startsWith('Date')).toBe(true);
      expect(decoded.text).toContain('Amélie');
    }
  });

  it('warns when text decoded elsewhere lost bytes that were not UTF-8', () => {
    const lossy = new TextDecoder().decode(latin1);
    expect(checkDecodedText(lossy).note).toMatch(/not valid UTF-8/);
    expect(checkDecodedText('\uFEFFDate,Name').note).toBeNull();
  });
});

describe('import summary', () => {
  const view = catalogViewOf([
    { id: 1, title: 'Heat', year: 1995, imdbId: 'tt0113277' },
    { id: 2, title: 'Ronin', year: 1998 },
    { id: 3, title: 'Alien', year: 1979 },
    { id: 4, title: 'Thief', year: 1981 },
    { id: 5, title: 'Le Fabuleux Destin d’Amélie Poulain', year: 2001, imdbId: 'tt0211915' },
    { id: 6, title: 'Ringu (Ring)', year: 1998 },
  ]);

  it("finds a film exported with the catalog's whole title, alternative title in parentheses included", async () => {
    const parsed = parseExport(letterboxdCsv([['Ringu (Ring)', 1998, '4']]));
    const matched = matchExport(view, parsed.films);
    expect([...matched.movieIds]).toEqual([6]);
  });

  it('counts distinct films, merged duplicates and only the films really not in the catalog', async () => {
    const rows: [string, number, string][] = [];
    for (let i = 0; i < 1_000; i++)
      rows.push([['Heat', 'Ronin', 'Alien', 'Thief'][i % 4]!, [1995, 1998, 1979, 1981][i % 4]!, '4']);
    rows.push(
      ['Heat', 1996, '5'],
      ['Nowhere Film', 1990, '2'],
      ['Also Missing', 2020, '3'],
      ['Ronin', 1998, '99'],
    );
    const parsed = parseExport(letterboxdCsv(rows));
    const matched = matchExport(view, parsed.films);
    const reply = summaryReply({
      parsed,
      matched,
      written: { inserted: 3, updated: 1, unchanged: 0, missingMovies: 0 },
      encodingNote: null,
    });
    // 4 films, 996 duplicate rows in the file, and "Heat" 1996 is Heat (1995) again: 997 merged.
    expect(reply.text).toMatch(
      /^Imported 4 of 6 ratings from your Letterboxd export \(3 new, 1 changed\); 997 duplicate rows merged/,
    );
    expect(reply.text).toContain('2 not in my catalog: Nowhere Film (1990), Also Missing (2020).');
    expect(reply.text).toContain('Skipped 1 row rated outside 0.5 to 5 stars in half steps (e.g. 99).');
    expect(reply.data).toMatchObject({
      imported: 4,
      total: 6,
      rows: 1_004,
      duplicateRowsMerged: 997,
      notInCatalog: 2,
    });
    // The later row of Heat (1996 → Heat 1995) wins.
    expect(matched.stars[matched.movieIds.indexOf(1)]).toBe(5);
  });

  it('matches by IMDb id even when the exported title differs, and never lists it as missing', async () => {
    const header =
      'Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors';
    const parsed = parseExport(
      `${header}\ntt0211915,10,d,Amélie,u,movie,8,1,2001,g,1,r,d\ntt9999999,6,d,Unknown,u,movie,8,1,2001,g,1,r,d\n`,
    );
    const matched = matchExport(view, parsed.films);
    const reply = summaryReply({
      parsed,
      matched,
      written: { inserted: 1, updated: 0, unchanged: 0, missingMovies: 0 },
      encodingNote: 'NOTE',
    });
    expect(reply.text).toMatch(/^Imported 1 of 2 ratings from your IMDb export/);
    expect(reply.text).toContain('1 not in my catalog: Unknown (2001).');
    expect(reply.text).not.toMatch(/catalog: .*Amélie/);
    expect(reply.text.endsWith('\nNOTE')).toBe(true);
  });
});
