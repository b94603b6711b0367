import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forEachImdbRow, imdbFilePath, listField } from '../../src/catalog/imdb-files.ts';
import { readImdbDir } from '../../src/catalog/imdb-read.ts';
import { IMDB_FIXTURE_DIR } from './imdb-fixture.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-imdb-files-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The fixture directory copied, gzipped or not, with some files replaced. */
function copyFixture(options: { gzip: boolean; replace?: Record<string, string | Buffer> }): string {
  for (const name of fs.readdirSync(IMDB_FIXTURE_DIR)) {
    const base = name.replace(/\.tsv$/, '');
    const content = options.replace?.[base] ?? fs.readFileSync(path.join(IMDB_FIXTURE_DIR, name));
    if (options.gzip) fs.writeFileSync(path.join(dir, `${base}.tsv.gz`), gzipSync(content));
    else fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('IMDb TSV files', () => {
  it('reads .tsv.gz the same as .tsv', async () => {
    const plain = await readImdbDir(IMDB_FIXTURE_DIR);
    const gzipped = await readImdbDir(copyFixture({ gzip: true }));
    expect(gzipped.films).toEqual(plain.films);
    expect(plain.films.length).toBe(16);
  });

  it('takes quotes as ordinary characters and \\N as missing', async () => {
    const file = path.join(dir, 'title.basics.tsv');
    fs.writeFileSync(
      file,
      'tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n' +
        'tt0000001\tmovie\t"Quoted" Film\t\\N\t0\t\\N\t\\N\t\\N\t\\N\n',
    );
    const rows: string[][] = [];
    await forEachImdbRow(file, 'title.basics', (f) => rows.push(f));
    expect(rows).toEqual([['tt0000001', 'movie', '"Quoted" Film', '\\N', '0', '\\N', '\\N', '\\N']]);
    expect(listField('\\N')).toEqual([]);
    expect(listField('nm1,nm2')).toEqual(['nm1', 'nm2']);
  });

  it('names the file and line of a malformed row', async () => {
    const ratings = fs.readFileSync(path.join(IMDB_FIXTURE_DIR, 'title.ratings.tsv'), 'utf8');
    copyFixture({ gzip: false, replace: { 'title.ratings': `${ratings}tt0000002\tgreat\t12\n` } });
    await expect(readImdbDir(dir)).rejects.toThrow(
      /title\.ratings line 25: averageRating "great" is not 0–10/,
    );
    copyFixture({ gzip: false, replace: { 'title.ratings': `${ratings}tt0000002\t7.0\n` } });
    await expect(readImdbDir(dir)).rejects.toThrow(
      /title\.ratings\.tsv line 25: expected 3 tab-separated fields, found 2/,
    );
  });

  it('refuses a truncated gzip file', async () => {
    copyFixture({ gzip: true });
    const file = path.join(dir, 'name.basics.tsv.gz');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 30));
    await expect(readImdbDir(dir)).rejects.toThrow(/name\.basics\.tsv\.gz.*not a readable gzip file/);
  });

  it('says which file is missing', () => {
    expect(() => imdbFilePath(dir, 'title.crew')).toThrow(
      /title\.crew\.tsv\.gz not found \(nor title\.crew\.tsv\)/,
    );
  });
});
