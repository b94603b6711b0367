import fs from 'node:fs';
import path from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { UserError } from '../errors.ts';
import { enforceRelease } from './movielens-release.ts';
import { parseMovieLensTitle } from './movielens-title.ts';

export { naturalTitle, type ParsedTitle, parseMovieLensTitle } from './movielens-title.ts';

export interface MovieLensMovie {
  movieId: number;
  /** MovieLens spelling without the year: `Matrix, The`. */
  title: string;
  year: number | null;
  /** MovieLens genre names; `(no genres listed)` becomes []. */
  genres: string[];
}

export interface MovieLensRating {
  userId: number;
  movieId: number;
  /** 0.5–5 in half stars. */
  rating: number;
  /** Seconds since the epoch. */
  timestamp: number;
}

export interface MovieLensTag {
  userId: number;
  movieId: number;
  tag: string;
  timestamp: number;
}

export interface MovieLensLink {
  movieId: number;
  /** `tt0114709`, or null when links.csv leaves it empty. */
  imdbId: string | null;
  tmdbId: number | null;
}

/** The contents of a directory in the ml-latest-small layout. */
export interface MovieLensData {
  movies: MovieLensMovie[];
  ratings: MovieLensRating[];
  /** Empty when tags.csv is absent. */
  tags: MovieLensTag[];
  /** Empty when links.csv is absent. */
  links: MovieLensLink[];
  /** Exact (user, movie) rating duplicates dropped; the last one of each pair was kept. */
  duplicateRatings: number;
  /**
   * Human-readable notes about data that was repaired rather than rejected, and about what could not be
   * verified against the published release.
   */
  warnings: string[];
}

export interface ReadMovieLensOptions {
  /** Import a known release that does not match its published counts or checksums (with a warning). */
  force?: boolean;
}

/** A line in a MovieLens file that cannot be read; names the file and the 1-based line number. */
export class MovieLensFormatError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super('movielens-format', `${file} line ${line}: ${problem}`);
  }
}

const NO_GENRES = '(no genres listed)';
const MIN_RATING = 0.5;
const MAX_RATING = 5;

/**
 * Reads a directory in the MovieLens ml-latest-small layout (`ratings.csv`, `movies.csv`, and optional
 * `tags.csv`, `links.csv`). Columns are found by their header names. A malformed line throws a
 * {@link MovieLensFormatError} naming the file and line; nothing is skipped silently. Duplicate
 * (user, movie) ratings keep the last one and are counted in `duplicateRatings` and `warnings`; ratings
 * and tags of movies missing from movies.csv are dropped with a warning. A directory whose README.txt
 * names a release is checked against that release's published counts and checksums: a mismatch (say a
 * ratings.csv cut at a line boundary) throws unless `options.force`; what cannot be verified is warned.
 */
export function readMovieLensDir(dir: string, options: ReadMovieLensOptions = {}): MovieLensData {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserError('movielens-dir', `${dir} is not a directory`);
  }
  const warnings: string[] = [];
  const movies = readMovies(dir);
  const movieIds = new Set(movies.map((m) => m.movieId));
  const { ratings, duplicates, users } = readRatings(dir);
  const knownRatings = ratings.filter((r) => movieIds.has(r.movieId));
  if (duplicates > 0) {
    warnings.push(`ratings.csv: ${duplicates} duplicate (user, movie) ratings; kept the last of each`);
  }
  if (knownRatings.length < ratings.length) {
    warnings.push(
      `ratings.csv: ${ratings.length - knownRatings.length} ratings of movies not in movies.csv were dropped`,
    );
  }
  const allTags = readTags(dir, warnings);
  const tags = allTags.tags.filter((t) => movieIds.has(t.movieId));
  const links = readLinks(dir).filter((l) => movieIds.has(l.movieId));
  const observed = { ratings: ratings.length + duplicates, tags: allTags.rows, movies: movies.length, users };
  warnings.push(...enforceRelease(dir, observed, options.force ?? false));
  return { movies, ratings: knownRatings, tags, links, duplicateRatings: duplicates, warnings };
}

function readMovies(dir: string): MovieLensMovie[] {
  const file = 'movies.csv';
  const seen = new Map<number, number>();
  const movies: MovieLensMovie[] = [];
  readCsv(dir, file, ['movieId', 'title', 'genres'], true, (record, line) => {
    const movieId = parseId(record[0]!, file, line, 'movieId');
    const first = seen.get(movieId);
    if (first !== undefined) {
      throw new MovieLensFormatError(file, line, `movieId ${movieId} already appears on line ${first}`);
    }
    seen.set(movieId, line);
    const { title, year } = parseMovieLensTitle(record[1]!);
    if (title === '') throw new MovieLensFormatError(file, line, 'empty title');
    const rawGenres = record[2]!.trim();
    const genres =
      rawGenres === '' || rawGenres === NO_GENRES
        ? []
        : rawGenres
            .split('|')
            .map((g) => g.trim())
            .filter((g) => g !== '' && g !== NO_GENRES);
    movies.push({ movieId, title, year, genres });
  });
  return movies;
}

function readRatings(dir: string): { ratings: MovieLensRating[]; duplicates: number; users: number } {
  const file = 'ratings.csv';
  const ratings: MovieLensRating[] = [];
  // Per user: movieId -> index in `ratings`, so a later duplicate overwrites in place.
  const byUser = new Map<number, Map<number, number>>();
  let duplicates = 0;
  readCsv(dir, file, ['userId', 'movieId', 'rating', 'timestamp'], true, (record, line) => {
    const userId = parseId(record[0]!, file, line, 'userId');
    const movieId = parseId(record[1]!, file, line, 'movieId');
    const rating = parseRating(record[2]!, file, line);
    const timestamp = parseTimestamp(record[3]!, file, line);
    let seen = byUser.get(userId);
    if (!seen) {
      seen = new Map();
      byUser.set(userId, seen);
    }
    const at = seen.get(movieId);
    if (at === undefined) {
      seen.set(movieId, ratings.length);
      ratings.push({ userId, movieId, rating, timestamp });
    } else {
      duplicates++;
      ratings[at] = { userId, movieId, rating, timestamp };
    }
  });
  return { ratings, duplicates, users: byUser.size };
}

function readTags(dir: string, warnings: string[]): { tags: MovieLensTag[]; rows: number } {
  const file = 'tags.csv';
  const tags: MovieLensTag[] = [];
  let empty = 0;
  readCsv(dir, file, ['userId', 'movieId', 'tag', 'timestamp'], false, (record, line) => {
    const userId = parseId(record[0]!, file, line, 'userId');
    const movieId = parseId(record[1]!, file, line, 'movieId');
    const tag = record[2]!.trim();
    const timestamp = parseTimestamp(record[3]!, file, line);
    if (tag === '') empty++;
    else tags.push({ userId, movieId, tag, timestamp });
  });
  if (empty > 0) warnings.push(`tags.csv: ${empty} empty tags ignored`);
  return { tags, rows: tags.length + empty };
}

function readLinks(dir: string): MovieLensLink[] {
  const file = 'links.csv';
  const links: MovieLensLink[] = [];
  readCsv(dir, file, ['movieId', 'imdbId', 'tmdbId'], false, (record, line) => {
    const movieId = parseId(record[0]!, file, line, 'movieId');
    const imdbRaw = record[1]!.trim().replace(/^tt/, '');
    const tmdbRaw = record[2]!.trim();
    if (imdbRaw !== '' && !/^\d+$/.test(imdbRaw)) {
      throw new MovieLensFormatError(file, line, `imdbId ${JSON.stringify(record[1])} is not a number`);
    }
    links.push({
      movieId,
      imdbId: imdbRaw === '' ? null : `tt${imdbRaw.padStart(7, '0')}`,
      tmdbId: tmdbRaw === '' ? null : parseId(tmdbRaw, file, line, 'tmdbId'),
    });
  });
  return links;
}

/** Receives one data line's fields, ordered like the requested columns, and its 1-based line number. */
type OnRecord = (fields: string[], line: number) => void;

/**
 * Calls `onRecord` for every data line of a CSV file, with fields ordered like `columns` (matched by
 * header name). Returns false when an optional file is absent.
 */
function readCsv(
  dir: string,
  file: string,
  columns: string[],
  required: boolean,
  onRecord: OnRecord,
): boolean {
  const filePath = path.join(dir, file);
  if (!fs.existsSync(filePath)) {
    if (!required) return false;
    throw new UserError('movielens-missing-file', `${filePath} not found: not a MovieLens directory?`);
  }
  let order: number[] | undefined;
  let width = 0;
  let identity = false;
  forEachCsvLine(fs.readFileSync(filePath), file, (record, line) => {
    if (!order) {
      const names = record.map((h) => h.trim());
      order = columns.map((c) => names.indexOf(c));
      const missing = columns.filter((_, i) => order![i] === -1);
      if (missing.length > 0) {
        throw new MovieLensFormatError(
          file,
          line,
          `header lacks ${missing.join(', ')} (expected ${columns.join(',')})`,
        );
      }
      width = names.length;
      identity = order.every((c, i) => c === i);
      return;
    }
    if (record.length !== width) {
      throw new MovieLensFormatError(file, line, `expected ${width} columns, found ${record.length}`);
    }
    const o = order;
    onRecord(identity ? record : o.map((c) => record[c]!), line);
  });
  if (!order) throw new MovieLensFormatError(file, 1, 'empty file (expected a header line)');
  return true;
}

/**
 * CSV without a single quote character is plain lines of comma-separated fields; splitting it directly
 * is several times faster than the general parser and allocates far less (ratings.csv). Anything with
 * quotes goes through csv-parse.
 */
function forEachCsvLine(buffer: Buffer, file: string, onLine: OnRecord): void {
  if (!buffer.includes(QUOTE)) {
    const lines = buffer
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\n');
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line !== '') onLine(line.split(','), i + 1);
    }
    return;
  }
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(buffer, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 0;
      throw new MovieLensFormatError(file, line, error.message);
    }
    throw error;
  }
  for (const { record, info } of parsed) onLine(record, info.lines);
}

const QUOTE = 0x22;

function parseId(raw: string, file: string, line: number, column: string): number {
  const value = raw.trim();
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2_147_483_647) {
    throw new MovieLensFormatError(
      file,
      line,
      `${column} ${JSON.stringify(raw)} is not a positive integer id`,
    );
  }
  return Number(value);
}

function parseRating(raw: string, file: string, line: number): number {
  const value = raw.trim();
  const rating = value === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(rating)) {
    throw new MovieLensFormatError(file, line, `rating ${JSON.stringify(raw)} is not a number`);
  }
  if (rating < MIN_RATING || rating > MAX_RATING || rating * 2 !== Math.round(rating * 2)) {
    throw new MovieLensFormatError(file, line, `rating ${value} is not between 0.5 and 5 in half stars`);
  }
  return rating;
}

function parseTimestamp(raw: string, file: string, line: number): number {
  const value = raw.trim();
  if (!/^-?\d{1,12}$/.test(value)) {
    throw new MovieLensFormatError(
      file,
      line,
      `timestamp ${JSON.stringify(raw)} is not a Unix time in seconds`,
    );
  }
  return Number(value);
}
