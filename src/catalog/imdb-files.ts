/**
 * Reading IMDb's non-commercial datasets (developer.imdb.com/non-commercial-datasets): gzipped,
 * tab-separated, UTF-8 files whose first line names the columns, `\N` for a missing value and
 * comma-separated lists. Fields are never quoted (a `"` is an ordinary character), so a line is split on
 * tabs and nothing else. Everything is streamed: title.principals is several GB uncompressed.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.ts';

/** The files an import reads, without their `.tsv.gz` / `.tsv` ending. */
export const IMDB_FILES = [
  'title.basics',
  'title.ratings',
  'title.crew',
  'title.principals',
  'name.basics',
] as const;
export type ImdbFile = (typeof IMDB_FILES)[number];

/** The columns each file must have (by header name; extra columns are ignored). */
export const IMDB_COLUMNS: Record<ImdbFile, readonly string[]> = {
  'title.basics': [
    'tconst',
    'titleType',
    'primaryTitle',
    'originalTitle',
    'isAdult',
    'startYear',
    'runtimeMinutes',
    'genres',
  ],
  'title.ratings': ['tconst', 'averageRating', 'numVotes'],
  'title.crew': ['tconst', 'directors', 'writers'],
  'title.principals': ['tconst', 'ordering', 'nconst', 'category'],
  'name.basics': ['nconst', 'primaryName'],
};

/** IMDb's marker for a missing value. */
export const IMDB_NULL = '\\N';

/** A line of an IMDb file that cannot be read; names the file and the 1-based line number. */
export class ImdbFormatError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super('imdb-format', `${file} line ${line}: ${problem}`);
  }
}

/** `<dir>/<name>.tsv.gz`, else `<dir>/<name>.tsv`; throws a {@link UserError} naming both when neither exists. */
export function imdbFilePath(dir: string, name: ImdbFile): string {
  for (const candidate of [`${name}.tsv.gz`, `${name}.tsv`]) {
    const p = path.join(dir, candidate);
    if (fs.existsSync(p)) return p;
  }
  throw new UserError(
    'imdb-missing-file',
    `${path.join(dir, `${name}.tsv.gz`)} not found (nor ${name}.tsv): not an IMDb datasets directory?`,
  );
}

export interface TsvProgress {
  /** Bytes of the file (compressed, as on disk) read so far, and its size. */
  bytes: number;
  total: number;
}

/**
 * Calls `onRow` with the fields of every data line of an IMDb file, ordered like `IMDB_COLUMNS[name]`
 * and with `\N` left as is (see {@link field}). Returns the number of data lines. A line with the wrong
 * number of fields throws an {@link ImdbFormatError}; so does a file that is not valid gzip.
 */
export async function forEachImdbRow(
  file: string,
  name: ImdbFile,
  onRow: (fields: string[], line: number) => void,
  options: {
    onProgress?: (p: TsvProgress) => void;
    /** Cheap test on the raw line before it is split; false skips it (most of title.principals). */
    filter?: (line: string) => boolean;
  } = {},
): Promise<number> {
  const { onProgress, filter } = options;
  const label = path.basename(file);
  const total = fs.statSync(file).size;
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  raw.on('data', (chunk) => {
    bytes += chunk.length;
    onProgress?.({ bytes, total });
  });
  const gzipped = file.endsWith('.gz');
  const source = gzipped ? raw.pipe(createGunzip()) : raw;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= new ImdbFormatError(label, 0, `not a readable gzip file (${error.message})`);
    // Ends the line reader, which then stops the loop below.
    source.destroy();
  };
  if (gzipped) source.on('error', fail);
  raw.on('error', (error) => {
    failure ??= error;
    source.destroy();
  });
  const lines = readline.createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
  const wanted = IMDB_COLUMNS[name];
  let order: number[] | undefined;
  let width = 0;
  let lineNo = 0;
  let rows = 0;
  try {
    for await (const text of lines) {
      lineNo++;
      if (text === '') continue;
      if (order && filter && !filter(text)) {
        rows++;
        continue;
      }
      const fields = text.split('\t');
      if (!order) {
        const names = fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f).trim());
        order = wanted.map((c) => names.indexOf(c));
        const missing = wanted.filter((_, i) => order![i] === -1);
        if (missing.length > 0) {
          throw new ImdbFormatError(label, lineNo, `header lacks ${missing.join(', ')}`);
        }
        width = names.length;
        continue;
      }
      if (fields.length !== width) {
        throw new ImdbFormatError(
          label,
          lineNo,
          `expected ${width} tab-separated fields, found ${fields.length}`,
        );
      }
      rows++;
      onRow(
        order.map((c) => fields[c]!),
        lineNo,
      );
    }
  } catch (error) {
    // A decompression error reaches the loop too; report it as the file's fault, with its name.
    if (error instanceof ImdbFormatError || !failure) throw error;
    throw failure;
  } finally {
    lines.close();
    raw.destroy();
  }
  if (failure) throw failure;
  if (!order) throw new ImdbFormatError(label, 1, 'empty file (expected a header line)');
  onProgress?.({ bytes: total, total });
  return rows;
}

/** A field's value, or null for IMDb's `\N`. */
export function field(raw: string): string | null {
  return raw === IMDB_NULL || raw === '' ? null : raw;
}

/** A comma-separated list field (`\N` → []). */
export function listField(raw: string): string[] {
  const value = field(raw);
  return value === null ? [] : value.split(',').filter((v) => v !== '');
}

/** A whole-number field, or null for `\N`; anything else throws. */
export function intField(raw: string, file: string, line: number, column: string): number | null {
  const value = field(raw);
  if (value === null) return null;
  if (!/^\d{1,9}$/.test(value)) {
    throw new ImdbFormatError(file, line, `${column} ${JSON.stringify(raw)} is not a whole number`);
  }
  return Number(value);
}

/** `tt0111161` → 111161, `nm0000158` → 158; anything else throws. */
export function imdbNumber(raw: string, prefix: 'tt' | 'nm', file: string, line: number): number {
  if (!raw.startsWith(prefix) || !/^\d{1,10}$/.test(raw.slice(2))) {
    throw new ImdbFormatError(file, line, `${JSON.stringify(raw)} is not an IMDb ${prefix} id`);
  }
  return Number(raw.slice(2));
}

/** 111161 → `tt0111161`: IMDb pads ids to at least seven digits (links.csv does the same). */
export function tconstOf(n: number): string {
  return `tt${String(n).padStart(7, '0')}`;
}
